"""CSRF tokens: the session's, and stateless ones for shared pages.

A visitor who has a session uses the CSRF token kept in it.  A visitor without one is not
given a session just to be shown a form (a session starts only when there is something to
keep: a login, a notice), and a shared page is the same for every visitor without cookies
and served from the page cache: their forms carry a stateless token instead, an HMAC of the
hour it was issued in (``s.HOUR.MAC``), valid for ``max_age`` seconds.

Because such a token is the same for everybody, it is accepted only together with proof that
the request comes from this site: an ``Origin`` header (every current browser sends one with
a POST), or failing that a ``Referer``, naming this site's own origin.  A cross-site form
therefore fails even with a valid token.  A request whose browser carries a session must use
the session's token: a stateless token is refused there, so a logged-in account is protected
by the session token exactly as before.

Every token shown is masked (BREACH): compressed answers must not let an attacker who
reflects text into the page guess a secret that repeats in every answer, byte by byte from
the compressed sizes.  :func:`mask` XORs the token with a fresh random pad and sends pad and
result, so the same token never appears in two answers; :func:`unmask` gives it back.
``get_csrf_token(request)`` masks once per request (and token): every call within one
request returns the same text, since code that keeps a rendering takes the token out of it
by replacing it (``products.sections``), which a mask per call would defeat (the first
visitor's token kept for the next).  BREACH needs the secret to repeat across answers, not
within one.  ``check_csrf_token`` accepts a masked token and, for scripts and older pages,
a raw one.  A masked token shows its kind, which is no secret: ``s.`` for a stateless token
(then base64url, no dot), ``m.`` for a session's.  What must stay the same across answers
(a validator, ``shopcms.web.etags``) uses :func:`raw_token`, never shown.
"""

import base64
import binascii
import hashlib
import hmac
import os
import threading
import time
from urllib.parse import urlsplit

from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.interfaces import ICSRFStoragePolicy
from zope.interface import implementer

from shopcms.web.marks import CSRF_MARK, SKELETON
from shopcms.web.sessions import session_secret

PREFIX = "s."
#: The start of a masked session token (a masked stateless token starts with PREFIX).
MASKED = "m."
HOUR = 3600
#: Where a request keeps ``(token, masked)``: one mask per answer (see the module).
_MASKED_ATTRIBUTE = "_shopcms_masked_csrf"


class _RandomBytes(threading.local):
    """Bytes of the system's random source for the pads, read 4 KiB at a time: a read is a
    system call that lets go of the GIL (the server's event loop then waits for a thread
    to give it back), for 44 bytes a mask.  Each byte is given out once; a forked process
    starts with none of its parent's."""

    def __init__(self):
        self.buffer, self.used = b"", 0

    def take(self, size):
        if self.used + size > len(self.buffer):
            self.buffer, self.used = os.urandom(max(4096, size)), 0
        self.used += size
        return self.buffer[self.used - size : self.used]


_random = _RandomBytes()
os.register_at_fork(after_in_child=_random.__init__)


def mask(token, pad=None):
    """``token`` (ASCII) XORed with a random pad of its length: kind + base64url(pad + xor).
    Two calls never return the same text (see the module).  ``pad``: random bytes of the
    token's length read by the caller (:func:`masks`), else read here."""
    raw = token.encode("ascii")
    if pad is None:
        pad = _random.take(len(raw))
    mixed = (int.from_bytes(pad, "big") ^ int.from_bytes(raw, "big")).to_bytes(len(raw), "big")
    text = base64.urlsafe_b64encode(pad + mixed).rstrip(b"=").decode("ascii")
    return (PREFIX if token.startswith(PREFIX) else MASKED) + text


def masks(token, count):
    """``count`` masked copies of ``token``, each with its own pad (random bytes taken
    once for all: a page has several forms)."""
    size = len(token)
    randomness = _random.take(size * count)
    return [mask(token, randomness[i * size : (i + 1) * size]) for i in range(count)]


def unmask(text):
    """The token a masked ``text`` carries, or None when ``text`` is not a masked token
    (a raw token, or garbage)."""
    if not text.startswith((PREFIX, MASKED)) or "." in text[2:]:
        return None
    body = text[2:]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None
    half = len(data) // 2
    if not data or len(data) % 2:
        return None
    pad, mixed = data[:half], data[half:]
    raw = (int.from_bytes(pad, "big") ^ int.from_bytes(mixed, "big")).to_bytes(half, "big")
    try:
        token = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    # The kind shown must be the kind carried: a session token is never passed as stateless.
    return token if token.startswith(PREFIX) == text.startswith(PREFIX) else None


