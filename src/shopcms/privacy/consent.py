"""The visitor's cookie choices, kept in the strictly necessary ``cookie_consent`` cookie.

The cookie holds the optional categories the visitor allowed, the time of the choice and the
version of the cookie policy it was made under (the id of the cookie policy's revision the
visitor could read, ``cookies:nl:3``), signed so that a forged cookie counts as no choice.

A choice is *valid* while it is younger than :data:`VALID_MONTHS` months and the revision
it names is still the cookie policy in force in its language; otherwise the visitor has made
no choice, the banner asks again and no optional category is allowed.  No optional category
is ever allowed by default, and a Global Privacy Control signal (``Sec-GPC: 1``) refuses
every optional category whatever the cookie says.

For a logged-in customer the choice is also appended to the consent ledger
(:func:`save`), one purpose per optional category (``purposes.COOKIE_PURPOSES``), as proof.

Pages without any cookie are shared by every such visitor (``shopcms.web.pagecache``): the
banner they show is the same for all of them (no choice exists yet) and its form carries
the stateless CSRF token.  Nothing here depends on a request header on those pages, the
Sec-GPC header included (``static/consent.js`` hides the banner there when the browser
exposes ``navigator.globalPrivacyControl``).

The visit statistics are counted outside Pyramid: :func:`statistics_refused` reads the same
cookie from a WSGI environ.
"""

import calendar
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, Signer
from pyramid.csrf import get_csrf_token
from pyramid.traversal import find_root
from webob.cookies import RequestCookies

from shopcms.privacy import ledger
from shopcms.privacy.purposes import COOKIE_PURPOSES
from shopcms.web.cookies import Category, delete_cookie, get_cookie_registry, set_cookie
from shopcms.web.i18n import _, languages
from shopcms.web.sessions import session_secret
from shopcms.web.sharing import is_shared

#: The visitor's choice about cookies, and the returning customer's mark.
CONSENT_COOKIE = "cookie_consent"
KNOWN_VISITOR_COOKIE = "known_visitor"

OPTIONAL = tuple(c for c in Category if c is not Category.NECESSARY)
#: A choice is asked again this many months after it was made.
VALID_MONTHS = 6
#: The policy page whose revision a choice names.
COOKIE_POLICY = "cookies"
#: Where a choice was made, as the consent ledger records it.
BANNER, SETTINGS, IN_CONTEXT = "cookie-banner", "cookie-settings", "cookie-in-context"
FORMS = (BANNER, SETTINGS, IN_CONTEXT)

_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_NO_CHOICE = object()


@dataclass(frozen=True)
class Choice:
    """A visitor's choice as the consent cookie holds it."""

    allowed: frozenset  # of optional Category
    when: datetime  # aware, UTC
    version: str  # the cookie policy's revision id, "" when none was published

    @property
    def expires(self):
        return add_months(self.when, VALID_MONTHS)


def add_months(moment, months):
    """``moment`` plus ``months`` calendar months (31 August + 6 = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# -- the cookie ---------------------------------------------------------------------


def _signer(secret):
    return Signer(secret, salt="shopcms.consent", digest_method=hashlib.sha256)


def encode(choice, secret):
    """The cookie value for ``choice`` (only cookie-safe characters, no quoting needed)."""
    names = "-".join(sorted(c.value for c in choice.allowed if c in OPTIONAL))
    payload = f"{choice.when.astimezone(UTC).strftime(_TIME_FORMAT)}|{names}|{choice.version}"
    return _signer(secret).sign(payload).decode("ascii")


#: Category names that choices made before a rename carry.
LEGACY_NAMES = {"analytics": Category.STATISTICS.value}


def decode(raw, secret):
    """The :class:`Choice` in a cookie value, or None (absent, forged or malformed)."""
    if not raw:
        return None
    try:
        payload = _signer(secret).unsign(raw).decode("ascii")
        when, names, version = payload.split("|")
        allowed = frozenset(Category(LEGACY_NAMES.get(n, n)) for n in names.split("-") if n)
        moment = datetime.strptime(when, _TIME_FORMAT).replace(tzinfo=UTC)
    except (BadSignature, ValueError, UnicodeDecodeError):
        return None
    return Choice(allowed & frozenset(OPTIONAL), moment, version)


def _secret(registry):
    return session_secret(registry.settings)


def stored_choice(request):
    """The choice in the request's consent cookie, valid or not, or None."""
    cached = getattr(request, "_shopcms_stored_choice", _NO_CHOICE)
    if cached is _NO_CHOICE:
        cached = decode(request.cookies.get(CONSENT_COOKIE), _secret(request.registry))
        request._shopcms_stored_choice = cached
    return cached


# -- the version of the cookie policy ---------------------------------------------------


def _site(request):
    """The Site (under ``/{lang}/account/`` the traversal root is the account)."""
    root = getattr(request, "root", None)
    if root is None:
        from shopcms.tree.database import root_factory

        return root_factory(request)
    return find_root(root)


