"""Limits per client against bots and floods, in memory: no third-party CAPTCHA.

:class:`Throttle` allows ``limit`` events per client in a window of ``seconds``, per
process; a restart forgets it (a limit is a brake on abuse, not a ledger).  It is bounded:
at most :data:`CLIENTS` clients are remembered, the least recently seen dropped first, and
a client whose last event left the window is forgotten at the next event of any client.

:func:`client` is the client as the limits know it: a keyed hash of
``request.client_addr`` (the visitor's address as the trusted proxy gives it), never the
address itself, salted per use so that two limits cannot be joined.  The reviews limit
helpful votes and reports with it; the contests limit entries; the gift cards the codes
tried.  :func:`keyed` is the same hash of another value: the account mails are limited per
e-mail address with it.
"""

import hashlib
import hmac
import threading
import time
from collections import OrderedDict, deque

#: The most clients one throttle remembers.
CLIENTS = 10_000


class Throttle:
    """At most ``limit`` events per client in ``seconds`` (see the module), remembering at
    most ``clients`` clients."""

    def __init__(self, limit, seconds, clients=CLIENTS):
        self.limit, self.seconds, self.clients = limit, seconds, clients
        self._events = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client, now=None):
        """Count one event of ``client``; False (and not counted) once over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.pop(client, None) or deque()
            while events and events[0] <= now - self.seconds:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[client] = events
            while len(self._events) > self.clients:
                self._events.popitem(last=False)
            self._forget(now)
            return allowed

    def _forget(self, now):
        # Clients are kept in the order they were last seen: those first in line whose
        # last event left the window are forgotten (the privacy statement says so).
        while self._events:
            first, events = next(iter(self._events.items()))
            if events and events[-1] > now - self.seconds:
                break
            del self._events[first]

    def __len__(self):
        """How many clients are remembered."""
        return len(self._events)

    def full(self, client, now=None):
        """Whether ``client`` has had its ``limit`` events in the window (nothing counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(client, ())
            return sum(1 for moment in events if moment > now - self.seconds) >= self.limit

    def clear(self):
        with self._lock:
            self._events.clear()


def client(request, purpose="shopcms.reviews.client"):
    """The client as the limits know it: a keyed hash of its address, never the address
    (the limits must tell clients apart, not know who they are).  ``purpose`` salts the
    hash (the reviews' default keeps the values they always had)."""
    return keyed(request.registry, purpose, request.client_addr or "unknown")


def keyed(registry, purpose, value):
    """A keyed hash (HMAC-SHA256 under ``shopcms.secret``, salted with ``purpose``) of
    ``value``: what a limit counts under instead of the value itself."""
    secret = registry.settings["shopcms.secret"].encode()
    message = purpose.encode() + b"|" + value.encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]