def same_origin(request):
    """True when the request's ``Origin`` (or else ``Referer``) is this site's origin."""
    origin = request.headers.get("Origin")
    if origin is None:
        referrer = request.headers.get("Referer")
        if not referrer:
            return False
        parts = urlsplit(referrer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return hmac.compare_digest(origin.lower(), request.host_url.lower())


@implementer(ICSRFStoragePolicy)
class CSRFPolicy:
    def __init__(self, secret, max_age=24 * HOUR, session_cookie="session"):
        self._key = hashlib.sha256(b"shopcms-csrf\x00" + secret.encode()).digest()
        self.max_age = max_age
        self.session_cookie = session_cookie
        self.sessions = SessionCSRFStoragePolicy()
        self._last = (None, None)  # (hour, its MAC): every page without a session asks

    def _mac(self, hour):
        last = self._last
        if last[0] == hour:
            return last[1]
        mac = hmac.new(self._key, str(hour).encode(), hashlib.sha256).hexdigest()[:32]
        self._last = (hour, mac)
        return mac

    def stateless_token(self, now=None):
        hour = int((time.time() if now is None else now) // HOUR)
        return f"{PREFIX}{hour}.{self._mac(hour)}"

    def valid_stateless(self, token, now=None):
        """True for a stateless token of ours issued at most ``max_age`` seconds ago."""
        try:
            hour_text, mac = token[len(PREFIX) :].split(".", 1)
            hour = int(hour_text)
        except ValueError:
            return False
        age = (time.time() if now is None else now) - hour * HOUR
        return -HOUR < age <= self.max_age and hmac.compare_digest(mac, self._mac(hour))

    # ICSRFStoragePolicy

    def new_csrf_token(self, request):
        """A new session token (the old one stops working), masked."""
        return mask(self.sessions.new_csrf_token(request))

    def get_csrf_token(self, request):
        """The visitor's token (:meth:`raw_token`), masked anew for each request (the same
        within one, see the module).  In a skeleton rendering (the page cache's,
        ``shopcms.web.personal``), and in the request that fills one for a visitor, the
        mark each visitor's token replaces."""
        if request.environ.get(SKELETON) or getattr(request, "writes_csrf_marks", False):
            return CSRF_MARK
        raw = self.raw_token(request)
        known = request.__dict__.get(_MASKED_ATTRIBUTE)
        if known is not None and known[0] == raw:
            return known[1]
        masked = mask(raw)
        setattr(request, _MASKED_ATTRIBUTE, (raw, masked))
        return masked

    def raw_token(self, request):
        """The session's token when the visitor has a session (or this request started
        one, e.g. at login), else the stateless one; unmasked, so never to be shown: for
        what must stay the same from one answer to the next (validators)."""
        if self.session_cookie in request.cookies or self._session_started(request):
            return self.sessions.get_csrf_token(request)
        return self.stateless_token()

    def _session_started(self, request):
        # ``request.session`` is reified: it is in the request's __dict__ once it was used.
        session = request.__dict__.get("session")
        return session is not None and self.sessions.key in session

    def check_csrf_token(self, request, supplied_token):
        """True for the visitor's token, masked (:func:`mask`) or raw."""
        supplied_token = unmask(supplied_token) or supplied_token
        if supplied_token.startswith(PREFIX):
            return (
                self.session_cookie not in request.cookies
                and self.valid_stateless(supplied_token)
                and same_origin(request)
            )
        return self.sessions.check_csrf_token(request, supplied_token)


def includeme(config):
    settings = config.get_settings()
    policy = CSRFPolicy(
        session_secret(settings),
        session_cookie=settings["shopcms.session.cookie_name"],
    )
    config.set_csrf_storage_policy(policy)
    config.registry.shopcms_csrf = policy


def raw_token(request):
    """The visitor's CSRF token unmasked (:meth:`CSRFPolicy.raw_token`): for validators."""
    return request.registry.shopcms_csrf.raw_token(request)
