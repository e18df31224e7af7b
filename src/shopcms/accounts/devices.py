"""The device cookie: a browser that logged in to an account before (OWASP's scheme, see
:mod:`shopcms.accounts.throttle`).

After a successful login the browser gets the cookie :data:`COOKIE`: the account's id and
a random nonce, signed with HMAC-SHA256 under the site secret (``itsdangerous``, salt
``shopcms.device``).  At the next login to the *same* account it makes the browser a
trusted device: its failures count on the counter of its nonce, not on the account's, so
guesses from elsewhere cannot keep it out.  A cookie for another account, a forged or
damaged one is ignored (the client is untrusted).  Each login issues a new nonce, so a
cookie that was locked out by its own failures is replaced only by logging in.

The cookie holds no email and nothing the shop keeps elsewhere; it is strictly necessary
(a security measure for the login the visitor asks for) and declared as such.
"""

import hashlib
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, Signer

from shopcms.web.cookies import Category, set_cookie
from shopcms.web.i18n import _

COOKIE = "device"
LIFETIME = timedelta(days=180)


def _signer(registry):
    return Signer(
        registry.settings["shopcms.secret"], salt="shopcms.device", digest_method=hashlib.sha256
    )


def issue(request, response, account):
    """Give this browser a new device cookie for ``account`` (after a successful login)."""
    value = f"{account.__name__}-{secrets.token_hex(16)}"
    signed = _signer(request.registry).sign(value.encode("ascii")).decode("ascii")
    set_cookie(request, response, COOKIE, signed)


def trusted_nonce(request, account):
    """The nonce of this browser's device cookie if it is valid and names ``account``;
    None otherwise (no cookie, forged, another account, or no account)."""
    if account is None:
        return None
    cookie = request.cookies.get(COOKIE)
    if not cookie or len(cookie) > 200:
        return None
    try:
        value = _signer(request.registry).unsign(cookie.encode("ascii", "replace")).decode()
    except (BadSignature, UnicodeError):
        return None
    userid, _sep, nonce = value.partition("-")
    if not nonce or not secrets.compare_digest(userid, account.__name__):
        return None
    return nonce


def declare_cookie(config):
    config.add_cookie(
        COOKIE,
        Category.NECESSARY,
        purpose=_(
            "Recognises a browser that logged in to your account before, so that you can "
            "still log in while someone elsewhere is guessing your password (a signed "
            "random number)."
        ),
        reason=_(
            "A security measure of the login you ask for: set only when you log in, it "
            "identifies no person and is used for nothing else."
        ),
        lifetime=LIFETIME,
        samesite="Strict",
    )
