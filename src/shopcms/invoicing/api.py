"""What other capabilities may use of invoicing.

- :func:`invoice_of` and :func:`credit_notes_of`: an order's invoice and credit notes (the
  order keeps no link to them; the invoices folder indexes them by order number);
- :func:`download_links`: the links to an order's documents for the page asking (the
  customer's order page, a guest's confirmation page, the order desk), as ``ui.invoices``
  gives them to the templates;
- :func:`purge_expired`: the retention step of ``shopcms retention``.
"""

from shopcms.invoicing.document import CREDIT_NOTE
from shopcms.invoicing.downloads import download_links
from shopcms.invoicing.folder import invoices_folder
from shopcms.invoicing.retention import purge_expired

__all__ = ["credit_notes_of", "download_links", "invoice_of", "invoices_folder", "purge_expired"]


def invoice_of(site, order_number):
    """The :class:`~shopcms.invoicing.resources.Invoice` of order ``order_number``, or None."""
    folder = invoices_folder(site, None)
    return folder.invoice_of(order_number) if folder is not None else None


def credit_notes_of(site, order_number):
    """The credit notes of order ``order_number``, oldest first."""
    folder = invoices_folder(site, None)
    if folder is None:
        return []
    return [doc for doc in folder.of_order(order_number) if doc.kind == CREDIT_NOTE]


def documents_of(site, order_number):
    """The invoice and credit notes of ``order_number``, oldest first."""
    folder = invoices_folder(site, None)
    return folder.of_order(order_number) if folder is not None else []
