"""The cookie registry: every cookie shopcms may set, declared once, by the package that sets it.

A package declares its cookies in its ``includeme`` (``config.add_cookie(name, category,
purpose=..., reason=..., lifetime=...)``); the declaration takes effect at once, so the
session factory can read its cookie's attributes right after.  The cookie policy's table is
generated from these declarations, and code sets a cookie only through :func:`set_cookie` /
:func:`delete_cookie`.  A response that carries a cookie that is
not declared here is a bug: :func:`check_response_cookies` runs on every response and, with
``shopcms.cookies.strict = true`` (development and tests), raises :class:`UndeclaredCookie`;
otherwise it drops the cookie and logs an error, so production never leaks one.
"""

import enum
import functools
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie

from pyramid.events import NewResponse
from pyramid.settings import asbool
from webob import cookies as webob_cookies
from webob.cookies import RequestCookies

from shopcms.web.i18n import LANGUAGE_COOKIE, _, ngettext

log = logging.getLogger(__name__)


class Category(enum.Enum):
    """Cookie categories of the consent banner; only ``NECESSARY`` needs no consent.

    ``STATISTICS`` has no cookie: the visit statistics are counted without one (see
    ``shopcms.privacy.consent.statistics_refused``), but the visitor may refuse to be
    counted, so it is a category of the banner like the others.
    """

    NECESSARY = "necessary"
    FUNCTIONAL = "functional"
    PERSONALISATION = "personalisation"
    STATISTICS = "statistics"

    @property
    def title(self):
        return CATEGORY_TITLES[self]

    @property
    def description(self):
        """What allowing the category means, as the banner and the settings page say it."""
        return CATEGORY_DESCRIPTIONS[self]


CATEGORY_TITLES = {
    Category.NECESSARY: _("Strictly necessary"),
    Category.FUNCTIONAL: _("Functional"),
    Category.PERSONALISATION: _("Personalisation"),
    Category.STATISTICS: _("Statistics"),
}

CATEGORY_DESCRIPTIONS = {
    Category.NECESSARY: _(
        "Needed for the site to work: logging in, secure forms, your cart and lists, your "
        "language and this choice. They are always on."
    ),
    Category.FUNCTIONAL: _(
        "Recognise you as a returning customer, to greet you when you come back."
    ),
    Category.PERSONALISATION: _(
        "Remember the products you looked at recently, to show them to you again."
    ),
    Category.STATISTICS: _(
        "Count your visit in our anonymous statistics (no cookie, nothing that identifies "
        "you is kept)."
    ),
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

    def of(self, category):
        """The declared cookies of ``category``, by name."""
        return [cookie for cookie in self if cookie.category is category]


#: A ``Cookie`` header of plain pairs (``name=value; name=value``, the characters of this
#: site's own cookies: signed values, dates, ids): split as WebOb's parser would split it.
_PLAIN_HEADER = re.compile(r"\w+=[\w.|:=-]*(?:; \w+=[\w.|:=-]*)*\Z", re.ASCII)
_ATTRIBUTE_NAMES = webob_cookies._c_keys


def parsed(environ):
    """The request's cookies, ``{name: value}``, as ``webob``'s ``request.cookies`` has them
    (and kept where it looks first, so a WebOb request on ``environ`` does not parse again).

    A header of plain pairs (what browsers send this site) is split directly: WebOb's
    parser (a regular expression for quoted values, dates and escapes) costs more than
    filling a page's personal parts.  Any other header is left to WebOb.  Callers only
    read the mapping."""
    header = environ.get("HTTP_COOKIE", "")
    known = environ.get(RequestCookies._cache_key)
    if known is not None and known[1] == header:
        return known[0]
    if _PLAIN_HEADER.match(header):
        found = dict(item.split("=", 1) for item in header.split("; "))
        # (WebOb ignores cookies named like an attribute: let it decide for those.)
        if not any(name.lower().encode() in _ATTRIBUTE_NAMES for name in found):
            environ[RequestCookies._cache_key] = (found, header)
            return found
    return RequestCookies(environ)._cache


def get_cookie_registry(registry):
    return registry.shopcms_cookies


def set_cookie(request, response, name, value):
    """Set the declared cookie ``name`` on ``response`` with its declared attributes.

    Raises KeyError for an undeclared name: no code path can invent a cookie.  The header is
    WebOb's (``Response.set_cookie``), written from a per-declaration template when the
    value needs no quoting (the site's own values: signed lists, choices, ids), as a page
    with a list of recently viewed products sets its cookie on every view.
    """
    cookies = get_cookie_registry(request.registry)
    decl = cookies[name]
    attributes = (
        int(decl.lifetime.total_seconds()) if decl.lifetime else None,
        decl.path,
        cookies.secure,
        decl.httponly,
        decl.samesite,
    )
    if not _PLAIN_VALUE.match(value):
        max_age, path, secure, httponly, samesite = attributes
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )
        return
    before, after = _template(name, *attributes)
    if after is None:
        header = f"{name}={value}{before}"
    else:
        header = (
            f"{name}={value}{before}; expires={_expires(attributes[0], int(time.time()))}{after}"
        )
    response.headerlist.append(("Set-Cookie", header))


