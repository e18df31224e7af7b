"""The printable gift cards: a PDF with one card per A6 page (the shop's name, the value,
the code, the last valid day, how to spend it and the balance page's address), made with
WeasyPrint from the Chameleon template ``templates/cards.pt`` in the order's language, as
the invoices are (``invoicing.pdf``).

Made only when the mail is composed, by the mail sender (``giftcards.mail``), never in the
paying transaction and never stored: the codes exist only in the mail.
"""

from pyramid.renderers import render as render_template
from pyramid.request import Request, apply_request_extensions
from pyramid.threadlocal import manager as threadlocal_manager

from shopcms.web.company import company as company_of

TEMPLATE = "shopcms.giftcards:templates/cards.pt"


def html(registry, lang, rows, base_url):
    """The cards' HTML page (text) in ``lang``; ``rows``: ``mail.card_rows``; links are
    made on ``base_url`` (the shop's address)."""
    request = Request.blank("/", base_url=base_url)
    request.registry = registry
    apply_request_extensions(request)
    request.matchdict = {"lang": lang}  # the locale negotiator reads it (as for /fr/...)
    values = {
        "lang": lang,
        "cards": rows,
        "brand": company_of(registry).brand,
        "balance_url": request.link(None, "giftcard", lang=lang, absolute=True),
    }
    # Chameleon translates through the current request: this one, meanwhile.
    threadlocal_manager.push({"registry": registry, "request": request})
    try:
        return render_template(TEMPLATE, values, request=request)
    finally:
        threadlocal_manager.pop()


def render(registry, lang, rows, base_url):
    """The PDF (bytes) of the cards ``rows`` in ``lang`` (see :func:`html`)."""
    import weasyprint  # Pango and friends: loaded when the first PDF is made

    return weasyprint.HTML(string=html(registry, lang, rows, base_url), base_url=None).write_pdf()


def filename(number):
    """The attached file's name: ``gift-cards-2026-000123.pdf``."""
    return f"gift-cards-{number}.pdf"