def policy_page(request):
    """The cookie policy (a PolicyPage), or None."""
    return _site(request)["pages"].get(COOKIE_POLICY)


def policy_revision(request):
    """The cookie policy's revision a visitor of this page reads (the page's language, else
    the first other language that has one, as the policy page falls back), or None."""
    page = policy_page(request)
    if page is None:
        return None
    order = [lang for lang in languages(request.registry) if lang != request.locale_name]
    return page.shown(request.locale_name, order, request.now)


def current_version(request):
    """The version a choice made on this page records: ``cookies:LANG:N``, or ""."""
    revision = policy_revision(request)
    return revision.id if revision is not None else ""


def _version_in_force(request, version):
    """Is the cookie policy revision ``version`` still in force in its language?

    Comparing within the language the visitor read keeps a choice when they switch
    languages or when another language's translation is corrected.
    """
    page = policy_page(request)
    if not version:
        # Chosen when no cookie policy was published: valid until one is.
        return page is None or not any(
            page.in_force(lang, request.now) for lang in languages(request.registry)
        )
    try:
        name, lang, _number = version.split(":")
    except ValueError:
        return False
    if page is None or name != COOKIE_POLICY:
        return False
    revision = page.in_force(lang, request.now)
    return revision is not None and revision.id == version


def is_valid(request, choice):
    """True while ``choice`` stands: younger than 6 months, under the policy in force."""
    return request.now < choice.expires and _version_in_force(request, choice.version)


def valid_choice(request):
    """The visitor's valid choice, or None: then they have made no choice (yet, again)."""
    cached = getattr(request, "_shopcms_valid_choice", _NO_CHOICE)
    if cached is _NO_CHOICE:
        choice = stored_choice(request)
        cached = choice if choice is not None and is_valid(request, choice) else None
        request._shopcms_valid_choice = cached
    return cached


# -- what the choice allows -----------------------------------------------------------


def gpc(request):
    """True when the browser sends the Global Privacy Control signal."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def allows(request, category):
    """May an optional cookie (or the statistics) of ``category`` be used for this visitor?

    Only with a valid choice that allows it, and never with ``Sec-GPC: 1``.
    """
    if category is Category.NECESSARY:
        return True
    if gpc(request):
        return False
    choice = valid_choice(request)
    return choice is not None and category in choice.allowed


def choices(request):
    """``(allowed categories, date)`` of the visitor's valid choice, or ``(frozenset(), None)``.

    What is *allowed* in effect: with ``Sec-GPC: 1`` nothing, whatever the choice says.
    """
    choice = valid_choice(request)
    if choice is None:
        return frozenset(), None
    return (frozenset() if gpc(request) else choice.allowed), choice.when


# -- the banner -----------------------------------------------------------------------


def banner_wanted(request):
    """Should this page show the consent banner?

    Yes when the visitor has no valid choice, except with ``Sec-GPC: 1`` (which already
    refuses everything optional) on a page that is not shared.  A shared page (no cookie at
    all) always shows it: its copy in the page cache is served whatever the headers.  Not
    on the cookie settings page (the same choice, in full) nor in the management area.
    """
    if getattr(request, "shopcms_no_banner", False):
        return False
    route = getattr(request, "matched_route", None)
    if route is not None and route.name.startswith("manage"):
        return False
    if valid_choice(request) is not None:
        return False
    return is_shared(request) or not gpc(request)


@dataclass(frozen=True)
class Banner:
    """What the ``cookie-banner`` macro shows."""

    csrf_token: str
    came_from: str  # the page to come back to (this one)
    categories: tuple = OPTIONAL


def banner(request):
    """The banner's values when this page shows it, else None."""
    if not banner_wanted(request):
        return None
    # The page's token: stateless for a visitor without cookies, so asking about cookies
    # starts no session (``shopcms.web.csrf``).
    return Banner(csrf_token=get_csrf_token(request), came_from=request.path_qs)


def welcome_back(request):
    """A returning customer who is not logged in (functional cookies allowed): the login
    link greets them."""
    return request.identity is None and known_visitor(request)


def known_visitor(request):
    """True for a visitor whose browser kept the returning-customer cookie, while functional
    cookies are allowed: the login link then says "welcome back"."""
    return request.cookies.get(KNOWN_VISITOR_COOKIE) == "1" and allows(request, Category.FUNCTIONAL)


def page_state(request):
    """What of the cookie choice the layout shows, for the validators of cached pages
    (``shopcms.web.etags``): whether the banner shows, whether the login link greets."""
    return (banner_wanted(request), known_visitor(request) and request.identity is None)


# -- making and keeping a choice ------------------------------------------------------


def record(request, response, allowed, now=None):
    """Store a choice of ``allowed`` (optional categories) in the consent cookie.

    It names the cookie policy's revision this page's visitor reads; returns the Choice.
    """
    choice = Choice(
        allowed=frozenset(c for c in allowed if c in OPTIONAL),
        when=(now or request.now).astimezone(UTC).replace(microsecond=0),
        version=current_version(request),
    )
    set_cookie(request, response, CONSENT_COOKIE, encode(choice, _secret(request.registry)))
    # The rest of this request (the page a JSON answer replaces) sees the new choice.
    request._shopcms_stored_choice = request._shopcms_valid_choice = choice
    return choice


