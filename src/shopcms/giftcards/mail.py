"""The mail with the codes of the gift cards an order bought, and their printable PDF.

Queued as an intent (``shopcms.mail.queue_intent``) in the transaction that issues the
cards (``issuing``): the intent holds the order's number, the order's contact address and
language and the shop's address for links, never a code.  The composer (declared with
``config.add_mail_composer``) runs in the mail sender: it finds the order's cards
(``GiftCards.issued_for``), derives their codes again from the shop's secret
(``codes.derive``), and composes, in the order's language, the text and HTML parts with
each card's code, value and last valid day, how to spend it (the code at checkout) and the
balance page's address (``/{lang}/giftcard``), and the PDF with one printable card per
page (``pdf``).  Cards deleted meanwhile are left out; none left: no mail.
"""

from babel.dates import format_date

from shopcms.giftcards import codes, pdf
from shopcms.mail import attach, compose, get_mailer, queue_intent
from shopcms.web.clock import site_timezone
from shopcms.web.company import company as company_of
from shopcms.web.i18n import _, languages
from shopcms.web.layout import format_money
from shopcms.web.urls import public_url

SOLD = "giftcards_sold"
SUBJECT = _("Your ${brand} gift card")


def queue_cards(registry, site, order, request=None):
    """Queue the mail of the cards ``order`` bought (see the module)."""
    queue_intent(
        site,
        SOLD,
        address=order.contact["email"],
        lang=order.lang,
        domain=get_mailer(registry).domain,
        base_url=public_url(registry, request),
        number=order.number,
    )


def card_rows(registry, cards, lang):
    """What the mail and the PDF show of ``cards``: dicts of ``code`` (derived again),
    ``value`` (written in ``lang``) and ``expires`` (the last valid day, in ``lang``)."""
    secret = registry.settings["shopcms.secret"]
    zone = site_timezone(registry)
    return [
        {
            "code": codes.derive(secret, card.order, card.index),
            "value": format_money(card.value, lang),
            "expires": format_date(card.expires.astimezone(zone).date(), "long", locale=lang),
        }
        for card in cards
    ]


def compose_cards(registry, site, intent):
    """The composer of :data:`SOLD` intents (see the module)."""
    folder = site.get("giftcards")
    cards = folder.issued_for(intent.get("number")) if folder is not None else []
    if not cards:
        return None
    lang = intent["lang"] if intent["lang"] in languages(registry) else languages(registry)[0]
    rows = card_rows(registry, cards, lang)
    brand = company_of(registry).brand

    def values(request):
        balance_url = request.link(None, "giftcard", lang=lang, absolute=True)
        checkout_url = request.link(None, "cart", lang=lang, absolute=True)
        return {"lang": lang, "cards": rows, "balance_url": balance_url, "cart_url": checkout_url}

    message = compose(
        registry,
        "shopcms.giftcards:templates/mail/giftcards_sold",
        values,
        lang=lang,
        to=intent["address"],
        subject=_(SUBJECT, mapping={"brand": brand}),
        application_url=intent["base_url"],
    )
    document = pdf.render(registry, lang, rows, intent["base_url"])
    return attach(message, [(pdf.filename(intent["number"]), "application/pdf", document)])


def includeme(config):
    config.add_mail_composer(SOLD, compose_cards)
