"""The day's secret and the day's visits, shared by every process of a site through the
statistics database.

Every process computes a visitor's visit key (``visits.visit_key``) under the same secret
on the same day, so a visitor served by two processes is one visit:

- the secret of a day is random (32 bytes from ``secrets``), made by the first process
  that needs it and read by the others; it is kept in the statistics database's root
  under :data:`ROOT_KEY` and deleted once its day is over (by the first process that
  works on a later day, and by every flush);
- each flush *claims* the visits its process saw begin (:meth:`SharedDays.claim`): the
  day's visit keys (the first 16 bytes of each, with the time the latest part of that
  visit began in any process) say whether another process counted that visit already:
  a part that begins less than the visit timeout after the latest is the same visit, and
  only the first claim counts it; later than that, the visitor came back and it is a new
  visit.  The keys are deleted with their day's secret.

Nothing else is kept: not the address, not its network, not the ``User-Agent``.  Once a
day is over, neither its secret nor its keys exist, and a key cannot be computed again.
(The storage keeps deleted records until it is packed: the daily ``shopcms retention``
run packs the statistics database.)

When the statistics database cannot be reached, a process counts with a secret of its own
for the moment (a visitor may then count twice) and tries the database again a minute
later: statistics never stop a page.
"""

import logging
import secrets
import threading
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from shopcms.tree.database import in_own_transaction

log = logging.getLogger(__name__)

#: Where the days live in the statistics database's root.
ROOT_KEY = "shopcms_statistics_days"
#: The part of a visit key kept to recognise a visit claimed by another process.
KEPT = 16
#: Seconds before a process that could not reach the database tries again.
RETRY = 60


class Day(Persistent):
    """One day's secret, and the (shortened) keys of the visits of the day with the time
    the latest part of each began: OOBTree ``key -> seconds since the epoch``."""

    def __init__(self, secret):
        self.secret = secret
        self.visits = OOBTree()


class SharedDays:
    """The days of one statistics database (``db``), as one process sees them."""

    def __init__(self, db, attempts=10, backoff=0.02, clock=time.monotonic):
        self.db = db
        self.attempts = attempts
        self.backoff = backoff
        self.clock = clock
        self._day = None
        self._secret = None
        self._lock = threading.Lock()
        self._local = None  # (day, secret, until) while the database cannot be reached

    def _run(self, work):
        """``work(days)`` in a transaction of its own, committed; again after a conflict."""

        def on_root(root):
            days = root.get(ROOT_KEY)
            if days is None:
                days = root[ROOT_KEY] = OOBTree()
            return work(days)

        return in_own_transaction(
            self.db,
            on_root,
            note="shopcms: statistics days",
            attempts=self.attempts,
            backoff=self.backoff,
        )

    def for_day(self, day):
        """The secret of ``day`` (ISO date), the same in every process."""
        with self._lock:
            if day == self._day:
                return self._secret
            if self._local is not None and self._local[0] == day and self.clock() < self._local[2]:
                return self._local[1]
            try:
                secret = self._run(lambda days: _secret_of(days, day))
            except Exception:
                log.exception("statistics database unreachable: this process counts alone")
                self._local = (day, secrets.token_bytes(32), self.clock() + RETRY)
                return self._local[1]
            self._day, self._secret, self._local = day, secret, None
            return secret

    def claim(self, visits, timeout):
        """Claim ``visits`` (``(day, key, first)``: the part of a visit this process saw
        begin at ``first``): the set of ``(day, key)`` this process counts, because no
        other process saw that visit within ``timeout`` seconds before.  A visit of a day
        that is over (its keys are gone) is counted."""

        def work(days):
            claimed = set()
            for day, key, first in sorted(visits):
                entry = days.get(day)
                if entry is None:
                    claimed.add((day, key))
                    continue
                latest = entry.visits.get(key[:KEPT])
                if latest is None or first - latest > timeout:
                    claimed.add((day, key))
                if latest is None or first > latest:
                    entry.visits[key[:KEPT]] = first
            return claimed

        return self._run(work)

    def forget_before(self, day):
        """Delete the secrets and keys of the days before ``day``; returns how many."""

        def work(days):
            old = list(days.keys(max=day, excludemax=True))
            for name in old:
                del days[name]
            return len(old)

        return self._run(work)


def _secret_of(days, day):
    """The secret of ``day`` in ``days``, made (and the days before deleted) if new.

    A day before the newest one (a page counted just before midnight, after another
    process began the next day) gets a secret that is not kept: its keys are gone.
    """
    entry = days.get(day)
    if entry is not None:
        return entry.secret
    newest = days.maxKey() if days else None
    if newest is not None and newest > day:
        return secrets.token_bytes(32)
    for name in list(days.keys(max=day, excludemax=True)):
        del days[name]
    entry = days[day] = Day(secrets.token_bytes(32))
    return entry.secret
