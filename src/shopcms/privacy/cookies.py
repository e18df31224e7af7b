"""The cookie registry: every cookie shopcms may set, declared once.

The cookie policy's table is generated from these declarations, and code sets a cookie only
through :func:`set_cookie` / :func:`delete_cookie`.  A response that carries a cookie that is
not declared here is a bug: :func:`check_response_cookies` runs on every response and, with
``shopcms.cookies.strict = true`` (development and tests), raises :class:`UndeclaredCookie`;
otherwise it drops the cookie and logs an error, so production never leaks one.
"""

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie

from pyramid.events import NewResponse
from pyramid.settings import asbool

from ..i18n import _

log = logging.getLogger(__name__)


class Category(enum.Enum):
    """Cookie categories of the consent banner; only ``NECESSARY`` needs no consent."""

    NECESSARY = "necessary"
    FUNCTIONAL = "functional"
    PERSONALISATION = "personalisation"
    ANALYTICS = "analytics"

    @property
    def title(self):
        return CATEGORY_TITLES[self]


CATEGORY_TITLES = {
    Category.NECESSARY: _("Strictly necessary"),
    Category.FUNCTIONAL: _("Functional"),
    Category.PERSONALISATION: _("Personalisation"),
    Category.ANALYTICS: _("Statistics"),
}


class UndeclaredCookie(RuntimeError):
    """A response tried to set a cookie that the registry does not declare."""


@dataclass(frozen=True)
class CookieDeclaration:
    """One cookie: what it is for, how long it lives, and how it is sent.

    ``lifetime`` None is a browser-session cookie.  ``purpose`` and ``reason`` are
    translation strings: the purpose is shown to visitors in the cookie policy, the reason
    records why the cookie has its category.
    """

    name: str
    category: Category
    purpose: str
    reason: str
    lifetime: timedelta | None
    httponly: bool = True
    samesite: str = "Lax"
    path: str = "/"

    @property
    def needs_consent(self):
        return self.category is not Category.NECESSARY


class CookieRegistry:
    """The declared cookies of one application, keyed by name.

    ``secure`` comes from the ``shopcms.cookies.secure`` setting: true in production, where
    the site is only served over HTTPS.
    """

    def __init__(self, secure=False, strict=False):
        self.secure = secure
        self.strict = strict
        self._cookies = {}

    def declare(self, declaration):
        if declaration.name in self._cookies:
            raise ValueError(f"cookie {declaration.name!r} is declared twice")
        self._cookies[declaration.name] = declaration
        return declaration

    def __getitem__(self, name):
        return self._cookies[name]

    def __contains__(self, name):
        return name in self._cookies

    def __iter__(self):
        return iter(sorted(self._cookies.values(), key=lambda c: (c.category.value, c.name)))

    def __len__(self):
        return len(self._cookies)


def get_cookie_registry(registry):
    return registry.shopcms_cookies


def set_cookie(request, response, name, value):
    """Set the declared cookie ``name`` on ``response`` with its declared attributes.

    Raises KeyError for an undeclared name: no code path can invent a cookie.
    """
    cookies = get_cookie_registry(request.registry)
    decl = cookies[name]
    response.set_cookie(
        name,
        value,
        max_age=int(decl.lifetime.total_seconds()) if decl.lifetime else None,
        path=decl.path,
        secure=cookies.secure,
        httponly=decl.httponly,
        samesite=decl.samesite,
    )


def delete_cookie(request, response, name):
    """Expire the declared cookie ``name`` in the browser."""
    cookies = get_cookie_registry(request.registry)
    decl = cookies[name]
    response.delete_cookie(name, path=decl.path)


