"""What other capabilities may use of orders (the rest of the package is its own).

Accounts show a customer's orders and saved payment methods, keep delivery addresses the
shop ships to, and export and erase a guest's orders at the privacy desk: they use these.
A saved payment method is shown by ``describe_saved(registry, saved)`` (the way of the
method that made it) or ``describe_saved_method(saved)`` (the way common to all).
"""

from shopcms.orders.checkout import EU_COUNTRIES as COUNTRIES
from shopcms.orders.checkout import SHIPPING_METHODS
from shopcms.orders.payments import describe_saved
from shopcms.orders.payments import methods as payment_methods
from shopcms.orders.payments.saved import describe as describe_saved_method
from shopcms.orders.resources import ORDER_WORKFLOW, state_title
from shopcms.orders.schemas import OTHER_POSTCODE, POSTCODES
from shopcms.orders.schemas import _phone as check_phone
from shopcms.orders.schemas import _text as text_field

__all__ = [
    "COUNTRIES",
    "ORDER_WORKFLOW",
    "OTHER_POSTCODE",
    "POSTCODES",
    "SHIPPING_METHODS",
    "check_phone",
    "describe_saved",
    "describe_saved_method",
    "payment_methods",
    "shipping_title",
    "state_title",
    "text_field",
]


def shipping_title(name):
    """The title of the shipping method ``name`` (a TranslationString), or ``name``."""
    return SHIPPING_METHODS.get(name, name)
