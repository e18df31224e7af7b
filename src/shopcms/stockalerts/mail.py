"""The alerts' two mails, queued as intents (``shopcms.mail.queue_intent``) and composed by
the mail sender in the alert's language, in the shop's mail layout:

- :data:`CONFIRM`: the confirmation link of a guest's alert.  The request queues the same
  intent for every address (new, waiting, confirmed); the composer sends the link only to
  an alert still waiting, so the answer and the work of the request say nothing about the
  address.  A confirmed or vanished alert gets nothing.
- :data:`BACK`: the product is back in stock, with its name in that language and the link
  to its page.  Queued in the transaction of the stock change, once per confirmed alert,
  which is deleted in that transaction: the intent holds the address, language and product
  (the alert is gone when it is composed).  A product deleted in between gets no mail.
"""

from datetime import timedelta

from babel.dates import format_timedelta

from shopcms.mail import compose, get_mailer, queue_intent
from shopcms.products.api import product_by_id
from shopcms.stockalerts.alerts import CONFIRM_MAX_AGE
from shopcms.stockalerts.tokens import confirm_token
from shopcms.web.clock import now
from shopcms.web.i18n import _, languages, pick
from shopcms.web.urls import public_url

CONFIRM, BACK = "stockalert_confirm", "stockalert_back"

SUBJECTS = {
    CONFIRM: _("Confirm your back-in-stock alert"),
    BACK: _("Back in stock: ${product}"),
}


def _queue(registry, site, kind, record, base_url, **ids):
    queue_intent(
        site,
        kind,
        address=record.address,
        lang=record.lang,
        domain=get_mailer(registry).domain,
        base_url=base_url,
        product=record.pid,
        **ids,
    )


def queue_confirmation(request, site, alert):
    """Queue the answer to a guest's alert (see the module)."""
    base_url = public_url(request.registry, request)
    _queue(request.registry, site, CONFIRM, alert, base_url, alert=alert.key)


def queue_back(registry, site, alert, request=None):
    """Queue the mail telling ``alert``'s owner that its product is back."""
    _queue(registry, site, BACK, alert, public_url(registry, request))


def _compose(registry, intent, kind, product, more=None):
    """Mail ``kind`` about ``product`` to the intent's address in its language; ``more``:
    a function of the mail's request giving further template values."""
    lang = intent["lang"] if intent["lang"] in languages(registry) else languages(registry)[0]

    def values(request):
        found = {
            "lang": lang,
            "title": pick(product.titles, request)[1] or product.sku,
            "product_url": request.link(product, lang=lang, absolute=True),
        }
        return {**found, **(more(request) if more is not None else {})}

    # The subject names the product in the mail's language, as the body does.
    title = product.titles.get(lang) or next(filter(None, product.titles.values()), product.sku)
    return compose(
        registry,
        f"shopcms.stockalerts:templates/mail/{kind}",
        values,
        lang=lang,
        to=intent["address"],
        subject=_(SUBJECTS[kind], mapping={"product": title}),
        application_url=intent["base_url"],
    )


def compose_confirmation(registry, site, intent):
    """A waiting alert: its confirmation link; anything else: no mail."""
    folder = site["stockalerts"]
    alert = folder.alerts.get(intent.get("alert"))
    product = product_by_id(site, intent.get("product"))
    if alert is None or alert.is_confirmed or product is None:
        return None
    token = confirm_token(registry.settings["shopcms.secret"], alert, now(registry))
    lifetime = timedelta(seconds=CONFIRM_MAX_AGE)

    def more(request):
        link = request.link(folder, "confirm", query={"token": token}, absolute=True)
        return {"link": link, "lifetime": format_timedelta(lifetime, locale=request.locale_name)}

    return _compose(registry, intent, CONFIRM, product, more)


def compose_back(registry, site, intent):
    """The product is back: its name and page; nothing if it was deleted meanwhile."""
    product = product_by_id(site, intent.get("product"))
    if product is None:
        return None
    return _compose(registry, intent, BACK, product)


COMPOSERS = {CONFIRM: compose_confirmation, BACK: compose_back}


def includeme(config):
    for kind, composer in COMPOSERS.items():
        config.add_mail_composer(kind, composer)
