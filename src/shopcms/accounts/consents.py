"""A customer's consents as the account pages show them, and the one place they change.

- :func:`consent_states`: for each purpose that needs consent, whether it is given, since
  when and under which revision of the privacy statement, and whether that revision is
  older than the one in force (a *stale* consent, which the customer may confirm anew);
- :func:`consent_history`: the ledger (``shopcms.privacy.ledger``), newest first, with the
  place each event came from;
- :func:`change_consent`: give, withdraw or renew one consent under the privacy statement in
  force in the page's language.  Withdrawing "keep my account data" also forgets the saved
  addresses, phone and payment methods at once.  The newsletter's consent is its
  subscription (``accounts.newsletter``): giving it asks for one (given once confirmed,
  *pending* until then), withdrawing it ends it.
"""

from dataclasses import dataclass
from datetime import datetime

from pyramid.traversal import find_root

from shopcms.accounts import newsletter
from shopcms.accounts.schemas import FORMS, GIVE, RENEW
from shopcms.newsletter.api import LEDGER_PLACES as NEWSLETTER_PLACES
from shopcms.privacy import ledger
from shopcms.privacy.account_data import withdraw_account_data
from shopcms.privacy.purposes import ACCOUNT_DATA, CONSENT_PURPOSES, NEWSLETTER, PURPOSES
from shopcms.web.i18n import _

#: Where a consent can have been given or withdrawn, as the ledger names it.
FORM_TITLES = {
    "account-privacy": _("The privacy page of your account"),
    "account": _("Your account page"),
    "checkout": _("Checkout"),
    "cookie-banner": _("The cookie banner"),
    "cookie-settings": _("The cookie settings"),
    "cookie-in-context": _("A page that asked for a cookie"),
    # The newsletter's places: its links and pages, the mails it reads.
    **NEWSLETTER_PLACES,
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
    pending: bool = False  # asked for, waiting for the mailed link (the newsletter)


def consent_states(request, account, names=CONSENT_PURPOSES, form="account", came_from=None):
    """The consent of ``account`` for each purpose in ``names`` (all that need consent by
    default), for the ``consent-toggle`` macro.

    ``form`` is what the ledger will record as the place of the change (one of
    ``schemas.FORMS``); after the click the customer returns to ``came_from`` (the current
    page by default).
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
        given = event is not None and event.granted
        subscription = newsletter.subscription_state(account) if name == NEWSLETTER else None
        if name == NEWSLETTER:
            given = subscription == newsletter.ACTIVE  # what sends the newsletter
        states.append(
            ConsentState(
                name=name,
                title=purpose.title,
                description=purpose.description,
                given=given,
                since=event.when if event is not None else None,
                revision=event.policy_revision if event is not None else None,
                revision_url=(
                    ledger.revision_url(request, event.policy_revision)
                    if event is not None
                    else None
                ),
                stale=given and name in stale,
                form=form,
                came_from=came_from or request.path,
                note=WITHDRAW_NOTES.get(name),
                pending=subscription == newsletter.PENDING,
            )
        )
    return states


def place_title(form):
    """What the page calls the form a consent event came from (``account-addresses`` and
    other account pages: "your account page"), or None for an unknown one."""
    if form in FORM_TITLES:
        return FORM_TITLES[form]
    return FORM_TITLES["account"] if form.startswith("account-") else None


def consent_history(request, account):
    """The ledger, newest first, with what the page shows of each event."""
    return [
        {
            "event": event,
            "title": PURPOSES[event.purpose].title if event.purpose in PURPOSES else None,
            "place": place_title(event.form),
            "revision_url": ledger.revision_url(request, event.policy_revision),
        }
        for event in reversed(account.preferences.consents)
    ]


def change_consent(request, account, purpose, op, form):
    """Give, withdraw or renew (``op``) the consent for ``purpose``, recorded as made on
    ``form`` under the privacy statement in force in the page's language; returns the
    message that confirms it."""
    # Under /{lang}/account/ the traversal root is the account: the Site is above it.
    preferences, root = account.preferences, find_root(account)
    lang, now = request.locale_name, request.now
    if op == RENEW:
        ledger.renew(preferences, root, purpose, form, lang, now)
        return _("Your consent is confirmed under the current privacy statement.")
    if purpose == NEWSLETTER:
        change = newsletter.give if op == GIVE else newsletter.withdraw
        return change(request, account, form)
    if op == GIVE:
        ledger.record(preferences, root, purpose, True, form, lang, now)
        return _("Thank you: your consent is recorded.")
    if purpose == ACCOUNT_DATA:
        # Forgets the saved addresses, phone and payment methods in this transaction (even
        # after a repeated click) and cancels the saved methods at the payment provider.
        withdraw_account_data(preferences, root, lang, now, form, registry=request.registry)
    else:
        ledger.record(preferences, root, purpose, False, form, lang, now)
    return _("Your consent is withdrawn.")
