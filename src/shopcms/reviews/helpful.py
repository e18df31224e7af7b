"""Helpful votes and reports from visitors: one vote per browser per review, and a simple
limit per client on both.

Who voted is not stored anywhere on the server (``moderation.vote_helpful`` counts).  The
browser remembers its own votes in the signed cookie ``reviews_helpful`` (strictly
necessary: set only when the visitor votes, to count the vote once): the keys of the
reviews it voted for (at most :data:`REMEMBERED`: the keys are time-ordered, so the
oldest reviews are forgotten first), signed with the site secret
so that an edited cookie counts as no cookie.  A visitor who clears the cookie can vote
again: a vote is a hint, not a ballot, and the limit per client caps what that can do.

:class:`Throttle` limits the votes and reports of one client (a keyed hash of
``request.client_addr``, the visitor's address as the trusted proxy gives it: the address
itself is not kept) per process, in memory: a window of
``seconds`` allows ``limit`` events; a restart forgets it.  Bounded: at most
:data:`CLIENTS` addresses are remembered, the least recently seen dropped first.
"""

import hashlib
import hmac
import threading
import time
from collections import OrderedDict, deque

from itsdangerous import BadSignature, Signer

from shopcms.web.cookies import set_cookie

COOKIE = "reviews_helpful"  # declared (HELPFUL_COOKIE) in the package's includeme
#: How many votes a browser's cookie remembers (about 22 characters each).
REMEMBERED = 120
CLIENTS = 10_000


def _signer(request):
    secret = request.registry.settings["shopcms.secret"]
    return Signer(secret, salt="shopcms.reviews.helpful", digest_method=hashlib.sha256)


def voted(request):
    """The keys of the reviews this browser voted for (empty for a missing or forged
    cookie)."""
    value = request.cookies.get(COOKIE)
    if not value:
        return frozenset()
    try:
        raw = _signer(request).unsign(value.encode("ascii", "replace")).decode("ascii")
    except (BadSignature, UnicodeError):
        return frozenset()
    return frozenset(key for key in raw.split(".") if key.isalnum())


def remember(request, key):
    """Add review ``key`` to this browser's votes (on the response, through the cookie
    registry)."""
    keys = sorted({*voted(request), key})[-REMEMBERED:]
    value = _signer(request).sign(".".join(keys).encode("ascii")).decode("ascii")

    def callback(request, response):
        set_cookie(request, response, COOKIE, value)

    request.add_response_callback(callback)


class Throttle:
    """At most ``limit`` events per client in ``seconds`` (see the module)."""

    def __init__(self, limit, seconds):
        self.limit, self.seconds = limit, seconds
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
            while len(self._events) > CLIENTS:
                self._events.popitem(last=False)
            return allowed

    def clear(self):
        with self._lock:
            self._events.clear()


#: Helpful votes: 30 in 10 minutes per client; reports: 5 an hour, and one a day per
#: review (three reports send a review back to the moderators: three clients, not one).
VOTES = Throttle(30, 600)
REPORTS = Throttle(5, 3600)
REPORTED = Throttle(1, 24 * 3600)


def client(request):
    """The client as the limits know it: a keyed hash of its address, never the address
    (the limits must tell clients apart, not know who they are)."""
    secret = request.registry.settings["shopcms.secret"].encode()
    address = (request.client_addr or "unknown").encode()
    return hmac.new(secret, b"shopcms.reviews.client|" + address, hashlib.sha256).hexdigest()[:32]
