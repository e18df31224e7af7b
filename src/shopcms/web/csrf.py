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
"""

import hashlib
import hmac
import time
from urllib.parse import urlsplit

from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.interfaces import ICSRFStoragePolicy
from zope.interface import implementer

from shopcms.web import personal
from shopcms.web.sessions import session_secret

PREFIX = "s."
HOUR = 3600


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

    def _mac(self, hour):
        return hmac.new(self._key, str(hour).encode(), hashlib.sha256).hexdigest()[:32]

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
        return self.sessions.new_csrf_token(request)

    def get_csrf_token(self, request):
        """The session's token when the visitor has a session (or this request started
        one, e.g. at login), else the stateless one.  In a skeleton rendering (the page
        cache's, ``shopcms.web.personal``) the mark each visitor's token replaces."""
        if request.environ.get(personal.SKELETON):
            return personal.CSRF_MARK
        if self.session_cookie in request.cookies or self._session_started(request):
            return self.sessions.get_csrf_token(request)
        return self.stateless_token()

    def _session_started(self, request):
        # ``request.session`` is reified: it is in the request's __dict__ once it was used.
        session = request.__dict__.get("session")
        return session is not None and self.sessions.key in session

    def check_csrf_token(self, request, supplied_token):
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
