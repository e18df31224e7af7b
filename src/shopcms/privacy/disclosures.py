"""Disclosure to third parties: the one way personal data leaves the shop.

The privacy statement promises that data is never sold and only shared with those who
fulfil the order.  The outbound flows are therefore few and each goes through this module,
which records what left, to whom, when and why:

- the payment provider (``mollie``): the payment request made for an order
  (:func:`mollie_payment`, called by ``shop.payments.mollie``) and, for saved payment
  methods, the provider's customer record (:func:`mollie_customer`);
- the carrier (``carrier``): the carrier's CSV of the orders ready to ship, built here
  (:func:`carrier_rows`) so that "a name, the delivery address and a phone number, nothing
  more" is decided in one place.

Each disclosure is a :class:`Disclosure` appended to the ``disclosures`` tuple of the order
(or, for data of the account itself, of the Customer) and one line in the application log.
Both name the order or account, the recipient, the purpose and the *names* of the fields
sent, never their values: the log must not become a second copy of the personal data.  The
customer's data export (``shopcms.privacy.export``) lists the disclosures of their orders
and account.

A new outbound flow adds a recipient to :data:`RECIPIENTS` and calls :func:`disclose` in
the transaction that sends the data; code that sends personal data any other way is a bug.
"""

import csv
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from shopcms.privacy.purposes import ACCOUNT_DATA, ORDER, PURPOSES
from shopcms.web.i18n import _

log = logging.getLogger(__name__)

MOLLIE = "mollie"
CARRIER = "carrier"

#: The recipients personal data may go to, with the title shown to the customer.
RECIPIENTS = {
    MOLLIE: _("Mollie (payment provider)"),
    CARRIER: _("The carrier"),
}


# Frozen and pickled into ZODB in the ``disclosures`` tuples: keep the module path and the
# field names.
@dataclass(frozen=True)
class Disclosure:
    """One disclosure: ``fields`` (names, e.g. ``"delivery.street"``) went to ``recipient``
    for ``purpose`` (a name of the purpose registry) at ``when``, caused by ``actor`` (an
    account id, ``system:...`` or None when the customer's own request caused it)."""

    when: datetime
    recipient: str
    purpose: str
    fields: tuple
    actor: str | None = None


def _holder_label(holder):
    number = getattr(holder, "number", None)
    if number is not None:
        return f"order {number}"
    return f"account {holder.__name__}"


def disclose(holder, recipient, fields, purpose, now, actor=None):
    """Record that ``fields`` of ``holder`` (an Order, or a Customer for data of the
    account itself) go to ``recipient`` for ``purpose`` at ``now``; returns the Disclosure.

    Call it in the transaction that sends the data, before sending: data that reached the
    recipient must be listed even when the recipient then answers an error.  Raises
    ValueError for a recipient or purpose that is not declared, or no field: nothing is
    recorded then.
    """
    if recipient not in RECIPIENTS:
        raise ValueError(f"{recipient!r} is not a declared recipient")
    if purpose not in PURPOSES:
        raise ValueError(f"{purpose!r} is not a purpose of the registry")
    fields = tuple(str(field) for field in fields)
    if not fields:
        raise ValueError("a disclosure names the fields it sends")
    record = Disclosure(when=now, recipient=recipient, purpose=purpose, fields=fields, actor=actor)
    # A new tuple, never an append: the class default ``()`` is shared by older objects.
    holder.disclosures = (*holder.disclosures, record)
    log.info(
        "disclosure: %s to %s for %s: %s",
        _holder_label(holder),
        recipient,
        purpose,
        ", ".join(fields),
    )
    return record


def field_names(data, prefix=""):
    """The dotted names of the values in ``data`` (a dict, nested dicts flattened):
    ``{"amount": {"value": ...}, "method": ...}`` -> ``("amount.value", "method")``."""
    names = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            names.extend(field_names(value, f"{name}."))
        else:
            names.append(name)
    return tuple(sorted(names))


# -- the payment provider -------------------------------------------------------------------


def mollie_payment(order, data, now, actor=None):
    """Record that the payment request ``data`` for ``order`` goes to Mollie (purpose: the
    order).  The field names are read from ``data`` itself, so the record stays true when
    the request changes."""
    return disclose(order, MOLLIE, field_names(data), ORDER, now, actor)


def mollie_customer(account, fields, now, actor=None):
    """Record that ``fields`` of ``account`` (e.g. ``("name", "email")``) go to Mollie to
    create or change its customer record there, for saved payment methods (purpose: keeping
    the account data, which needs the customer's consent)."""
    return disclose(account, MOLLIE, fields, ACCOUNT_DATA, now, actor)


# -- the carrier ----------------------------------------------------------------------------

#: The carrier's CSV columns: an order number, a name, the delivery address, a phone.
CARRIER_COLUMNS = ("order", "name", "street", "postcode", "city", "country", "phone")
#: The order fields behind those columns, as the disclosure names them.
CARRIER_FIELDS = (
    "number",
    "delivery.name|contact.name",
    "delivery.street",
    "delivery.postcode",
    "delivery.city",
    "delivery.country",
    "contact.phone",
)
FORMULA_STARTS = ("=", "+", "-", "@")


def csv_safe(value):
    """``value`` as one line of text that no spreadsheet runs as a formula."""
    text = " ".join(str(value or "").split())
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def carrier_row(order):
    """The carrier's row for ``order`` (columns :data:`CARRIER_COLUMNS`); records nothing."""
    delivery = order.delivery
    name = delivery.get("name") or order.contact.get("name")
    return [
        csv_safe(value)
        for value in (
            order.number,
            name,
            delivery.get("street"),
            delivery.get("postcode"),
            delivery.get("city"),
            delivery.get("country"),
            order.contact.get("phone"),
        )
    ]


def carrier_csv(orders, now, actor):
    """The carrier's CSV (text, a header row then one row per order of ``orders``), with one
    disclosure to the carrier recorded on each order (``actor``: who made the file)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CARRIER_COLUMNS)
    for order in orders:
        disclose(order, CARRIER, CARRIER_FIELDS, ORDER, now, actor)
        writer.writerow(carrier_row(order))
    return out.getvalue()
