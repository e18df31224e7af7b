"""Invoices and the customer's rights: the export shows them, an erasure keeps them.

An invoice and a credit note are accounting records the shop must keep ten years from
1 January of the year after their issue (Belgian VAT Code art. 60; GDPR art. 17 (3) (b):
a legal obligation).  So an erasure of a customer (their account, or a guest's orders)
neither deletes nor changes them: the buyer's name, address and VAT number stay on each
document as it was issued, which is what the law requires it to say.  What goes is the
link to the erased account (``Issued.account``), so nothing leads from a new account with
a reused id to them; they remain reachable by staff (the order desk) only, until
``shopcms retention`` deletes them (``shopcms.invoicing.retention``).

In the data export they are listed (number, kind, date, order, total) in their own section.
"""

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


def erase_account(root, account, now, registry, options):
    """Keep the documents (see the module); unlink them from the account."""
    docs = _documents(root, [order.number for order in customer_orders(root, account)])
    for doc in docs:
        if doc.account == account.__name__:
            doc.account = None
    if not docs:
        return None
    return (
        f"invoices: {len(docs)} invoice(s) and credit note(s) kept unchanged "
        "(legal obligation, 10 years), unlinked from the account"
    )


def includeme(config):
    add_contributor(
        config.registry,
        Contributor(
            "invoices",
            _("Invoices and credit notes"),
            export=export_account,
            erase=erase_account,
            labels=LABELS,
        ),
    )
