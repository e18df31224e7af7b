"""The visitor's cookie choices, kept in the strictly necessary ``cookie_consent`` cookie.

The cookie holds the categories the visitor allowed and the date of the choice, signed so a
forged cookie counts as no choice.  No optional category is ever allowed by default, and a
Global Privacy Control signal (``Sec-GPC: 1``) refuses every optional category whatever
the cookie says.  The consent banner (its own issue) builds on :func:`record` and
:func:`allows`; until then a visitor gives consent where it is asked in context.
"""

import hashlib
from datetime import UTC, datetime

from itsdangerous import BadSignature, Signer

from .cookies import Category, set_cookie

CONSENT_COOKIE = "cookie_consent"
OPTIONAL = tuple(c for c in Category if c is not Category.NECESSARY)


def _signer(request):
    secret = request.registry.settings["shopcms.secret"]
    return Signer(secret, salt="shopcms.consent", digest_method=hashlib.sha256)


def gpc(request):
    """True when the browser sends the Global Privacy Control signal."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def choices(request):
    """``(allowed categories, date)`` from the consent cookie, or ``(frozenset(), None)``."""
    raw = request.cookies.get(CONSENT_COOKIE)
    if not raw:
        return frozenset(), None
    try:
        payload = _signer(request).unsign(raw).decode("ascii")
        date, _sep, names = payload.partition("|")
        allowed = frozenset(Category(name) for name in names.split(",") if name)
        return allowed & frozenset(OPTIONAL), datetime.fromisoformat(date)
    except (BadSignature, ValueError, UnicodeDecodeError):
        return frozenset(), None


def allows(request, category):
    """May an optional cookie of ``category`` be used for this visitor?"""
    if category is Category.NECESSARY:
        return True
    if gpc(request):
        return False
    return category in choices(request)[0]


def record(request, response, allowed, now=None):
    """Store the visitor's choice (the categories in ``allowed``) in the consent cookie."""
    now = now or datetime.now(UTC)
    names = ",".join(sorted(c.value for c in allowed if c in OPTIONAL))
    value = _signer(request).sign(f"{now.isoformat(timespec='seconds')}|{names}").decode()
    set_cookie(request, response, CONSENT_COOKIE, value)
