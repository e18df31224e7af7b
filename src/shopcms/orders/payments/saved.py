"""A payment method a customer chose to keep: what the shop stores of it.

Kept on the customer's preferences (``preferences.payment_methods``) only while the "keep my
account data" consent stands (``shopcms.privacy.account_data``).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SavedPaymentMethod:
    """What the payment provider returned for a method the customer chose to keep.

    ``sealed_token`` is the provider's token or mandate id encrypted with the vault
    (``shopcms.privacy.vault``); the rest is for showing it: ``brand`` ("Visa",
    "Bancontact"), ``last4``, ``expiry`` ("MM/YY") or a masked IBAN in ``last4``.  A card
    number or CVV never reaches the shop, so there is none to keep.
    """

    id: str
    provider: str
    method: str
    brand: str
    last4: str
    expiry: str
    sealed_token: bytes
    customer_ref: str = ""  # the provider's customer id, if it has one


def describe(saved):
    """How a saved method is shown, whatever its provider: ``"Mastercard •••• 4444
    (11/29)"``, ``"Bancontact BE•• •••• 7034"``."""
    if saved.last4.isdigit():
        text = f"{saved.brand} •••• {saved.last4}"
    else:
        text = f"{saved.brand} {saved.last4}"
    return f"{text} ({saved.expiry})" if saved.expiry else text
