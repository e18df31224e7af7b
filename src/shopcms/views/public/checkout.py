"""Checkout: the details form, the review with the VAT breakdown and the terms, the order.

Three steps, one write.  ``GET /{lang}/checkout`` shows the form with a fresh one-time
token; ``POST`` with ``step=review`` validates it and shows what will be charged (nothing is
stored); ``POST`` with ``step=place`` validates again, needs the terms accepted, and places
the order in one transaction (``shop.checkout.place_order``).  A repeated ``place`` with the
same token finds the order already placed and shows it.  Then the payment method starts
(a redirect to the provider) or the confirmation page says how to pay.

The confirmation page ``/{lang}/order/NUMBER/KEY`` is opened with the order's random access
key (a guest has no account); it is private and sends no referrer.
"""

import hmac
import secrets

import colander
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ...headers import mark_private
from ...i18n import _
from ...resources.orders import ORDER_WORKFLOW, PLACED
from ...resources.site import Site
from ...schemas.checkout import CheckoutSchema, cstruct_from_post, field_labels
from ...security import VIEW
from ...shop import lists
from ...shop.checkout import (
    EU_COUNTRIES,
    SHIPPING_METHODS,
    CheckoutProblem,
    place_order,
    quote,
    shipping_cost,
)
from ...shop.payments import bank_account, methods

TEMPLATE = "shopcms:templates/checkout.pt"
REVIEW = "shopcms:templates/checkout_review.pt"
CONFIRMATION = "shopcms:templates/order_confirmation.pt"


def confirmation_url(request, order, lang=None):
    return f"/{lang or request.locale_name}/order/{order.number}/{order.access_key}"


def _form_values(request, post=None):
    """The form's current values as flat field names (what the template fills in)."""
    if post is not None:
        return {key: post.get(key, "") for key in post}
    values = {"delivery.country": "BE", "shipping": "standard"}
    account = request.identity
    if account is not None:
        values["email"] = account.email
    payment_methods = methods(request.registry)
    values["payment"] = next(iter(payment_methods))
    return values


def _errors(request, invalid):
    """``{flat field name: translated message}`` of a colander.Invalid."""
    return invalid.asdict(translate=request.localizer.translate)


def _page(request, cart, values, errors=None, problem=None):
    """The checkout form's template values."""
    mark_private(request)
    method = values.get("shipping")
    try:
        priced = quote(request, cart, method if method in SHIPPING_METHODS else "standard")
    except CheckoutProblem as exc:
        priced, problem = None, problem or exc.message
    goods = sum((line["total"] for line in priced.lines), 0) if priced else 0
    options = [
        (name, title, shipping_cost(request.registry.settings, name, goods))
        for name, title in SHIPPING_METHODS.items()
    ]
    return {
        "values": values,
        "errors": errors or {},
        "problem": problem,
        "quote": priced,
        "shipping_options": options,
        "payment_methods": methods(request.registry),
        "countries": EU_COUNTRIES,
        "labels": field_labels(),
    }


def _cart(request):
    return lists.read(request, lists.CART)


@view_config(
    context=Site,
    route_name="public",
    name="checkout",
    request_method="GET",
    permission=VIEW,
    renderer=TEMPLATE,
)
def checkout_form(context, request):
    values = _form_values(request)
    values["token"] = secrets.token_urlsafe(24)
    return _page(request, _cart(request), values)


@view_config(
    context=Site,
    route_name="public",
    name="checkout",
    request_method="POST",
    permission=VIEW,
    renderer=TEMPLATE,
)
def checkout_post(context, request):
    values = _form_values(request, request.POST)
    cart = _cart(request)
    if request.POST.get("step") == "edit":  # back from the review, details kept
        return _page(request, cart, values)
    schema = CheckoutSchema().bind(request=request)
    try:
        details = schema.deserialize(cstruct_from_post(request.POST))
    except colander.Invalid as invalid:
        request.response.status = 400
        return _page(request, cart, values, errors=_errors(request, invalid))
    if request.POST.get("step") != "place":
        return _review(request, cart, values, details)
    if not details["accept_terms"]:
        request.response.status = 400
        return _review(
            request,
            cart,
            values,
            details,
            error=_("Please accept the terms and conditions to place your order."),
        )
    try:
        order, placed_now = place_order(request, cart, details, details["token"])
    except CheckoutProblem as problem:
        request.response.status = 409
        return _page(request, cart, values, problem=problem.message)
    if placed_now:
        lists.write(request, lists.CART, [])
        target = methods(request.registry)[order.payment_method].start(request, order)
        if target:
            return HTTPSeeOther(location=target)
    return HTTPSeeOther(location=confirmation_url(request, order))


def _review(request, cart, values, details, error=None):
    mark_private(request)
    request.override_renderer = REVIEW
    try:
        priced = quote(request, cart, details["shipping"])
    except CheckoutProblem as problem:
        request.response.status = 409
        request.override_renderer = TEMPLATE
        return _page(request, cart, values, problem=problem.message)
    return {
        "values": values,
        "details": details,
        "quote": priced,
        "shipping_title": SHIPPING_METHODS[details["shipping"]],
        "lines": priced.lines,
        "payment": methods(request.registry)[details["payment"]],
        "error": error,
    }


def order_for_key(request, parts=None):
    """The order named by ``parts`` (default the subpath) ``NUMBER/KEY``, or HTTPNotFound."""
    parts = request.subpath if parts is None else parts
    if len(parts) != 2:
        raise HTTPNotFound()
    number, key = parts
    order = request.root["orders"].get(number)
    if order is None or not hmac.compare_digest(order.access_key.encode(), key.encode()):
        raise HTTPNotFound()
    return order


@view_config(
    context=Site,
    route_name="public",
    name="order",
    request_method="GET",
    permission=VIEW,
    renderer=CONFIRMATION,
)
def order_confirmation(context, request):
    order = order_for_key(request)
    mark_private(request)
    # The key is in the address: never hand it to another site.
    request.response.headers["Referrer-Policy"] = "no-referrer"
    return {
        "order": order,
        "state": ORDER_WORKFLOW.get_state(order.workflow_state),
        "payment": methods(request.registry).get(order.payment_method),
        "awaiting_payment": order.workflow_state == PLACED,
        "bank": bank_account(request.registry.settings),
        "shipping_titles": SHIPPING_METHODS,
    }
