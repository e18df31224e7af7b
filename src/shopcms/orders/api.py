"""What other capabilities may use of orders (the rest of the package is its own).

Accounts show a customer's orders and saved payment methods, keep delivery addresses the
shop ships to, and export and erase a guest's orders at the privacy desk: they use these.
The reviews ask which products a customer or an order received (a "verified purchase"),
the name a customer gave in their last order, and add the links to write a review to the
"delivered" mail (a :class:`MailPart`, through ``config.add_order_mail_part``).
A saved payment method is shown by ``describe_saved(registry, saved)`` (the way of the
method that made it) or ``describe_saved_method(saved)`` (the way common to all).

Business customers: the accounts keep a company name and VAT number checked as the
checkout checks them (``add_business_fields`` adds the fields to a form;
``check_vat_number`` raises ``VatNumberProblem``); ``vat_status_title`` names what is known
of an order's VAT number.
"""

from shopcms.orders import business as _business
from shopcms.orders import business_schemas as _schemas
from shopcms.orders.checkout import EU_COUNTRIES as COUNTRIES
from shopcms.orders.checkout import SHIPPING_METHODS
from shopcms.orders.desk import waiting_counts
from shopcms.orders.mail import MailPart
from shopcms.orders.payments import describe_saved
from shopcms.orders.payments import methods as payment_methods
from shopcms.orders.payments.saved import describe as describe_saved_method

# refunds (issue 17): the refund record and its event, for invoicing's credit notes.
from shopcms.orders.refunds import OrderRefunded, Refund
from shopcms.orders.schemas import OTHER_POSTCODE, POSTCODES
from shopcms.orders.schemas import Address as AddressSchema
from shopcms.orders.schemas import _phone as check_phone
from shopcms.orders.schemas import _text as text_field

# Bank statements and unpaid transfers (part "bank" of issue 17): the reminders and
# cancellations that ``shopcms retention`` runs; ``order.payer_iban`` / ``payer_name`` (on
# ``Order``, from an imported statement) are what a refund by transfer pays back to.
from shopcms.orders.unpaid import run as remind_unpaid_transfers
from shopcms.orders.workflow import DELIVERED, ORDER_WORKFLOW, state_title

__all__ = [
    "AddressSchema",
    "COUNTRIES",
    "MailPart",
    "ORDER_WORKFLOW",
    "OTHER_POSTCODE",
    "OrderRefunded",
    "POSTCODES",
    "Refund",
    "SHIPPING_METHODS",
    "check_phone",
    "contact_name",
    "delete_order",
    "delivered_products",
    "find_order",
    "describe_saved",
    "describe_saved_method",
    "payment_methods",
    "remind_unpaid_transfers",
    "shipping_title",
    "state_title",
    "text_field",
    "waiting_counts",
    # business buyers
    "VatNumberProblem",
    "check_vat_number",
    "add_business_fields",
    "vat_status_title",
]

# -- business buyers (issue 17, part "business"): the accounts' saved details take the
# company name and VAT number with the checkout's fields and checks.
VatNumberProblem = _business.VatNumberProblem
check_vat_number = _business.check
vat_status_title = _business.status_title
add_business_fields = _schemas.add_business_fields


def shipping_title(name):
    """The title of the shipping method ``name`` (a TranslationString), or ``name``."""
    return SHIPPING_METHODS.get(name, name)


def find_order(site, number):
    """The order ``number``, or None."""
    return site["orders"].get(number) if isinstance(number, str) else None


def delivered_products(site, customer=None, number=None):
    """The ids of the products delivered to account ``customer`` (all its orders) or in
    the order ``number``: a frozenset, empty when nothing was delivered."""
    orders = site["orders"]
    numbers = orders.by_customer.get(customer, ()) if customer is not None else (number,)
    found = set()
    for order in filter(None, (find_order(site, n) for n in numbers)):
        if order.workflow_state == DELIVERED:
            found.update(line["pid"] for line in order.lines)
    return frozenset(found)


def contact_name(site, customer):
    """The contact name of account ``customer``'s most recent order that still has one
    (an erased order has none), or None."""
    numbers = site["orders"].by_customer.get(customer, ())
    for order in filter(None, (find_order(site, n) for n in reversed(numbers))):
        if order.erased is None and order.contact.get("name"):
            return order.contact["name"]
    return None


# -- invoicing (issue 17): an order deleted once its invoices' retention ran out ---------


def delete_order(site, number, now, actor, note="", registry=None):
    """Delete order ``number`` for good (its accounting retention ran out: the invoicing's
    ``shopcms retention`` step): anonymised first unless it was (``Order.anonymise``), taken
    out of the folder's lookup tables, then removed (the catalog forgets it).  Returns 1
    if there was such an order, else 0."""
    orders = site["orders"]
    order = orders.get(number)
    if order is None:
        return 0
    customer = order.customer
    if order.erased is None:
        order.anonymise(now, actor, note)
    if orders.by_token.get(order.checkout_token) == number:
        del orders.by_token[order.checkout_token]
    references = list(order.payment_ids)
    if order.payment_reference is not None:
        references.append(order.payment_reference.digits)
    for reference in references:
        if orders.by_reference.get(reference) == number:
            del orders.by_reference[reference]
    if customer is not None and customer in orders.by_customer:
        remaining = tuple(n for n in orders.by_customer[customer] if n != number)
        if remaining:
            orders.by_customer[customer] = remaining
        else:
            del orders.by_customer[customer]
    orders.remove(number, registry=registry)
    return 1
