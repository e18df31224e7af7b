"""Who may download an order's documents, and the links to them.

Addresses (the document is reached by traversal of the site's ``invoices`` folder):

- ``/{lang}/invoices/NUMBER/invoice.pdf`` and ``.../invoice.xml`` (UBL) for an invoice,
  ``.../credit-note.pdf`` and ``.../credit-note.xml`` for a credit note: for the customer
  whose account the order was placed with (the document's ACL grants that account alone),
  staff of the order desk and administrators, and a guest with the order's access key in
  ``?key=`` (as the confirmation page is opened with it; the key is compared in constant
  time, and the page is sent without a referrer).  Anyone else gets 404, as for another
  customer's order.
- ``/{lang}/manage/invoices/NUMBER/...`` the same files from the order desk (``view`` on
  the document: staff only).

The PDF is rendered from the stored Document when it is asked for (a GET writes nothing).
"""

import hmac

from babel.dates import format_date
from pyramid.traversal import find_root

from shopcms.invoicing.document import INVOICE
from shopcms.invoicing.folder import invoices_folder
from shopcms.web.i18n import _
from shopcms.web.security import VIEW

TITLES = {INVOICE: _("Invoice"), "credit_note": _("Credit note")}


def may_download(request, issued, order):
    """Whether the requester may have ``issued``'s files (see the module)."""
    if request.has_permission(VIEW, issued):
        return True
    key = request.GET.get("key", "")
    if not key or order is None or order.customer is not None:
        return False
    return hmac.compare_digest(order.access_key.encode(), key.encode())


def download_links(request, order):
    """The documents of ``order`` as the asking page links them: dicts with ``number``,
    ``title`` (a TranslationString), ``issued`` (a date) and ``issued_text``, ``pdf`` and
    ``xml`` (None unless the buyer has a VAT number: a business's e-invoice) addresses.
    On the desk's pages the links stay in the desk; for a guest they carry the order's key."""
    # The site the order is in: the account area's root is the account, not the site.
    folder = invoices_folder(find_root(order), request.registry)
    if folder is None:
        return []
    desk = request.matched_route is not None and request.matched_route.name == "manage"
    links = []
    for issued in folder.of_order(order.number):
        stem = issued.file_stem
        if desk:
            pdf = request.manage_link(issued, f"{stem}.pdf")
            xml = request.manage_link(issued, f"{stem}.xml")
        else:
            query = None
            if not request.has_permission(VIEW, issued):
                if order.customer is not None:
                    continue
                query = {"key": order.access_key}
            pdf = request.link(issued, f"{stem}.pdf", query=query)
            xml = request.link(issued, f"{stem}.xml", query=query)
        links.append(
            {
                "number": issued.number,
                "title": TITLES[issued.kind],
                "issued": issued.issued,
                "issued_text": format_date(issued.issued, "long", locale=request.locale_name),
                "pdf": pdf,
                "xml": xml if issued.document.buyer.vat_number else None,
            }
        )
    return links


def layout_value(request):
    """``ui.invoices(order)`` in the templates: :func:`download_links`."""
    return lambda order: download_links(request, order)
