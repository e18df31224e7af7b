"""The visitor's cookie choice as the strictly necessary ``cookie_consent`` cookie holds it,
and what a choice allows.

Contract:

- the cookie holds the optional categories the visitor allowed, the time of the choice and
  the version of the cookie policy it was made under (``cookies:nl:3``, see
  :mod:`shopcms.privacy.cookie_policy`), signed with the site's secret: a forged or
  malformed cookie is no choice (:func:`decode` returns None);
- a choice is *valid* while it is younger than :data:`VALID_MONTHS` calendar months and
  the revision it names is still the cookie policy in force in its language
  (:func:`valid_choice`); otherwise the visitor has made no choice and no optional category
  is allowed.  No optional category is ever allowed by default;
- a Global Privacy Control signal (``Sec-GPC: 1``) refuses every optional category whatever
  the cookie says (:func:`allows`, :func:`choices`);
- the visit statistics are counted outside Pyramid: :func:`statistics_choice` and
  :func:`statistics_refused` read the same cookie from a WSGI environ, without the
  database.
"""

import calendar
import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, Signer

from shopcms.privacy.cookie_policy import version_in_force
from shopcms.web.cookies import Category, parsed
from shopcms.web.sessions import session_secret

#: The visitor's choice about cookies.
CONSENT_COOKIE = "cookie_consent"
#: The categories a visitor chooses (the strictly necessary one is always on).
OPTIONAL = tuple(c for c in Category if c is not Category.NECESSARY)
#: A choice is asked again this many months after it was made.
VALID_MONTHS = 6
#: Category names that choices made before a rename carry.
LEGACY_NAMES = {"analytics": Category.STATISTICS.value}

_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
_NO_CHOICE = object()


@dataclass(frozen=True)
class Choice:
    """A visitor's choice as the consent cookie holds it."""

    allowed: frozenset  # of optional Category
    when: datetime  # aware, UTC
    version: str  # the cookie policy's revision id, "" when none was published

    @functools.cached_property
    def expires(self):
        # (Kept in the instance's __dict__, which a frozen dataclass allows: a choice is
        # read on every page of a visitor, and decode remembers it per cookie value.)
        return add_months(self.when, VALID_MONTHS)


def add_months(moment, months):
    """``moment`` plus ``months`` calendar months (31 August + 6 = 28/29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# -- the cookie's value -----------------------------------------------------------------


def _signer(secret):
    return Signer(secret, salt="shopcms.consent", digest_method=hashlib.sha256)


def encode(choice, secret):
    """The cookie value for ``choice`` (only cookie-safe characters, no quoting needed)."""
    names = "-".join(sorted(c.value for c in choice.allowed if c in OPTIONAL))
    payload = f"{choice.when.astimezone(UTC).strftime(_TIME_FORMAT)}|{names}|{choice.version}"
    return _signer(secret).sign(payload).decode("ascii")


@functools.lru_cache(maxsize=4096)
def decode(raw, secret):
    """The :class:`Choice` in a cookie value, or None (absent, forged or malformed).

    Remembered: a pure function of its arguments (a frozen Choice), asked on every page
    of a visitor who chose, by the statistics and the banner alike; checking the signature
    and parsing the time cost more than filling the rest of the page's personal parts."""
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


def secret(registry):
    """The key that signs the cookie (the sessions' secret)."""
    return session_secret(registry.settings)


# -- the choice of this request's visitor ------------------------------------------------


def stored_choice(request):
    """The choice in the request's consent cookie, valid or not, or None."""
    cached = getattr(request, "_shopcms_stored_choice", _NO_CHOICE)
    if cached is _NO_CHOICE:
        cached = decode(request.cookies.get(CONSENT_COOKIE), secret(request.registry))
        request._shopcms_stored_choice = cached
    return cached


def remember(request, choice):
    """Let the rest of this request see ``choice`` (just made) as the visitor's choice."""
    request._shopcms_stored_choice = request._shopcms_valid_choice = choice


def is_valid(request, choice):
    """True while ``choice`` stands: younger than 6 months, under the policy in force."""
    return request.now < choice.expires and version_in_force(request, choice.version)


def valid_choice(request):
    """The visitor's valid choice, or None: then they have made no choice (yet, again)."""
    cached = getattr(request, "_shopcms_valid_choice", _NO_CHOICE)
    if cached is _NO_CHOICE:
        choice = stored_choice(request)
        cached = choice if choice is not None and is_valid(request, choice) else None
        request._shopcms_valid_choice = cached
    return cached


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


# -- outside Pyramid: the visit statistics -----------------------------------------------

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
    raw = parsed(environ).get(CONSENT_COOKIE)
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
