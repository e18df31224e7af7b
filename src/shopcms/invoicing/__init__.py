"""Invoices and credit notes: their gapless series, the PDF and the Peppol UBL files.

The modules: ``document`` (what an invoice or a credit note says: the one value the PDF
and the UBL file are both made from), ``resources`` (the ``invoices`` folder, ``Invoice``,
``CreditNote``, the series and their numbers ``F2026-000001`` and ``C2026-000001``),
``issuing`` (the Documents made from an order and a refund; the invoice issued when an
order is paid, the credit note when it is refunded), ``pdf`` (WeasyPrint from a template,
made when downloaded or mailed, never in the paying transaction: its docstring says why),
``ubl`` (Peppol BIS Billing 3.0), ``attachments`` (the files of the order mails),
``downloads`` and ``views`` (the customer's, the guest's and the desk's downloads; the
desk's list), ``privacy`` (the export; an erasure keeps them), ``retention`` (deleted with
their orders ten years after 1 January of the year after issue), ``folder`` (and evolve
step 13), ``oss`` (the OSS report).  What other capabilities may use is in ``api``.
"""

from shopcms.invoicing import attachments, downloads, issuing
from shopcms.invoicing.folder import add_invoices_folder
from shopcms.invoicing.resources import CreditNote, Invoice, Invoices
from shopcms.orders.api import OrderRefunded
from shopcms.web.i18n import _
from shopcms.web.security import MANAGE_ORDERS
from shopcms.workflow import AfterTransition


def includeme(config):
    config.add_desk_section("invoices", _("Invoices"), ("invoices",), MANAGE_ORDERS, order=31)
    config.add_content_type(
        "invoices", Invoices, title=_("Invoices"), site_folder="invoices", catalog=False
    )
    # Issued by the payment and the refund, never added by hand.
    for name, factory, title in (
        ("invoice", Invoice, _("Invoice")),
        ("credit_note", CreditNote, _("Credit note")),
    ):
        config.add_content_type(name, factory, title=title, container="invoices", catalog=False)
    config.add_evolve_step(13, "Invoicing: the invoices folder", add_invoices_folder)
    config.add_subscriber(issuing.order_paid, AfterTransition)
    config.add_subscriber(issuing.order_refunded, OrderRefunded)
    config.add_order_mail_attachment("order_paid", attachments.invoice_files)
    config.add_order_mail_attachment("order_refunded", attachments.credit_note_files)
    config.add_layout_value("invoices", downloads.layout_value)
    config.add_macros("shopcms.invoicing:templates/macros.pt")
    config.include(".views.downloads")
    # The OSS report (helper ubl): its desk page, CSV and the set_oss_documents directive.
    config.include(".views.oss")
    config.include(".privacy")
