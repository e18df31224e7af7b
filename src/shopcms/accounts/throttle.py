"""Login protection that every process of a site shares, and that an attacker cannot turn
against the owner of an account.

The scheme is OWASP's "Slow Down Online Guessing Attacks with Device Cookies":

- a browser that logged in to an account before holds a **device cookie** for it
  (:mod:`shopcms.accounts.devices`): its failures count on a counter of that device only,
  so it keeps logging in while the account is attacked from elsewhere;
- every other client is **untrusted**: its failures count per account and per client
  address (``request.client_addr``: waitress's trusted proxy settings put the visitor's
  address there, nothing here reads ``X-Forwarded-For``).

A counter never locks for good: after ``free`` failures each further one doubles the delay
before the next attempt, from ``base`` seconds up to ``cap`` (:class:`Rule`).  While a
delay runs, attempts are refused without being checked or counted; the answer says when to
try again (429 with ``Retry-After``).  A counter is forgotten ``window`` seconds after its
last failure, and a success resets the counters of the account and of the device.

The counters live in the main ZODB database under :data:`ROOT_KEY` (not in the site's
tree), so every process of the site sees the same ones.  A failed login answers 4xx and
pyramid_tm aborts its transaction, so :class:`SharedCounters` commits in a connection and
transaction of its own, again after a conflict (a bounded number of times).  Only what the
rule needs is kept: a keyed hash (HMAC-SHA256 under a key derived from ``shopcms.secret``)
of the email, the address or the device's nonce, never the value itself; the number of
failures and the time of the last one.  Each write also deletes a few expired counters, and
:meth:`SharedCounters.prune` deletes them all (the privacy purpose ``login_protection``).
"""

import hashlib
import hmac
import logging
import random
import secrets
from dataclasses import dataclass
from itertools import islice

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from shopcms.tree.database import in_own_transaction
from shopcms.web.clock import now as clock_now

log = logging.getLogger(__name__)

#: Where the counters live in the main database's ZODB root.
ROOT_KEY = "shopcms_login_counters"
#: Counter kinds: the key's prefix.
ACCOUNT, ADDRESS, DEVICE = "a", "i", "d"
#: Expired counters deleted by each write (keeps the tree small without a sweep).
PRUNE_PER_WRITE = 20


@dataclass(frozen=True)
class Rule:
    """How one kind of counter slows down: ``free`` failures without delay, then a delay
    of ``base`` seconds doubling with each failure up to ``cap``; forgotten ``window``
    seconds after the last failure."""

    free: int
    base: float = 60
    cap: float = 15 * 60
    window: float = 24 * 3600

    def delay(self, failures):
        """Seconds after the last of ``failures`` before the next attempt is checked."""
        if failures < self.free:
            return 0
        return min(self.cap, self.base * 2 ** min(failures - self.free, 32))

    def wait(self, failures, last, now):
        """Seconds left to wait (0: free)."""
        left = last + self.delay(failures) - now
        return int(left + 0.999) if left > 0 else 0

    def expired(self, last, now):
        return now - last > max(self.window, self.cap)


class Counter(Persistent):
    """The failures of one key and the time of the last one.

    A persistent object of its own, without conflict resolution: two processes that count
    a failure of one key at once always conflict, and one of them counts again.  (Plain
    values in the BTree would be merged by the bucket when both write the same value: a
    lost failure.)
    """

    def __init__(self, failures, last):
        self.failures = failures
        self.last = last

    def state(self):
        return self.failures, self.last


class Counters(Persistent):
    """The shared counters: OOBTree ``"<kind>:<keyed hash>" -> Counter``."""

    def __init__(self):
        self.tree = OOBTree()


