"""The PDF of an invoice or credit note: WeasyPrint from the Chameleon template
``templates/document.pt``, in the document's language.

When PDFs are made (and why): never in the transaction that issues the document.  A paid
order's transaction (a payment webhook, the bank import, staff's "Mark paid") issues the
invoice, which means taking the series' counter: every issuer conflicts with every other,
so under a burst of sixteen webhooks most transactions are replayed, and rendering a PDF
(a quarter of a second or more) in each attempt would multiply that work and the time the
counter is held.  What is stored is the :class:`~shopcms.invoicing.document.Document`, a
few hundred bytes; the PDF is a pure function of it (:func:`render`), made

- when it is downloaded (``views/downloads.py``: a GET, which writes nothing), and
- when the mail that carries it is delivered: an order mail with attachments
  (``config.add_order_mail_attachment``) is composed in the paying transaction as any
  mail (its text, a few kilobytes) but queued as an intent; the mail sender adds the files
  in its own claim transaction, after the paying one committed (``shopcms.orders.mail``),
  and stores the result with the claim, so every delivery attempt sends the same bytes.

Rendering again later gives the same document: the Document is frozen and carries the
seller's details of the day of issue, so a later move of the company changes no invoice.
The template's texts are translated into ``document.lang`` through its ``i18n:``
attributes; amounts, rates and dates are written in that language's way.
"""

import logging
from datetime import date

from babel.dates import format_date
from pyramid.renderers import render as render_template

from shopcms.invoicing.document import (
    CREDIT_NOTE,
    REVERSE_CHARGE,
    SHIPPING_SKU,
    VOUCHER_CATEGORIES,
)
from shopcms.invoicing.language import current, language_request
from shopcms.web.company import company as company_of
from shopcms.web.layout import format_money, format_percent, territories

log = logging.getLogger(__name__)

TEMPLATE = "shopcms.invoicing:templates/document.pt"


def _values(registry, document):
    lang = document.lang

    def country(code):
        return territories(lang).get(code, code) if code else ""

    def day(value):
        return format_date(value, format="long", locale=lang) if isinstance(value, date) else ""

    return {
        "doc": document,
        "credit_note": document.kind == CREDIT_NOTE,
        "reverse_charge": any(g.category == REVERSE_CHARGE for g in document.groups),
        # Gift cards sold (multi-purpose vouchers): the mention that their VAT comes later.
        "voucher": any(g.category in VOUCHER_CATEGORIES for g in document.groups),
        "brand": company_of(registry).brand,
        "money": lambda amount: format_money(amount, lang),
        "percent": lambda rate: format_percent(rate, lang),
        "country": country,
        "day": day,
        "goods": [line for line in document.lines if line.sku != SHIPPING_SKU],
        "shipping": [line for line in document.lines if line.sku == SHIPPING_SKU],
        "enterprise": _enterprise(document.seller.enterprise_number),
    }


def _enterprise(number):
    """A KBO/BCE number as it is written (``0123.456.749``)."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if len(digits) != 10:
        return number or ""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def html(registry, document):
    """The document's HTML page (text), as the PDF is made from it."""
    request = language_request(registry, document.lang)
    with current(request):
        return render_template(TEMPLATE, _values(registry, document), request=request)


def render(registry, document):
    """The PDF of ``document`` (bytes)."""
    import weasyprint  # Pango and friends: loaded when the first PDF is made

    page = html(registry, document)
    return weasyprint.HTML(string=page, base_url=None).write_pdf()


def filename(issued):
    """The file name a document is downloaded and attached under (``F2026-000001.pdf``)."""
    return f"{issued.number}.pdf"
