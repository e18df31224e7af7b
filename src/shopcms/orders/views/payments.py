"""Paying after the checkout: "Pay now" on the order's confirmation page, and the addresses
payment providers call back at.  Both speak to the providers only through the
``PaymentMethod`` interface (``shopcms.orders.payments``).

``POST /{lang}/order/NUMBER/KEY/pay`` pays an order that is still placed with its method
(``PaymentMethod.resume``: a provider is asked about the order's latest payment first, so
a customer who paid but came back before the provider's call is not charged twice), then
goes to the provider's page or back to the order with a notice.

A provider's webhook (``PaymentMethod.webhook``, e.g. ``POST /{lang}/mollie-webhook``) is
called by the provider, a third party: no session, no CSRF token.  It is the one kind of
view exempt from the CSRF check, and what it may believe is the method's business
(``PaymentMethod.notified``), which also says what to answer: 200 when there is nothing
(more) to do, 400 for a malformed call, 503 when the provider cannot be asked (it calls
again later; the transaction is rolled back).  A webhook of a provider that is not
configured answers 404.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.orders.payments import NOTHING_TO_PAY, Resumption, methods, webhook_names, webhooks
from shopcms.orders.views.checkout import order_for_key
from shopcms.orders.workflow import PLACED
from shopcms.tree.site import Site
from shopcms.web.notices import ERROR, INFO, notice
from shopcms.web.security import VIEW


@view_config(
    context=Site,
    route_name="public",
    name="order",
    request_method="POST",
    permission=VIEW,
)
def pay_order(context, request):
    """``.../order/NUMBER/KEY/pay``: pay a placed order with its method."""
    if len(request.subpath) != 3 or request.subpath[2] != "pay":
        raise HTTPNotFound()
    order = order_for_key(request, request.subpath[:2])
    method = methods(request.registry).get(order.payment_method)
    if order.state != PLACED or method is None:
        outcome = Resumption(message=NOTHING_TO_PAY)
    else:
        outcome = method.resume(request, order)
    if outcome.message is not None:
        notice(request, outcome.message, ERROR if outcome.error else INFO)
    back = request.link(None, "order", order.number, order.access_key)
    return HTTPSeeOther(location=outcome.target or back)


class ProviderWebhook:
    """The view of one provider's webhook (registered under its name by :func:`includeme`)."""

    def __init__(self, name):
        self.name = name
        # How the registry of views lists it (``mollie_webhook``).
        self.__name__ = name.replace("-", "_")

    def __call__(self, context, request):
        method = webhooks(request.registry).get(self.name)
        if method is None:  # the provider is not configured
            raise HTTPNotFound()
        status = method.notified(request)
        return Response(status=status, content_type="text/plain", charset="utf-8")


def includeme(config):
    """A webhook view for each address a provider calls back at."""
    for name in sorted(webhook_names(config.registry)):
        config.add_view(
            ProviderWebhook(name),
            context=Site,
            route_name="public",
            name=name,
            request_method="POST",
            permission=VIEW,
            # Posted by the provider, not by a browser: it carries no session and no token
            # to check; the method trusts nothing of it but what it asks the provider.
            require_csrf=False,
        )
