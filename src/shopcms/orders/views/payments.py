"""Online payments: Mollie's webhook and "Pay now" on the order confirmation page.

``POST /{lang}/mollie-webhook`` is called by Mollie (a third party: no session, no CSRF
token) with the form field ``id`` only.  It is the one view exempt from the CSRF check, and it
trusts nothing of its request but the shape of that id: the status and amount come from
Mollie's API (``shop.payments.mollie.settle``).  Answers: 200 when there is nothing (more) to
do, unknown ids included (Mollie's advice: tell a prober nothing); 400 for a malformed id;
503 when Mollie cannot be asked, so that Mollie calls again later; 404 when Mollie is not
configured.

A paid ``first`` payment (the customer chose to save the card) leaves a mandate that the
webhook keeps for the customer (``shop.payments.mollie.keep_mandate``); when Mollie cannot
be asked for it, the webhook answers 503 and changes nothing, so that Mollie calls again.

``POST /{lang}/order/NUMBER/KEY/pay`` pays an order that is still placed with an online
method: it asks Mollie about the order's latest payment first, so a customer who paid but
came back before the webhook arrived is not charged twice.
"""

import logging

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.orders.payments import methods
from shopcms.orders.payments.mollie import (
    PAYMENT_ID,
    ProviderUnavailable,
    get_mollie,
    keep_mandate,
    settle,
)
from shopcms.orders.resources import PLACED
from shopcms.orders.views.checkout import confirmation_url, order_for_key
from shopcms.tree.site import Site
from shopcms.web.i18n import _
from shopcms.web.notices import ERROR, INFO, notice
from shopcms.web.security import VIEW

log = logging.getLogger(__name__)

#: Statuses of a payment that may still become paid without the customer doing anything.
IN_PROGRESS = ("pending", "authorized")

UNREACHABLE = _("Online payment is not available right now. Please try again in a few minutes.")


def _plain(status, text=""):
    return Response(text, status=status, content_type="text/plain", charset="utf-8")


@view_config(
    context=Site,
    route_name="public",
    name="mollie-webhook",
    request_method="POST",
    permission=VIEW,
    # Posted by Mollie, not by a browser: it carries no session and no token to check, and
    # it cannot do harm: it reads only a payment id and asks Mollie what became of it.
    require_csrf=False,
)
def mollie_webhook(context, request):
    mollie = get_mollie(request.registry)
    if mollie is None:
        raise HTTPNotFound()
    payment_id = request.POST.get("id", "")
    if not isinstance(payment_id, str) or not PAYMENT_ID.fullmatch(payment_id):
        return _plain(400)
    order = request.root["orders"].for_reference(payment_id)
    if order is None or payment_id not in order.payment_ids:
        return _plain(200)
    try:
        payment = mollie.get_payment(payment_id)
    except ProviderUnavailable as exc:
        log.warning("Mollie webhook: payment %s could not be fetched: %s", payment_id, exc)
        return _plain(503)
    if payment.id != payment_id:
        log.warning("Mollie webhook: asked for payment %s, got another", payment_id)
        return _plain(200)
    settle(order, payment)
    try:
        keep_mandate(request, order, payment)
    except ProviderUnavailable as exc:
        # 503 aborts the transaction (the order is not marked paid either): all of it is
        # done again when Mollie calls again.
        log.warning("Mollie webhook: the mandate of %s could not be fetched: %s", payment_id, exc)
        return _plain(503)
    return _plain(200)


@view_config(
    context=Site,
    route_name="public",
    name="order",
    request_method="POST",
    permission=VIEW,
)
def pay_order(context, request):
    """``.../order/NUMBER/KEY/pay``: send the customer to Mollie to pay a placed order."""
    if len(request.subpath) != 3 or request.subpath[2] != "pay":
        raise HTTPNotFound()
    order = order_for_key(request, request.subpath[:2])
    back = HTTPSeeOther(location=confirmation_url(request, order))
    method = methods(request.registry).get(order.payment_method)
    mollie = get_mollie(request.registry)
    if order.state != PLACED or method is None or not method.online or mollie is None:
        notice(request, _("This order has nothing left to pay online."))
        return back
    try:
        latest = mollie.get_payment(order.payment_ids[-1]) if order.payment_ids else None
    except ProviderUnavailable as exc:
        log.warning("Mollie: order %s's last payment could not be fetched: %s", order.number, exc)
        if exc.status != 404:  # unknown to Mollie (another account?): a new one will do
            notice(request, UNREACHABLE, ERROR)
            return back
        latest = None
    if latest is not None:
        if settle(order, latest):
            try:
                keep_mandate(request, order, latest)
            except ProviderUnavailable as exc:  # the webhook keeps it when it comes
                log.warning("Mollie: the mandate of order %s: %s", order.number, exc)
            notice(request, _("Your payment has been received. Thank you!"), INFO)
            return back
        # Paid but not settled (it does not match the order: logged for staff): no new charge.
        if latest.status in IN_PROGRESS or latest.status == "paid":
            notice(request, _("Your payment is being processed. Please check again later."))
            return back
        if latest.status == "open" and latest.checkout_url:
            # The customer left Mollie's page before paying: that payment is still usable.
            return HTTPSeeOther(location=latest.checkout_url)
    target = method.start(request, order)
    if not target:
        notice(request, UNREACHABLE, ERROR)
        return back
    return HTTPSeeOther(location=target)
