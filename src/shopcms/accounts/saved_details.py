"""What a customer keeps on their account for next orders: addresses, phone, a business's
company name and VAT number, payment methods, and the language of our mails.

Addresses, phone, company name, VAT number and payment methods are kept only while the
"keep my account data" consent stands (``shopcms.privacy.account_data``): without it,
keeping new ones raises :class:`NeedsConsent` (removing is always allowed).  An id names an
address or a payment method among the customer's own only: :func:`own_address` and
:func:`own_payment_method` answer None for anything else, which the pages answer with 404.
"""

from pyramid.traversal import find_root

from shopcms.privacy.account_data import forget_at_provider, give_account_data, keeps_account_data
from shopcms.web.i18n import _

NEEDS_CONSENT = _(
    "We keep addresses, a phone number and payment methods only with your consent. Give it "
    "below to keep them; you can withdraw it at any time on your privacy page."
)


class NeedsConsent(Exception):
    """Account data would be kept without the consent (the message says so)."""

    message = NEEDS_CONSENT


def keeps(account):
    """True while the customer consents to keeping their details."""
    return keeps_account_data(account.preferences)


def give_consent(account, lang, now, page):
    """Record the consent, given on the account page ``page`` (``account-PAGE``)."""
    give_account_data(account.preferences, find_root(account), lang, now, f"account-{page}")


def _require_consent(account):
    if not keeps(account):
        raise NeedsConsent()


# -- addresses ----------------------------------------------------------------------------


def own_address(account, address_id):
    return account.preferences.address(address_id)


def addresses_with_actions(account):
    """``[(address, is the default, actions)]``: each address with what the customer may
    do with it (``default`` while the consent stands and it is not the default yet;
    ``remove`` always)."""
    preferences = account.preferences
    keeping = keeps(account)
    rows = []
    for address in preferences.addresses:
        default = address["id"] == preferences.default_address
        actions = ("remove",) if default or not keeping else ("default", "remove")
        rows.append((address, default, actions))
    return rows


def add_address(account, details):
    """Keep an address (``details``: the address form's values); the first one, or one
    marked so, becomes the default."""
    _require_consent(account)
    return account.preferences.add_address(
        details["name"],
        details["street"],
        details["postcode"],
        details["city"],
        details["country"],
        make_default=details["make_default"],
    )


def make_default(account, address_id):
    _require_consent(account)
    account.preferences.default_address = address_id


def remove_address(account, address_id):
    account.preferences.remove_address(address_id)


# -- payment methods ------------------------------------------------------------------------


def own_payment_method(account, method_id):
    return account.preferences.payment_method(method_id)


def saved_payment_methods(account, describe):
    """``[(method, description)]`` of the saved methods (``describe``: orders' wording)."""
    return [(method, describe(method)) for method in account.preferences.payment_methods]


def remove_payment_method(registry, account, method):
    """Forget ``method`` here and at the provider (its mandate is revoked: nothing can be
    charged with it any more)."""
    preferences = account.preferences
    preferences.remove_payment_method(method.id)
    forget_at_provider(registry, [method], remaining=list(preferences.payment_methods))


# -- preferences ----------------------------------------------------------------------------


def preference_values(account, default_language):
    """The preferences form's starting values."""
    preferences = account.preferences
    return {
        "language": preferences.language or default_language,
        "phone": preferences.phone,
        "company": preferences.company,
        "vat_number": preferences.vat_number,
    }


def save_preferences(account, values):
    """Keep the language of our mails and, while account data is kept, the phone and a
    business's company name and VAT number (without that consent the form has none of
    these fields)."""
    preferences = account.preferences
    preferences.language = values["language"]
    if keeps(account):
        for name in ("phone", "company", "vat_number"):
            if name in values:
                setattr(preferences, name, values[name])
