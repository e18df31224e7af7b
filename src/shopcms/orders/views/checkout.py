"""Checkout: the details form, the review with the VAT breakdown and the terms, the order;
and the order's confirmation page.

Three steps, one write.  ``GET /{lang}/checkout`` shows the form with a fresh one-time
token; ``POST`` with ``step=review`` validates it and shows what will be charged (nothing is
stored), with the details carried by the review's forms; ``POST`` with ``step=place``
validates them again, needs the terms accepted, and places the order
(``shopcms.orders.checkout.place_and_pay``); ``step=edit`` shows the form again with the
details.  A repeated ``place`` with the same token finds the order already placed and shows
it.  Then the payment method starts (a redirect to the provider) or the confirmation page
says how to pay.  Invalid input answers 400 with the form again; an order that cannot be
placed (stock) 409.

The confirmation page ``/{lang}/order/NUMBER/KEY`` is opened with the order's random access
key (a guest has no account); it is private and sends no referrer.  While a transfer is
awaited, ``.../NUMBER/KEY/payment-qr.png`` is the EPC QR code of that transfer
(``shopcms.orders.payments.epc``), under the same rules; otherwise it answers 404.
"""

import peppercorn
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.orders import checkout, discounts, gift_cards, placing
from shopcms.orders.forms import checkout_form, refused_field, starting_form
from shopcms.orders.payments import epc, methods
from shopcms.orders.payments.transfer import awaits_transfer, bank_account, epc_payload
from shopcms.orders.schemas import CheckoutSchema, PaySchema, PlaceSchema, ReviewSchema
from shopcms.orders.workflow import ORDER_WORKFLOW, PLACED
from shopcms.products.api import cart
from shopcms.tree.site import Site
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.layout import format_money
from shopcms.web.security import VIEW

TEMPLATE = "shopcms.orders:templates/checkout.pt"
REVIEW = "shopcms.orders:templates/checkout_review.pt"
CONFIRMATION = "shopcms.orders:templates/order_confirmation.pt"


def details_form(request, offered):
    """The checkout's form of contact, addresses, shipping and payment; ``offered`` is
    what the requester may choose (``checkout.options``)."""
    button = Button("review", _("Review your order"))
    return checkout_form(request, CheckoutSchema, "checkout", button, "checkout", offered)


def place_form(request, offered):
    """The review's form that places the order: the details hidden, the terms box."""
    button = Button("place", _("Place order with obligation to pay"))
    return checkout_form(request, PlaceSchema, "place-order", button, "place-order", offered)


def change_form(request, offered):
    """The review's form back to the details."""
    button = Button("edit", _("Change details"), css_class="toggle")
    return checkout_form(request, ReviewSchema, "change-order", button, "change-order", offered)


def _values(details, step):
    """``details`` as the forms' values (no billing address: an empty one)."""
    values = {key: value for key, value in details.items() if value is not None}
    return {**values, "step": step}


def _page(request, basket, form_html, problem=None):
    """The checkout form's page; without a cart to order, the problem instead."""
    try:
        priced = checkout.quote(request, basket, "standard")
    except checkout.CheckoutProblem as exc:
        priced, problem = None, problem or exc.message
    request.override_renderer = TEMPLATE
    return {
        "form": form_html,
        "problem": problem,
        "quote": priced,
        "discounts": discounts.rows(request, discounts.snapshot(priced) if priced else ()),
        "shipping_title": checkout.SHIPPING_METHODS["standard"],
    }


def _review(request, basket, offered, details, place_html=None):
    """The review page of valid ``details`` (``place_html``: its refused place form)."""
    try:
        summary = checkout.review(request, basket, details)
    except checkout.CheckoutProblem as problem:
        request.response.status = 409
        form = details_form(request, offered)
        return _page(request, basket, form.render(_values(details, "review")), problem.message)
    card = gift_cards.assess(request, details.get("gift_card"), summary.quote.totals.total)
    if card is not None and card.refused is not None:  # the form as it was posted
        gift_cards.refusing(request.response, card)
        form = refused_field(details_form(request, offered), "gift_card", card.refused)
        return _page(request, basket, form.render(_values(details, "review")))
    request.override_renderer = REVIEW
    if place_html is None:
        pays = {"gift_card_pays": str(card.pays) if card else ""}  # only compared: see there
        place_html = place_form(request, offered).render({**_values(details, "place"), **pays})
    return {
        "details": details,
        "review": summary,
        "card": card,
        "discounts": discounts.rows(request, discounts.snapshot(summary.quote)),
        "code_refusals": discounts.refusals(request, summary.quote),
        "place_form": place_html,
        "change_form": change_form(request, offered).render(_values(details, "edit")),
    }


