"""The files the order mails carry (``config.add_order_mail_attachment``).

"Payment received" (``order_paid``) carries the order's invoice as PDF and, for a buyer
with a VAT number (a business, which must receive a structured e-invoice), its Peppol BIS
Billing 3.0 UBL file; "refunded" (``order_refunded``) the order's newest credit note
likewise.  They are called by the mail sender, after the paying or refunding transaction
committed (see ``shopcms.invoicing.pdf``), and render from the stored Document.  An order
without its document (an order paid before the shop issued invoices, or while the
company's details were missing) gets its mail without a file.
"""

import logging

from shopcms.invoicing.document import CREDIT_NOTE, INVOICE
from shopcms.invoicing.folder import invoices_folder
from shopcms.invoicing.pdf import render

log = logging.getLogger(__name__)

PDF = "application/pdf"
XML = "application/xml"


def ubl_xml(document):
    """The Peppol UBL file of ``document`` (bytes), or None when the UBL writer is not
    there (``shopcms.invoicing.ubl``, built alongside)."""
    try:
        from shopcms.invoicing import ubl
    except ImportError:  # pragma: no cover - until the UBL writer is merged
        return None
    write = ubl.credit_note_xml if document.kind == CREDIT_NOTE else ubl.invoice_xml
    return write(document)


def files(registry, issued):
    """``[(filename, mimetype, bytes)]`` of ``issued``: the PDF, and the UBL file when the
    buyer has a VAT number."""
    document = issued.document
    found = [(f"{issued.number}.pdf", PDF, render(registry, document))]
    if document.buyer.vat_number:
        xml = ubl_xml(document)
        if xml is not None:
            found.append((f"{issued.number}.xml", XML, xml))
    return found


def _latest(registry, order, kind):
    invoices = invoices_folder(order.__parent__.__parent__, registry)
    if invoices is None:
        return None
    docs = [doc for doc in invoices.of_order(order.number) if doc.kind == kind]
    return docs[-1] if docs else None


def invoice_files(registry, order):
    """The attachments of ``order_paid``: its invoice (see the module)."""
    invoice = _latest(registry, order, INVOICE)
    if invoice is None:
        log.warning("order %s is mailed as paid without an invoice", order.number)
        return []
    return files(registry, invoice)


def credit_note_files(registry, order):
    """The attachments of ``order_refunded``: the order's newest credit note."""
    note = _latest(registry, order, CREDIT_NOTE)
    return files(registry, note) if note is not None else []
