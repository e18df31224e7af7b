"""Confirming a guest's alert: ``/{lang}/stockalerts/confirm?token=``.

The GET shows what is confirmed and one button, and writes nothing (link scanners open
it); the POST confirms (``alerts.confirm``: the link is used up).  A link that cannot be
used gets a page that says why, in the page's language, never the button: not a token of
ours (forged, altered, cut) 400; expired 410; already used, or its alert gone, 410.

The address carries a secret: no referrer leaves the page (``secret_address``).
"""

from pyramid.view import view_config

from shopcms.products.api import product_by_id
from shopcms.stockalerts import alerts, tokens
from shopcms.stockalerts.resources import StockAlerts
from shopcms.stockalerts.schemas import ButtonSchema
from shopcms.stockalerts.views.ask import message_page
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _, pick
from shopcms.web.security import VIEW

TEMPLATE = "shopcms.stockalerts:templates/confirm.pt"
FORM = "stock-alert-confirm"

CONFIRM = {
    "context": StockAlerts,
    "route_name": "public",
    "name": "confirm",
    "permission": VIEW,
    "secret_address": True,
    "renderer": TEMPLATE,
}

#: ``(status, title, text)`` of each reason a link does not confirm.
PROBLEMS = {
    tokens.FORGED: (
        400,
        _("This link does not work"),
        _(
            "This is not a valid confirmation link. Open the link in the mail exactly as it "
            "is (it may have been cut in two), or ask for the alert again on the product's "
            "page."
        ),
    ),
    tokens.EXPIRED: (
        410,
        _("This link has expired"),
        _("This confirmation link is too old. Ask for the alert again on the product's page."),
    ),
    tokens.USED: (
        410,
        _("This link was used already"),
        _(
            "This confirmation link was used already, or its alert no longer exists. Nothing "
            "has changed."
        ),
    ),
}


def _form(request):
    token = request.GET.get("token", "")
    return make_form(
        request,
        ButtonSchema,
        (Button("confirm", _("Yes, tell me when it is back")),),
        FORM,
        request.link(request.context, "confirm", query={"token": token}),
    )


def _usable(request):
    """``(alert, product, None)`` for a link that confirms, else ``(None, None, page)``."""
    secret = request.registry.settings["shopcms.secret"]
    alert, problem = tokens.read(secret, request.context, request.GET.get("token", ""), request.now)
    product = product_by_id(request.root, alert.pid) if alert is not None else None
    if alert is not None and product is None:
        problem = tokens.USED  # the product is gone: nothing left to wait for
    if problem is not None:
        status, title, text = PROBLEMS[problem]
        page = message_page(request, title, text, status, request.link(), _("Home page"))
        return None, None, page
    return alert, product, None


def _values(request, alert, product, form_html):
    return {
        "address": alert.address,
        "title": pick(product.titles, request)[1] or product.sku,
        "product_url": request.link(product),
        "form": form_html,
    }


@view_config(request_method="GET", **CONFIRM)
def confirm_page(context, request):
    alert, product, page = _usable(request)
    if page is not None:
        return page
    return _values(request, alert, product, _form(request).render())


@view_config(request_method="POST", **CONFIRM)
def confirm(context, request):
    alert, product, page = _usable(request)
    if page is not None:
        return page
    appstruct, failed = validate(request, _form(request))
    if appstruct is None:
        return _values(request, alert, product, failed)
    alerts.confirm(alert, request.now)
    return message_page(
        request,
        _("Your alert is confirmed"),
        _("We mail you once when this product is back in stock."),
        200,
        request.link(product),
        _(
            "Back to ${product}",
            mapping={"product": pick(product.titles, request)[1] or product.sku},
        ),
    )