class SharedCounters:
    """The :class:`Counters` of a ZODB database, read and written in transactions of their
    own (see the module)."""

    def __init__(self, db, attempts=8, backoff=0.02):
        self.db = db
        self.attempts = attempts
        self.backoff = backoff

    def _run(self, work, write):
        """``work(tree)`` (None when nothing was ever counted and ``write`` is false) in a
        transaction of its own, committed when ``write``."""

        def on_root(root):
            counters = root.get(ROOT_KEY)
            if counters is None:
                if not write:
                    return work(None)
                counters = root[ROOT_KEY] = Counters()
            return work(counters.tree)

        return in_own_transaction(
            self.db,
            on_root,
            note="shopcms: login counters",
            write=write,
            attempts=self.attempts,
            backoff=self.backoff,
        )

    def read(self, keys):
        """``{key: (failures, last)}`` of those of ``keys`` that are counted."""

        def work(tree):
            if tree is None:
                return {}
            return {key: tree[key].state() for key in keys if key in tree}

        return self._run(work, write=False)

    def add_failure(self, keys, now, rules):
        """One more failure at ``now`` on each of ``keys`` (``rules``: kind -> Rule)."""

        def work(tree):
            for key in sorted(keys):
                counter = tree.get(key)
                if counter is None:
                    tree[key] = Counter(1, now)
                    continue
                if rules[key[0]].expired(counter.last, now):
                    counter.failures = 0
                counter.failures += 1
                counter.last = now
            self._prune(tree, now, rules, PRUNE_PER_WRITE)

        self._run(work, write=True)

    def clear(self, keys):
        """Forget ``keys`` (a success); writes only when one of them is counted."""
        if not self.read(keys):
            return

        def work(tree):
            for key in keys:
                tree.pop(key, None)

        self._run(work, write=True)

    def prune(self, now, rules):
        """Delete every expired counter; returns how many went."""
        return self._run(lambda tree: self._prune(tree, now, rules, None), write=True)

    @staticmethod
    def _prune(tree, now, rules, limit):
        """Delete expired counters: all (``limit`` None), or up to ``limit`` among the next
        ``4 * limit`` from a random place (the keys are hashes: any place is as good)."""
        if limit is None:
            items = tree.items()
        else:
            start = f"{random.choice((ACCOUNT, ADDRESS, DEVICE))}:{secrets.token_hex(2)}"  # noqa: S311
            items = islice(tree.items(min=start), 4 * limit)
        gone = [key for key, counter in items if rules[key[0]].expired(counter.last, now)]
        for key in gone:
            del tree[key]
        return len(gone)


class LoginThrottle:
    """The rules of :mod:`this module <shopcms.accounts.throttle>` over shared counters.

    ``trusted`` is the device nonce of a valid device cookie naming the account (None: an
    untrusted client).  Times are seconds since the epoch.
    """

    def __init__(self, counters, secret, account=None, address=None, device=None):
        self.counters = counters
        self._key = hashlib.sha256(b"shopcms.login.counters\x00" + secret.encode()).digest()
        self.rules = {
            ACCOUNT: account or Rule(free=5),
            ADDRESS: address or Rule(free=20),
            DEVICE: device or Rule(free=5),
        }

    def key(self, kind, value):
        digest = hmac.new(self._key, f"{kind}\x00{value}".encode(), hashlib.sha256)
        return f"{kind}:{digest.hexdigest()[:32]}"

    def keys(self, email, address, trusted=None):
        """The counters an attempt on ``email`` from ``address`` is judged by."""
        if trusted:
            return [self.key(DEVICE, trusted)]
        return [self.key(ACCOUNT, email), self.key(ADDRESS, address or "unknown")]

    def wait_seconds(self, email, address, now, trusted=None):
        """Seconds before this attempt may be checked; 0 when it may now."""
        counted = self.counters.read(self.keys(email, address, trusted))
        waits = [self.rules[key[0]].wait(*counted[key], now) for key in counted]
        return max(waits, default=0)

    def failed(self, email, address, now, trusted=None):
        self.counters.add_failure(self.keys(email, address, trusted), now, self.rules)

    def succeeded(self, email, trusted=None):
        """The account's own counter and the device's are reset; the address's is not (it
        may be shared with someone guessing)."""
        keys = [self.key(ACCOUNT, email)]
        if trusted:
            keys.append(self.key(DEVICE, trusted))
        self.counters.clear(keys)

    def prune(self, now):
        return self.counters.prune(now, self.rules)


def get_login_throttle(registry):
    return registry.shopcms_login_throttle


def now_seconds(registry):
    return clock_now(registry).timestamp()


def _rule(settings, kind, free):
    prefix = f"shopcms.login.{kind}"
    # ``*_limit``: the name before the delays (then the failures that locked the account).
    free = settings.get(f"{prefix}_free", settings.get(f"{prefix}_limit", free))
    return Rule(
        free=int(free),
        base=float(settings.get("shopcms.login.delay", 60)),
        cap=float(settings.get("shopcms.login.max_delay", 15 * 60)),
        window=float(settings.get("shopcms.login.window", 24 * 3600)),
    )


def includeme(config):
    """Settings: ``shopcms.login.account_free`` (5), ``address_free`` (20), ``device_free``
    (5) failures before the delays start; ``shopcms.login.delay`` (60 s, the first delay),
    ``max_delay`` (900 s), ``window`` (86400 s: a counter is forgotten this long after its
    last failure)."""
    registry = config.registry
    settings = config.get_settings()
    # The database is opened by pyramid_zodbconn before the capabilities are included.
    counters = SharedCounters(registry._zodb_databases[""])
    registry.shopcms_login_throttle = LoginThrottle(
        counters,
        settings["shopcms.secret"],
        account=_rule(settings, "account", 5),
        address=_rule(settings, "address", 20),
        device=_rule(settings, "device", 5),
    )
