"""What the newsletter's pages say about a subscription: the names of its steps, of the
places a step happened, and its history as rows for the preferences page."""

from dataclasses import dataclass
from datetime import datetime

from shopcms.newsletter.resources import ACCOUNT, CHECKOUT, CONTEST, FOOTER, PREFERENCES
from shopcms.privacy import ledger
from shopcms.web.i18n import _

STEP_TITLES = {
    "requested": _("Subscription asked"),
    "confirmed": _("Subscription confirmed"),
    "language": _("Language changed"),
    "unsubscribed": _("Unsubscribed"),
    "linked": _("Linked to your account"),
    "erased": _("Erased"),
}

#: The places the newsletter records in a consent ledger (the subscription's, and the
#: account's: ``api.LEDGER_PLACES``), as the pages name them.
LEDGER_PLACES = {
    "newsletter-confirm": _("The confirmation link of the newsletter"),
    "newsletter-preferences": _("Your newsletter page"),
    "newsletter-one-click": _("The unsubscribe button of your mail program"),
    "newsletter-unsubscribe-page": _("The unsubscribe link of a newsletter"),
    "newsletter-mail": _("A mail asking to unsubscribe"),
    "newsletter-bounce": _("A mail that could not be delivered"),
    "erasure": _("The erasure of your data"),
}

#: Where a subscription was asked for, or a step or consent happened.
PLACE_TITLES = {
    FOOTER: _("The subscribe form of the website"),
    ACCOUNT: _("Your account"),
    CHECKOUT: _("Checkout"),
    CONTEST: _("A contest entry"),
    PREFERENCES: _("Your newsletter page"),
    "account-privacy": _("The privacy page of your account"),
    **LEDGER_PLACES,
}


@dataclass(frozen=True)
class Row:
    """One line of the subscription's history: a step, or a consent of its ledger."""

    when: datetime
    what: object  # TranslationString, or the stored name when unknown
    where: object
    revision: str | None = None  # the privacy statement's revision id of a consent
    revision_url: str | None = None


def history(request, subscription):
    """The subscription's steps and consents, oldest first."""
    rows = [
        Row(
            step.when,
            STEP_TITLES.get(step.what, step.what),
            PLACE_TITLES.get(step.where, step.where),
        )
        for step in subscription.steps
    ]
    rows += [
        Row(
            event.when,
            _("Consent given") if event.granted else _("Consent withdrawn"),
            PLACE_TITLES.get(event.form, event.form),
            event.policy_revision,
            ledger.revision_url(request, event.policy_revision),
        )
        for event in subscription.consents
    ]
    return sorted(rows, key=lambda row: (row.when, row.revision is not None))