#: Cookie values WebOb writes as they are (no quoting): :func:`set_cookie`'s template.
_PLAIN_VALUE = re.compile(r"[\w.|:=-]+\Z", re.ASCII)


@functools.lru_cache(maxsize=256)
def _template(name, max_age, path, secure, httponly, samesite):
    """WebOb's ``Set-Cookie`` of a cookie without its value, split where the expiry date
    goes: ``(before, after)``, ``after`` None when the cookie has no expiry.  Made by WebOb
    itself, once per declaration, so the header is the one it would write."""
    sample = webob_cookies.make_cookie(
        name,
        "v",
        max_age=max_age,
        path=path,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
    )
    rest = sample[len(f"{name}=v") :]
    if max_age is None:
        return rest, None
    before, _, expiry = rest.partition("; expires=")
    _date, semicolon, after = expiry.partition(";")
    return before, semicolon + after


@functools.lru_cache(maxsize=16)
def _expires(max_age, second):
    """The ``expires`` date ``max_age`` seconds after ``second`` (WebOb's format), kept
    for the second it is asked in."""
    return webob_cookies.serialize_cookie_date(max_age).decode("ascii")


def delete_cookie(request, response, name):
    """Expire the declared cookie ``name`` in the browser."""
    cookies = get_cookie_registry(request.registry)
    decl = cookies[name]
    response.delete_cookie(name, path=decl.path)


def lifetime_text(declaration, request):
    """How long a declared cookie lives, in words in the request's language (the cookie
    policy's table, the cookie settings): "1 year", "30 days"."""
    if declaration.lifetime is None:
        return request.localizer.translate(_("Until you close your browser"))
    days = declaration.lifetime.days
    years, rest = divmod(days, 365)
    if years and not rest:
        return ngettext("${count} year", "${count} years", years, request)
    return ngettext("${count} day", "${count} days", max(days, 1), request)


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


def add_cookie(config, name, category, **declaration):
    """Config directive: declare the cookie ``name`` (see :class:`CookieDeclaration`).

    Takes effect at once; a second declaration of one name raises ValueError.
    """
    return config.registry.shopcms_cookies.declare(
        CookieDeclaration(name=name, category=category, **declaration)
    )


def declare_session_and_language(config):
    """The cookies of the request machinery: the session and the language choice.

    Both are strictly necessary (ePrivacy art. 5(3), the exemption for what is strictly
    necessary to provide the service the visitor asks for): the session is set only when
    the visitor logs in or sends a form that needs protection, the language only when the
    visitor chooses one with the language switcher.
    """
    config.add_cookie(
        config.get_settings()["shopcms.session.cookie_name"],
        Category.NECESSARY,
        purpose=_(
            "Keeps you logged in and protects the forms you send against forgery "
            "(a signed session identifier)."
        ),
        reason=_(
            "Needed for logging in and for secure forms: the site cannot work safely without it."
        ),
        lifetime=None,
        samesite="Lax",
    )
    config.add_cookie(
        LANGUAGE_COOKIE,
        Category.NECESSARY,
        purpose=_("Remembers the language you chose for the site."),
        reason=_("Set only when you choose a language, to keep that choice; it identifies nobody."),
        lifetime=timedelta(days=365),
        httponly=True,
    )


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("shopcms.session.cookie_name", "session")
    config.registry.shopcms_cookies = CookieRegistry(
        secure=asbool(settings.get("shopcms.cookies.secure", False)),
        strict=asbool(settings.get("shopcms.cookies.strict", False)),
    )
    config.add_directive("add_cookie", add_cookie)
    config.add_subscriber(check_response_cookies, NewResponse)
    declare_session_and_language(config)
