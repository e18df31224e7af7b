"""Invoices and the customer's rights: the export shows them, an erasure keeps them.

An invoice and a credit note are accounting records the shop must keep ten years from
1 January of the year after their issue (Belgian VAT Code art. 60; GDPR art. 17 (3) (b):
a legal obligation).  So an erasure of a customer (their account, or a guest's orders)
neither deletes nor changes them: the buyer's name, address and VAT number stay on each
document as it was issued, which is what the law requires it to say.  What goes is what
no invoice needs: the link to the erased account (``Issued.account``), so they remain
reachable by staff (the order desk) only, and the buyer's email address (the address the
document was sent to, printed nowhere), until ``shopcms retention`` deletes them
(``shopcms.invoicing.retention``).

In the data export they are listed (number, kind, date, order, total) in their own section.
"""

import dataclasses

from shopcms.invoicing.folder import invoices_folder
from shopcms.privacy.contributors import Contributor, add_contributor
from shopcms.privacy.export import customer_orders
from shopcms.web.i18n import _

LABELS = {
    "number": _("Number"),
    "kind": _("Kind"),
    "issued": _("Date"),
    "order": _("Order"),
    "total": _("Total"),
}


def _documents(root, numbers):
    folder = invoices_folder(root, None)
    if folder is None:
        return []
    return [doc for number in numbers for doc in folder.of_order(number)]


def _row(doc):
    return {
        "number": doc.number,
        "kind": doc.kind,
        "issued": doc.issued.isoformat(),
        "order": doc.order_number,
        "total": doc.document.total,
    }


def export_account(root, account):
    docs = _documents(root, [order.number for order in customer_orders(root, account)])
    return [_row(doc) for doc in docs] or None


def keep(docs):
    """Keep ``docs`` for the law, without the account's link and the buyer's email."""
    for doc in docs:
        doc.account = None
        buyer = doc.document.buyer
        if buyer.email is not None:
            doc.document = dataclasses.replace(
                doc.document, buyer=dataclasses.replace(buyer, email=None)
            )
    if not docs:
        return None
    return (
        f"invoices: {len(docs)} invoice(s) and credit note(s) kept as issued "
        "(legal obligation, 10 years), without the account link and email address"
    )


def erase_account(root, account, now, registry, options):
    """Keep the documents of the account's orders (see the module)."""
    return keep(_documents(root, [order.number for order in customer_orders(root, account)]))


def erase_guest(root, email, now, registry, options):
    """Keep the documents of the orders placed with ``email`` without an account."""
    return keep(_documents(root, [order.number for order in root["orders"].guest_orders(email)]))


def includeme(config):
    add_contributor(
        config.registry,
        Contributor(
            "invoices",
            _("Invoices and credit notes"),
            export=export_account,
            erase=erase_account,
            erase_guest=erase_guest,
            labels=LABELS,
        ),
    )
