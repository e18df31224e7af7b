"""Making and keeping the visitor's cookie choice; the cookies of the consent.

The choice lives in the strictly necessary ``cookie_consent`` cookie
(:mod:`shopcms.privacy.choice_cookie`: its value, its validity, what it allows), names the
cookie policy's revision it was made under (:mod:`shopcms.privacy.cookie_policy`) and, for
a logged-in customer, is also appended to the consent ledger (:func:`save`), one purpose
per optional category (``purposes.COOKIE_PURPOSES``), as proof.  The banner that asks for
it is :mod:`shopcms.privacy.banner`, the returning customer's mark
:mod:`shopcms.privacy.returning`.

This module is also the way other packages reach the choice: the names of those modules
they use are importable from here (``from shopcms.privacy.consent import allows``).
"""

from dataclasses import dataclass
from datetime import UTC, timedelta

from pyramid.traversal import find_root

from shopcms.privacy import ledger
from shopcms.privacy.choice_cookie import (
    ALLOWED,
    CONSENT_COOKIE,
    LEGACY_NAMES,
    OPTIONAL,
    REFUSED,
    VALID_MONTHS,
    Choice,
    add_months,
    allows,
    choices,
    decode,
    encode,
    gpc,
    is_valid,
    remember,
    secret,
    statistics_choice,
    statistics_refused,
    stored_choice,
    valid_choice,
)
from shopcms.privacy.cookie_policy import (
    COOKIE_POLICY,
    choice_revision,
    current_version,
    policy_link,
    policy_page,
    policy_revision,
    version_in_force,
)
from shopcms.privacy.purposes import COOKIE_PURPOSES
from shopcms.privacy.returning import (
    KNOWN_VISITOR_COOKIE,
    known_visitor,
    remember_returning_customer,
    welcome_back,
)
from shopcms.web.cookies import Category, delete_cookie, get_cookie_registry, set_cookie
from shopcms.web.i18n import _

__all__ = [
    "ACCEPT",
    "ALLOWED",
    "BANNER",
    "CHOICES",
    "CHOOSE",
    "CONSENT_COOKIE",
    "COOKIE_POLICY",
    "FORMS",
    "IN_CONTEXT",
    "KNOWN_VISITOR_COOKIE",
    "LEGACY_NAMES",
    "OPTIONAL",
    "REFUSE",
    "REFUSED",
    "SETTINGS",
    "VALID_MONTHS",
    "Choice",
    "ChoiceState",
    "add_months",
    "allows",
    "choice_revision",
    "choice_state",
    "choices",
    "chosen_categories",
    "cookies_of",
    "current_version",
    "declare_cookies",
    "decode",
    "encode",
    "gpc",
    "is_valid",
    "known_visitor",
    "policy_link",
    "policy_page",
    "policy_revision",
    "record",
    "remember_returning_customer",
    "save",
    "saved_answer",
    "statistics_choice",
    "statistics_refused",
    "stored_choice",
    "valid_choice",
    "version_in_force",
    "welcome_back",
]

#: Where a choice was made, as the consent ledger records it.
BANNER, SETTINGS, IN_CONTEXT = "cookie-banner", "cookie-settings", "cookie-in-context"
FORMS = (BANNER, SETTINGS, IN_CONTEXT)
#: The buttons of the banner and the settings page (the ``choice`` they post).
ACCEPT, REFUSE, CHOOSE = "accept", "refuse", "choose"
CHOICES = (ACCEPT, REFUSE, CHOOSE)


def chosen_categories(choice, ticked):
    """The optional categories one click allows: every one for ``ACCEPT``, none for
    ``REFUSE``, for ``CHOOSE`` those of ``ticked`` (the ticked boxes; never read otherwise,
    so that "accept all" and "refuse all" mean what they say)."""
    if choice == ACCEPT:
        return frozenset(OPTIONAL)
    if choice == CHOOSE:
        return frozenset(c for c in OPTIONAL if c in ticked)
    return frozenset()


def record(request, response, allowed, now=None):
    """Store a choice of ``allowed`` (optional categories) in the consent cookie.

    It names the cookie policy's revision this page's visitor reads; returns the Choice.
    """
    choice = Choice(
        allowed=frozenset(c for c in allowed if c in OPTIONAL),
        when=(now or request.now).astimezone(UTC).replace(microsecond=0),
        version=current_version(request),
    )
    set_cookie(request, response, CONSENT_COOKIE, encode(choice, secret(request.registry)))
    # The rest of this request (the page a JSON answer replaces) sees the new choice.
    remember(request, choice)
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


def saved_answer(request, choice):
    """What the banner's script is told of the choice it just saved (a JSON document):
    the categories ``chosen``, those ``allowed`` in effect (none with ``Sec-GPC: 1``), the
    ``date`` and the cookie policy's ``version``."""
    in_effect, _when = choices(request)
    return {
        "chosen": sorted(category.value for category in choice.allowed),
        "allowed": sorted(category.value for category in in_effect),
        "date": choice.when.isoformat(),
        "version": choice.version,
    }


@dataclass(frozen=True)
class ChoiceState:
    """The visitor's choice as the settings page tells it."""

    choice: Choice | None  # the valid choice, or None
    lapsed: bool  # a choice that no longer stands (6 months, or a new cookie policy)
    revision: object  # the cookie policy's revision ``choice`` was made under, if it exists
    gpc: bool  # Global Privacy Control refuses every optional category


def choice_state(request):
    """The :class:`ChoiceState` of this request's visitor."""
    choice = valid_choice(request)
    return ChoiceState(
        choice=choice,
        lapsed=stored_choice(request) is not None and choice is None,
        revision=choice_revision(request, choice) if choice is not None else None,
        gpc=gpc(request),
    )


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
