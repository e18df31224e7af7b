"""The customer's orders and saved payment methods.

- ``GET /{lang}/account/orders`` (newest first) and ``GET .../orders/NUMBER`` (one of the
  customer's own; 404 for any other number);
- ``GET .../payment-methods``; ``POST .../payment-methods/ID/remove`` forgets one of the
  customer's own saved methods, here and at the provider (its mandate is revoked).
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther

from shopcms.accounts import order_history, saved_details
from shopcms.accounts.views.area import (
    TEMPLATES,
    account_page,
    account_view,
    item_action,
    no_subpath,
)
from shopcms.accounts.views.common import submitted
from shopcms.orders.api import SHIPPING_METHODS, describe_saved_method
from shopcms.web.forms import Button, CSRFSchema, make_form
from shopcms.web.i18n import _
from shopcms.web.notices import notice


@account_view("orders", template="orders.pt")
def orders(context, request):
    """The list, or with ``/NUMBER`` one order: only the requester's own (404 otherwise)."""
    if not request.subpath:
        return account_page(request, context, "orders", rows=order_history.own_orders(context))
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    order = order_history.own_order(context, request.subpath[0])
    if order is None:
        raise HTTPNotFound()
    request.override_renderer = TEMPLATES + "order.pt"
    return account_page(
        request,
        context,
        "orders",
        order=order,
        shipping_titles=SHIPPING_METHODS,
        **order_history.order_details(request.registry, order),
    )


def remove_form(request, method_id):
    """The button that forgets one saved payment method (one per method on the page)."""
    return make_form(
        request,
        CSRFSchema,
        (Button("remove", _("Remove"), css_class="toggle"),),
        f"remove-{method_id}",
        request.account_link("payment-methods", method_id, "remove"),
        css_class="inline",
    )


@account_view("payment-methods", template="payment_methods.pt")
def payment_methods(context, request):
    no_subpath(request)
    saved = saved_details.saved_payment_methods(context, describe_saved_method)
    return account_page(
        request,
        context,
        "payment-methods",
        saved=[(method, text, remove_form(request, method.id).render()) for method, text in saved],
    )


@account_view("payment-methods", method="POST", **item_action("payment-methods", "remove"))
def remove_payment_method(context, request):
    """Forget one of the requester's saved payment methods, here and at the provider."""
    method = saved_details.own_payment_method(context, request.subpath[0])
    if method is None:
        raise HTTPNotFound()
    submitted(request, remove_form(request, method.id))
    saved_details.remove_payment_method(request.registry, context, method)
    notice(request, _("The payment method is removed."))
    return HTTPSeeOther(location=request.account_link("payment-methods"))
