"""The signed session cookie.

Its name, SameSite and HttpOnly come from the cookie registry declaration, so the cookie
policy and the real cookie cannot disagree.  The session holds only small JSON values (the
account id, the login time, whether the account was staff then, the CSRF token); the idle
timeout is ``timeout``.
"""

import os

from pyramid.session import SignedCookieSessionFactory
from pyramid.settings import asbool


class MissingSecret(RuntimeError):
    """No ``shopcms.secret`` (or SHOPCMS_SECRET) configured."""


def session_secret(settings):
    secret = settings.get("shopcms.secret") or os.environ.get("SHOPCMS_SECRET", "")
    if len(secret) < 32:
        raise MissingSecret(
            "set shopcms.secret (or SHOPCMS_SECRET) to at least 32 random characters, "
            "for example the value of Python's secrets.token_urlsafe(48)"
        )
    return secret


def includeme(config):
    settings = config.get_settings()
    # The cookie registry (shopcms.privacy) declares the session cookie; it is included first.
    decl = config.registry.shopcms_cookies[settings["shopcms.session.cookie_name"]]
    factory = SignedCookieSessionFactory(
        session_secret(settings),
        cookie_name=decl.name,
        path=decl.path,
        secure=asbool(settings.get("shopcms.cookies.secure", False)),
        httponly=decl.httponly,
        samesite=decl.samesite,
        timeout=int(settings.get("shopcms.session.idle_timeout", 2 * 3600)),
        reissue_time=int(settings.get("shopcms.session.reissue_time", 300)),
        # The login form shown in place of a 403 needs its CSRF token kept.
        set_on_exception=True,
    )
    config.set_session_factory(factory)
