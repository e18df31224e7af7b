"""Checkout: the details form, the review with the VAT breakdown and the terms, the order.

Three steps, one write.  ``GET /{lang}/checkout`` shows the form with a fresh one-time
token; ``POST`` with ``step=review`` validates it and shows what will be charged (nothing is
stored); ``POST`` with ``step=place`` validates again, needs the terms accepted, and places
the order in one transaction (``shop.checkout.place_order``).  A repeated ``place`` with the
same token finds the order already placed and shows it.  Then the payment method starts
(a redirect to the provider) or the confirmation page says how to pay.

A logged-in customer may tick "save my details for next time" (never ticked for them): when
the order is placed, the "keep my account data" consent is recorded (form ``checkout``) and
the addresses and phone are kept on the account; paying by card or Bancontact then also
keeps the payment method (``shop.payments.mollie``).  While that consent stands, the form
is filled with the default saved address and phone, offers the other saved addresses
(``saved_address``: chosen, it replaces the typed delivery address, without JavaScript) and
the saved payment methods (``payment=saved:ID``: charged without the provider's page).
Without the consent nothing of the checkout is kept beyond the order itself.

The confirmation page ``/{lang}/order/NUMBER/KEY`` is opened with the order's random access
key (a guest has no account); it is private and sends no referrer.
"""

import hmac
import secrets

import colander
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.orders.checkout import (
    EU_COUNTRIES,
    SAVED_PAYMENT,
    SHIPPING_METHODS,
    CheckoutProblem,
    place_order,
    quote,
    saved_details,
    shipping_cost,
)
from shopcms.orders.payments import bank_account, methods
from shopcms.orders.payments.saved import describe
from shopcms.orders.resources import ORDER_WORKFLOW, PLACED
from shopcms.orders.schemas import CheckoutSchema, cstruct_from_post, field_labels
from shopcms.privacy.account_data import (
    give_account_data,
    keep_checkout_details,
    keeps_account_data,
)
from shopcms.products.api import cart, empty_cart
from shopcms.tree.site import Site
from shopcms.web.i18n import _
from shopcms.web.security import VIEW

TEMPLATE = "shopcms.orders:templates/checkout.pt"
REVIEW = "shopcms.orders:templates/checkout_review.pt"
CONFIRMATION = "shopcms.orders:templates/order_confirmation.pt"


def confirmation_url(request, order, lang=None):
    return f"/{lang or request.locale_name}/order/{order.number}/{order.access_key}"


ADDRESS_FIELDS = ("street", "postcode", "city", "country")


def _form_values(request, post=None):
    """The form's current values as flat field names (what the template fills in).

    From a POST: what was sent, with the delivery address (and the name) replaced by the
    saved address chosen in ``saved_address``, if any (the choice is then spent: the fields
    hold it).  Otherwise the defaults, and the default saved address and phone of a
    customer who keeps their details.
    """
    if post is not None:
        values = {key: post.get(key, "") for key in post}
        addresses, _saved = saved_details(request)
        chosen = next((a for a in addresses if a["id"] == values.get("saved_address")), None)
        if chosen is not None:
            values.update({f"delivery.{field}": chosen[field] for field in ADDRESS_FIELDS})
            values["name"] = chosen["name"] or values.get("name", "")
            values["saved_address"] = ""
        return values
    values = {"delivery.country": "BE", "shipping": "standard"}
    account = request.identity
    if account is not None:
        values["email"] = account.email
        addresses, _saved = saved_details(request)
        preferences = account.preferences
        default = next((a for a in addresses if a["id"] == preferences.default_address), None)
        if default is not None:
            values.update({f"delivery.{field}": default[field] for field in ADDRESS_FIELDS})
            values["name"] = default["name"]
        if keeps_account_data(preferences) and preferences.phone:
            values["phone"] = preferences.phone
    payment_methods = methods(request.registry)
    values["payment"] = next(iter(payment_methods))
    return values


def _saved_payment(request, value):
    """The requester's saved payment method named by the form's ``payment`` value, or None."""
    if not value.startswith(SAVED_PAYMENT):
        return None
    _addresses, saved = saved_details(request)
    return next((m for m in saved if m.id == value.removeprefix(SAVED_PAYMENT)), None)


def _errors(request, invalid):
    """``{flat field name: translated message}`` of a colander.Invalid."""
    return invalid.asdict(translate=request.localizer.translate)


def _page(request, cart, values, errors=None, problem=None):
    """The checkout form's template values."""
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
    addresses, saved = saved_details(request)
    return {
        "saved_addresses": addresses,
        "saved_payments": [(SAVED_PAYMENT + m.id, describe(m)) for m in saved],
        "can_keep": request.identity is not None,
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
    return cart(request)


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
        details = schema.deserialize(cstruct_from_post(values))
    except colander.Invalid as invalid:
        request.response.status = 400
        return _page(request, cart, values, errors=_errors(request, invalid))
    saved = _saved_payment(request, details["payment"])
    if saved is not None:
        # The order names the shop's method; the saved method pays it.
        details["payment"] = saved.method
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
        empty_cart(request)
        target = _pay(request, order, details, saved)
        if target:
            return HTTPSeeOther(location=target)
    return HTTPSeeOther(location=confirmation_url(request, order))


def _pay(request, order, details, saved):
    """Keep the customer's details if they asked, then start paying ``order``: the
    provider's URL to go to, or None (the confirmation page says what follows)."""
    account = request.identity
    keep = account is not None and details["keep_details"]
    if keep:
        preferences = account.preferences
        give_account_data(preferences, request.root, request.locale_name, request.now, "checkout")
        keep_checkout_details(preferences, details)
    method = methods(request.registry)[order.payment_method]
    if saved is not None:
        method.pay_saved(request, order, saved)
        return None
    if keep and getattr(method, "can_save", False):
        return method.start(request, order, keep_for=account)
    return method.start(request, order)


def _review(request, cart, values, details, error=None):
    saved = _saved_payment(request, values.get("payment", ""))
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
        "saved_payment": describe(saved) if saved is not None else None,
        "keep_details": request.identity is not None and details["keep_details"],
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
    secret_address=True,  # the order's key is in the address
)
def order_confirmation(context, request):
    order = order_for_key(request)
    return {
        "order": order,
        "state": ORDER_WORKFLOW.get_state(order.workflow_state),
        "payment": methods(request.registry).get(order.payment_method),
        "awaiting_payment": order.workflow_state == PLACED,
        "bank": bank_account(request.registry.settings),
        "shipping_titles": SHIPPING_METHODS,
    }
