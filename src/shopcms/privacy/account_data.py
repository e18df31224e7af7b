"""The "keep my account data" consent and what it allows keeping.

Addresses, phone, a business's company name and VAT number, and saved payment methods
live on the customer's :class:`~shopcms.accounts.resources.Preferences` only while the consent
:data:`~shopcms.privacy.purposes.ACCOUNT_DATA` stands (its basis is consent: see
``shopcms.privacy.purposes``).  Everything that gives it, uses it or withdraws it goes
through this module:

- :func:`give_account_data` records the consent (the checkout's "save my details" box, the
  offer on the account pages);
- :func:`keeps_account_data` says whether it stands;
- :func:`keep_checkout_details` keeps the addresses and phone of a checkout, refusing when
  the consent is not given;
- :func:`withdraw_account_data` records the withdrawal and forgets the data at once (the
  privacy page calls it), and has the payment provider cancel what the saved payment
  methods allowed (an event, :class:`SavedMethodsForgotten`, that the payments capability
  answers).
"""

import logging

from shopcms.privacy import ledger
from shopcms.privacy.purposes import ACCOUNT_DATA

log = logging.getLogger(__name__)


class ConsentMissing(RuntimeError):
    """Account data would be kept without the ACCOUNT_DATA consent: a programming error."""


def keeps_account_data(preferences):
    """True while the customer consents to keeping their details for next orders."""
    return ledger.given(preferences, ACCOUNT_DATA)


def give_account_data(preferences, root, lang, now, form):
    """Record the ACCOUNT_DATA consent given through ``form`` (e.g. ``"checkout"``,
    ``"account-addresses"``) under the privacy statement in force in ``lang``.

    Returns the new ConsentEvent, or None when the consent was already given.
    """
    return ledger.record(preferences, root, ACCOUNT_DATA, True, form, lang, now)


def withdraw_account_data(preferences, root, lang, now, form, registry=None):
    """Record the withdrawal of ACCOUNT_DATA through ``form`` and forget, in the same
    transaction, every address, the phone, the company name and VAT number and every saved
    payment method.

    With ``registry``, the payment provider is also told to forget what the saved methods
    allowed (Mollie: the customer and its mandates), so nothing can be charged with them any
    more; that is best effort, logged when the provider cannot be reached.  The data is
    forgotten even when the consent was not recorded as given (nothing should be there
    then, but nothing must stay either).  Returns the ConsentEvent, or None if the consent
    was not given.
    """
    event = ledger.record(preferences, root, ACCOUNT_DATA, False, form, lang, now)
    if registry is not None:
        forget_at_provider(registry, list(preferences.payment_methods))
    preferences.forget_account_data()
    return event


class SavedMethodsForgotten:
    """Sent when saved payment methods (``removed``) are forgotten; ``remaining`` are those
    the customer keeps.  The payments capability tells each provider to forget what the
    removed ones allowed (best effort), so that nothing can be charged with them any more."""

    def __init__(self, registry, removed, remaining=()):
        self.registry = registry
        self.removed = tuple(removed)
        self.remaining = tuple(remaining)


def forget_at_provider(registry, saved_methods, remaining=()):
    """Have ``saved_methods`` cancelled at their provider (:class:`SavedMethodsForgotten`);
    ``remaining`` are the methods kept."""
    if saved_methods:
        registry.notify(SavedMethodsForgotten(registry, saved_methods, remaining))


def keep_checkout_details(preferences, details):
    """Keep the delivery address (as the default), the billing address, the phone and,
    when given, a business buyer's company name and VAT number (``company``,
    ``vat_number``) of a validated checkout form (``details``).  Raises ConsentMissing
    unless the consent stands: the caller records it first.
    """
    if not keeps_account_data(preferences):
        raise ConsentMissing("the ACCOUNT_DATA consent is not given")
    name = details["name"]
    for part, default in (("delivery", True), ("billing", False)):
        address = details.get(part)
        if address:
            preferences.add_address(
                name,
                address["street"],
                address["postcode"],
                address["city"],
                address["country"],
                make_default=default,
            )
    preferences.phone = details["phone"]
    # A purchase without them (a private one) leaves the saved business details alone.
    if details.get("company"):
        preferences.company = details["company"]
        preferences.vat_number = details.get("vat_number") or ""