def response_cookie_names(response):
    """The names of the cookies a response sets (or deletes)."""
    names = []
    for header in response.headers.getall("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        names.extend(parsed.keys())
    return names


def check_response_cookies(event):
    """NewResponse subscriber: no response may carry an undeclared cookie."""
    response = event.response
    cookies = get_cookie_registry(event.request.registry)
    undeclared = [name for name in response_cookie_names(response) if name not in cookies]
    if not undeclared:
        return
    if cookies.strict:
        raise UndeclaredCookie(f"undeclared cookie(s) {undeclared} on {event.request.path}")
    log.error("dropped undeclared cookie(s) %s on %s", undeclared, event.request.path)
    kept = [
        header
        for header in response.headers.getall("Set-Cookie")
        if not any(header.startswith(f"{name}=") for name in undeclared)
    ]
    del response.headers["Set-Cookie"]
    for header in kept:
        response.headers.add("Set-Cookie", header)


def declare_core_cookies(cookies, settings):
    """The cookies of the foundation: the session and the language choice."""
    cookies.declare(
        CookieDeclaration(
            name=settings["shopcms.session.cookie_name"],
            category=Category.NECESSARY,
            purpose=_(
                "Keeps you logged in and protects the forms you send against forgery "
                "(a signed session identifier)."
            ),
            reason=_(
                "Needed for logging in and for secure forms: the site cannot work safely "
                "without it."
            ),
            lifetime=None,
            samesite="Lax",
        )
    )
    cookies.declare(
        CookieDeclaration(
            name="language",
            category=Category.NECESSARY,
            purpose=_("Remembers the language you chose for the site."),
            reason=_("Stores a choice you made yourself; it identifies nobody."),
            lifetime=timedelta(days=365),
            httponly=True,
        )
    )


def declare_shop_cookies(cookies):
    """The visitor's lists (see shopcms.shop.lists) and the record of the cookie choice.

    Cart, wishlist and compare are strictly necessary: each is set only when the visitor
    asks for it (adding a product), to provide that very service, which the ePrivacy
    exemption for services "explicitly requested by the user" covers; none of them
    identifies the visitor or follows them elsewhere.  Recently viewed is set without any
    request of the visitor, so it needs consent (personalisation).
    """
    month = timedelta(days=30)
    cookies.declare(
        CookieDeclaration(
            name="cart",
            category=Category.NECESSARY,
            purpose=_("Keeps the products in your shopping cart until you order."),
            reason=_("Set only when you add a product to your cart, to keep that cart."),
            lifetime=month,
        )
    )
    cookies.declare(
        CookieDeclaration(
            name="wishlist",
            category=Category.NECESSARY,
            purpose=_("Keeps the products you put on your wishlist."),
            reason=_("Set only when you add a product to your wishlist, to keep that list."),
            lifetime=timedelta(days=180),
        )
    )
    cookies.declare(
        CookieDeclaration(
            name="compare",
            category=Category.NECESSARY,
            purpose=_("Keeps the products you chose to compare (at most 4)."),
            reason=_("Set only when you add a product to the comparison, to keep it."),
            lifetime=timedelta(days=7),
        )
    )
    cookies.declare(
        CookieDeclaration(
            name="recent",
            category=Category.PERSONALISATION,
            purpose=_("Remembers the last products you looked at, to show them again."),
            reason=_("Set without you asking for it while you browse: only with your consent."),
            lifetime=month,
        )
    )
    cookies.declare(
        CookieDeclaration(
            name="cookie_consent",
            category=Category.NECESSARY,
            purpose=_("Remembers which cookies you allowed, and when you chose."),
            reason=_("Needed to respect your choice about cookies."),
            lifetime=timedelta(days=183),
        )
    )


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("shopcms.session.cookie_name", "session")
    cookies = CookieRegistry(
        secure=asbool(settings.get("shopcms.cookies.secure", False)),
        strict=asbool(settings.get("shopcms.cookies.strict", False)),
    )
    declare_core_cookies(cookies, settings)
    declare_shop_cookies(cookies)
    config.registry.shopcms_cookies = cookies
    config.add_subscriber(check_response_cookies, NewResponse)