@view_config(
    context=Site,
    route_name="public",
    name="checkout",
    request_method="GET",
    permission=VIEW,
    renderer=TEMPLATE,
)
def checkout_page(context, request):
    basket = cart(request)
    form = details_form(request, checkout.options(request, basket))
    return _page(request, basket, starting_form(request, form))


@view_config(
    context=Site,
    route_name="public",
    name="checkout",
    request_method="POST",
    permission=VIEW,
    renderer=TEMPLATE,
)
def checkout_post(context, request):
    basket = cart(request)
    offered = checkout.options(request, basket)
    form = details_form(request, offered)
    step = request.POST.get("step")
    if step == "edit":  # back from the review, the details kept as they were
        form.set_pstruct(peppercorn.parse(request.POST.items()))
        return _page(request, basket, form.render())
    details, failed = validate(request, form)
    if details is None:
        return _page(request, basket, failed)
    if step != "place":
        return _review(request, basket, offered, details)
    accepted, failed = validate(request, place_form(request, offered))
    if accepted is None:
        return _review(request, basket, offered, details, place_html=failed)
    placing.place_alone(request, details["payment"])  # see orders.placing
    try:
        pays = accepted["gift_card_pays"]  # what the review showed: compared, never charged
        placed = checkout.place_and_pay(request, basket, {**details, "gift_card_pays": pays})
    except checkout.CheckoutProblem as problem:
        request.response.status = 409
        return _page(request, basket, form.render(_values(details, "review")), problem.message)
    order = placed.order
    target = placed.target or request.link(None, "order", order.number, order.access_key)
    return HTTPSeeOther(location=target)


def order_for_key(request, parts):
    """The order named by ``parts`` (``NUMBER/KEY``), or HTTPNotFound."""
    order = request.root["orders"].with_key(*parts) if len(parts) == 2 else None
    if order is None:
        raise HTTPNotFound()
    return order


def pay_form(request, order):
    """The confirmation page's "Pay now" form."""
    return make_form(
        request,
        PaySchema,
        (Button("pay", _("Pay now")),),
        "pay-order",
        action=request.link(None, "order", order.number, order.access_key, "pay"),
    )


@view_config(
    context=Site,
    route_name="public",
    name="order",
    request_method="GET",
    permission=VIEW,
    renderer=CONFIRMATION,
    secret_address=True,  # the order's key is in the address
)
def order_confirmation(context, request):
    order = order_for_key(request, request.subpath)
    payment = methods(request.registry).get(order.payment_method)
    awaiting = order.workflow_state == PLACED
    online = awaiting and payment is not None and payment.online
    transfer = awaits_transfer(order)
    return {
        "order": order,
        "discounts": discounts.rows(request, order.discounts),
        "state": ORDER_WORKFLOW.get_state(order.workflow_state),
        "payment": payment,
        "awaiting_payment": awaiting,
        "bank": bank_account(request.registry.settings),
        "shipping_title": checkout.SHIPPING_METHODS.get(order.shipping["method"], ""),
        "pay_form": pay_form(request, order).render() if online else None,
        "transfer": transfer,
        "qr": _qr(request, order) if transfer else None,
    }


def _qr(request, order):
    """The confirmation page's QR code of the transfer: its address, size and text."""
    bank = bank_account(request.registry.settings)
    return {
        "src": request.link(None, "order", order.number, order.access_key, QR_NAME),
        "size": epc.pixels(epc_payload(request.registry.settings, order)),
        "alt": _(
            "QR code for your banking app: ${amount} to ${iban} with the communication ${ogm}",
            mapping={
                "amount": format_money(order.due, request.locale_name),
                "iban": bank["iban"],
                "ogm": str(order.payment_reference),
            },
        ),
    }


#: The last segment of the QR code's address.
QR_NAME = "payment-qr.png"


@view_config(
    context=Site,
    route_name="public",
    name="order",
    request_method="GET",
    permission=VIEW,
    # An image leads nowhere: no referrer to hide, no form to carry a token.
    path_info=r".*/payment-qr\.png$",
)
def payment_qr(context, request):
    """The EPC QR code of the transfer that pays the order (PNG), while it is awaited."""
    if len(request.subpath) != 3 or request.subpath[2] != QR_NAME:
        raise HTTPNotFound()
    order = order_for_key(request, request.subpath[:2])
    if not awaits_transfer(order):
        raise HTTPNotFound()
    return Response(
        body=epc.png(epc_payload(request.registry.settings, order)), content_type="image/png"
    )
