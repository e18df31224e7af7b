"""Login throttling per account and per client address.

Failures are counted in memory, per process, in a sliding window.  They are deliberately not
stored in the database: a failed login is answered with a 4xx status whose transaction is
aborted, and the privacy statement promises that connection data (client addresses) is not
kept.  With several processes the effective limit is the per-process limit times the number
of processes; the lockout still bounds guessing to a few attempts a minute per account.
"""

import threading
import time
from collections import OrderedDict, deque


class Throttle:
    """Counts failures per key in a sliding ``window`` (seconds).

    ``blocked(key)`` is the number of seconds left before ``key`` may try again (0 when
    free).  A key is blocked once it has ``limit`` failures inside the window; the block
    lasts until the oldest of those failures leaves the window.  Memory is bounded by
    ``max_keys``: the least recently used keys are forgotten first.
    """

    def __init__(self, limit, window, max_keys=100_000, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._failures = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key, now):
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def blocked(self, key):
        with self._lock:
            now = self.clock()
            failures = self._recent(key, now)
            if failures is None or len(failures) < self.limit:
                return 0
            return max(1, int(failures[-self.limit] + self.window - now + 0.999))

    def failure(self, key):
        with self._lock:
            now = self.clock()
            failures = self._recent(key, now)
            if failures is None:
                failures = self._failures[key] = deque(maxlen=self.limit)
            failures.append(now)
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def reset(self, key):
        with self._lock:
            self._failures.pop(key, None)


class LoginThrottle:
    """The two throttles consulted at login: per account (email) and per client address."""

    def __init__(self, account_limit=5, address_limit=20, window=15 * 60, clock=time.monotonic):
        self.accounts = Throttle(account_limit, window, clock=clock)
        self.addresses = Throttle(address_limit, window, clock=clock)

    def wait_seconds(self, email, address):
        """Seconds before this email or address may try again; 0 when both are free."""
        return max(self.accounts.blocked(email), self.addresses.blocked(address))

    def failed(self, email, address):
        self.accounts.failure(email)
        self.addresses.failure(address)

    def succeeded(self, email):
        self.accounts.reset(email)


def includeme(config):
    settings = config.get_settings()
    config.registry.shopcms_login_throttle = LoginThrottle(
        account_limit=int(settings.get("shopcms.login.account_limit", 5)),
        address_limit=int(settings.get("shopcms.login.address_limit", 20)),
        window=int(settings.get("shopcms.login.window", 15 * 60)),
    )