def save(request, response, allowed, form):
    """The visitor's choice of ``allowed`` categories, made on ``form`` (one of FORMS).

    Stores it in the consent cookie; expires the optional cookies it no longer allows (and
    sets the returning-customer cookie for a logged-in customer who allows functional
    cookies); for a logged-in customer appends each changed category to the consent ledger
    under the cookie policy in force (a write: call from a POST).  Returns the Choice.
    """
    if form not in FORMS:
        raise ValueError(f"unknown consent form {form!r}")
    choice = record(request, response, allowed)
    effective = frozenset() if gpc(request) else choice.allowed
    if Category.PERSONALISATION not in effective and "recent" in request.cookies:
        delete_cookie(request, response, "recent")
    account = request.identity
    if Category.FUNCTIONAL not in effective:
        if KNOWN_VISITOR_COOKIE in request.cookies:
            delete_cookie(request, response, KNOWN_VISITOR_COOKIE)
    elif account is not None:
        set_cookie(request, response, KNOWN_VISITOR_COOKIE, "1")
    if account is not None:
        site = find_root(account)
        for category in OPTIONAL:
            ledger.record(
                account.preferences,
                site,
                COOKIE_PURPOSES[category],
                category in choice.allowed,
                form,
                request.locale_name,
                request.now,
                policy=COOKIE_POLICY,
            )
    return choice


def remember_returning_customer(request):
    """At login: let the browser recognise a returning customer, if functional cookies are
    allowed (the cookie is set with the login's response)."""
    if not allows(request, Category.FUNCTIONAL):
        return

    def callback(request, response):
        if request.cookies.get(KNOWN_VISITOR_COOKIE) != "1":
            set_cookie(request, response, KNOWN_VISITOR_COOKIE, "1")

    request.add_response_callback(callback)


# -- outside Pyramid: the visit statistics ----------------------------------------------

#: What :func:`statistics_choice` returns.
ALLOWED, REFUSED = "allowed", "refused"


def statistics_choice(environ, settings, now=None):
    """The visitor's choice about the statistics, read from a WSGI ``environ``.

    ``REFUSED`` with ``Sec-GPC: 1`` or a consent cookie that does not allow statistics;
    ``ALLOWED`` with one that does; None when the visitor has made no choice: no cookie, a
    forged or malformed one, or a choice older than 6 months (``now``: default the system
    time).  ``settings`` are the application's (for the secret).

    Unlike :func:`allows`, this does not open the database, so a choice made under an
    earlier cookie policy still counts here until the visitor chooses again.
    """
    if environ.get("HTTP_SEC_GPC", "").strip() == "1":
        return REFUSED
    if not environ.get("HTTP_COOKIE"):
        return None
    raw = RequestCookies(environ).get(CONSENT_COOKIE)
    choice = decode(raw, session_secret(settings))
    if choice is None or (now or datetime.now(UTC)) >= choice.expires:
        return None
    return ALLOWED if Category.STATISTICS in choice.allowed else REFUSED


def statistics_refused(environ, settings, now=None, count_undecided=False):
    """True when this request's visitor must not be counted in the statistics.

    True with ``Sec-GPC: 1`` or a choice refusing statistics, False with a choice allowing
    them.  A visitor who has made no choice (yet, or again) is not counted either, unless
    ``count_undecided``: the issue's "no statistics before a choice" is the default, a
    setting of the statistics may count them (they have not refused).
    """
    choice = statistics_choice(environ, settings, now)
    if choice is None:
        return not count_undecided
    return choice == REFUSED


def cookies_of(request, category):
    """The declared cookies of ``category`` (the settings page lists them)."""
    return get_cookie_registry(request.registry).of(category)


def declare_cookies(config):
    """The cookies of the consent: the record of the choice (strictly necessary: needed to
    respect it) and the returning customer's mark (functional: only with consent)."""
    config.add_cookie(
        KNOWN_VISITOR_COOKIE,
        Category.FUNCTIONAL,
        purpose=_(
            "Recognises you as a returning customer after you have logged in once, to "
            "greet you (it holds no identifier)."
        ),
        reason=_(
            "Not needed for anything you ask for: set only with your consent for "
            "functional cookies."
        ),
        lifetime=timedelta(days=365),
    )
    config.add_cookie(
        CONSENT_COOKIE,
        Category.NECESSARY,
        purpose=_(
            "Remembers which cookies you allowed, when you chose, and under which version "
            "of the cookie policy."
        ),
        reason=_("Needed to respect your choice about cookies."),
        # The choice is asked again after 6 months (``VALID_MONTHS``): the cookie lives as
        # long as the longest 6 months, so it is the server that decides.
        lifetime=timedelta(days=184),
    )
