"""The customer's privacy page and the one place consents are given or withdrawn.

- ``GET /{lang}/account/privacy``: every purpose of processing (legal basis, the data it
  uses, retention, recipients); for each purpose that needs consent its state (given or
  not, since when, under which revision of the privacy statement) and one button to give or
  withdraw it; the consents given under an earlier privacy statement than the one in force,
  each with a button to confirm it under the current one; the whole consent ledger; links to
  the data export and to deleting the account.
- ``POST /{lang}/account/consent`` (``purpose``, ``op`` = give | withdraw | renew, ``form``,
  ``came_from``): records the change in the ledger (``shopcms.privacy.ledger``) with the
  privacy statement in force in the page's language, then goes back to ``came_from``.
  Withdrawing is the same single click as giving.  Withdrawing "keep my account data"
  also forgets the saved addresses, phone and payment methods at once.

Other account pages ask for a consent where its data is concerned with the ``consent-toggle``
macro (``templates/macros.pt``), fed by :func:`consent_states`.
"""

from dataclasses import dataclass
from datetime import datetime

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.traversal import find_root
from pyramid.view import view_config

from shopcms.accounts.resources import Customer
from shopcms.accounts.schemas import FORMS, GIVE, RENEW, ConsentChangeSchema
from shopcms.privacy import ledger
from shopcms.privacy.account_data import withdraw_account_data
from shopcms.privacy.purposes import ACCOUNT_DATA, BASIS_TITLES, CONSENT_PURPOSES, PURPOSES
from shopcms.web.errors import refusal
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import ACCOUNT
from shopcms.web.urls import local_path

PRIVACY_TEMPLATE = "shopcms.accounts:templates/privacy.pt"

#: Where a consent can have been given or withdrawn, as the ledger names it.
FORM_TITLES = {
    "account-privacy": _("The privacy page of your account"),
    "account": _("Your account page"),
    "checkout": _("Checkout"),
    "cookie-banner": _("The cookie banner"),
    "cookie-settings": _("The cookie settings"),
    "cookie-in-context": _("A page that asked for a cookie"),
}

#: What withdrawing a consent does besides stopping the processing.
WITHDRAW_NOTES = {
    ACCOUNT_DATA: _(
        "Withdrawing deletes your saved addresses, phone number and payment methods at once."
    ),
}


@dataclass(frozen=True)
class ConsentState:
    """One purpose's consent as the ``consent-toggle`` macro shows it."""

    name: str
    title: object  # TranslationString
    description: object
    given: bool
    since: datetime | None  # when it was last given or withdrawn
    revision: str | None  # the privacy statement's revision id of that event
    revision_url: str | None
    stale: bool  # given under an earlier privacy statement than the one in force
    form: str  # the form name the ledger records
    came_from: str
    note: object = None  # what withdrawing also does


def privacy_path(request):
    return f"/{request.locale_name}/account/privacy"


def revision_url(revision_id):
    """The stable URL of a privacy statement revision (``privacy:nl:3`` ->
    ``/nl/privacy/versions/3``), or None for an id of another form."""
    try:
        name, lang, number = (revision_id or "").split(":")
        int(number)
    except ValueError:
        return None
    return f"/{lang}/{name}/versions/{number}"


def consent_states(request, account, names=CONSENT_PURPOSES, form="account", came_from=None):
    """The consent of ``account`` for each purpose in ``names`` (all that need consent by
    default), for the ``consent-toggle`` macro.

    ``form`` is what the ledger will record as the place of the change (one of
    ``schemas.consent.FORMS``); after the click the customer returns to ``came_from`` (the
    current page by default).
    """
    if form not in FORMS:
        raise ValueError(f"unknown consent form {form!r}")
    preferences = account.preferences
    stale = set(
        ledger.given_under_older_policy(
            preferences, find_root(account), request.locale_name, request.now
        )
    )
    states = []
    for name in names:
        purpose = PURPOSES[name]
        if not purpose.needs_consent:
            raise ValueError(f"{name!r} is not a purpose that needs consent")
        event = ledger.latest(preferences, name)
        states.append(
            ConsentState(
                name=name,
                title=purpose.title,
                description=purpose.description,
                given=event is not None and event.granted,
                since=event.when if event is not None else None,
                revision=event.policy_revision if event is not None else None,
                revision_url=revision_url(event.policy_revision) if event is not None else None,
                stale=name in stale,
                form=form,
                came_from=came_from or request.path,
                note=WITHDRAW_NOTES.get(name),
            )
        )
    return states


def place_title(form):
    """What the page calls the form a consent event came from (``account-addresses`` and
    other account pages: "your account page"), or None for an unknown one."""
    if form in FORM_TITLES:
        return FORM_TITLES[form]
    return FORM_TITLES["account"] if form.startswith("account-") else None


def consent_history(account):
    """The ledger, newest first, with what the page shows of each event."""
    return [
        {
            "event": event,
            "title": PURPOSES[event.purpose].title if event.purpose in PURPOSES else None,
            "place": place_title(event.form),
            "revision_url": revision_url(event.policy_revision),
        }
        for event in reversed(account.preferences.consents)
    ]


@view_config(
    route_name="account",
    context=Customer,
    name="privacy",
    request_method="GET",
    permission=ACCOUNT,
    renderer=PRIVACY_TEMPLATE,
)
def privacy_page(context, request):
    states = {
        state.name: state for state in consent_states(request, context, form="account-privacy")
    }
    purposes = [
        {
            "purpose": purpose,
            "basis": BASIS_TITLES[purpose.basis],
            "consent": states.get(name),
        }
        for name, purpose in PURPOSES.items()
    ]
    return {
        "purposes": purposes,
        "stale": [state for state in states.values() if state.stale],
        "history": consent_history(context),
        "policy": ledger.policy_in_force(find_root(context), request.locale_name, request.now),
    }


@view_config(
    route_name="account",
    context=Customer,
    name="consent",
    request_method="POST",
    permission=ACCOUNT,
    renderer="shopcms.web:templates/error.pt",
)
def consent_change(context, request):
    """Give, withdraw or confirm (under the current privacy statement) one consent."""
    try:
        appstruct = ConsentChangeSchema().bind(request=request).deserialize(request.POST.mixed())
    except colander.Invalid:
        return refusal(request, _("Your choice could not be recorded: the request was not valid."))
    # Under /{lang}/account/ the traversal root is the account: the Site is above it.
    preferences, root = context.preferences, find_root(context)
    purpose, op, form = appstruct["purpose"], appstruct["op"], appstruct["form"]
    lang, now = request.locale_name, request.now
    if op == RENEW:
        ledger.renew(preferences, root, purpose, form, lang, now)
        notice(request, _("Your consent is confirmed under the current privacy statement."))
    elif op == GIVE:
        ledger.record(preferences, root, purpose, True, form, lang, now)
        notice(request, _("Thank you: your consent is recorded."))
    elif purpose == ACCOUNT_DATA:
        # Forgets the saved addresses, phone and payment methods in this transaction (even
        # after a repeated click) and cancels the saved methods at the payment provider.
        withdraw_account_data(preferences, root, lang, now, form, registry=request.registry)
        notice(request, _("Your consent is withdrawn."))
    else:
        ledger.record(preferences, root, purpose, False, form, lang, now)
        notice(request, _("Your consent is withdrawn."))
    target = local_path(appstruct["came_from"]) or privacy_path(request)
    return HTTPSeeOther(location=target)
