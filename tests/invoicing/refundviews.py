"""A test view that refunds as the refund form does, without the provider: in one request
(one transaction, replayed by pyramid_retry on a conflict) it announces ``OrderRefunded``
for one unit of an order's first line.  Included with ``pyramid.includes`` by the
concurrency test, so that the credit notes' series is driven by real concurrent requests
through the invoicing's subscriber."""

from decimal import Decimal

from pyramid.response import Response

from shopcms.orders.api import OrderRefunded, Refund
from shopcms.tree.site import Site
from shopcms.web.security import VIEW


def refund_one_unit(context, request):
    """Refund one unit of the first line of order ``number`` as refund ``refund``."""
    order = context["orders"][request.POST["number"]]
    amount = order.lines[0]["unit_price"]
    refund = Refund(
        id=request.POST["refund"],
        when=request.now,
        lines=((0, 1, amount),),
        shipping=Decimal("0.00"),
        total=amount,
        reason="test",
        means="provider",
        reference=f"re_{request.POST['refund']}",
        actor="system:test",
    )
    request.registry.notify(OrderRefunded(order, refund, request))
    return Response(status=204)


def includeme(config):
    config.add_view(
        refund_one_unit,
        context=Site,
        route_name="public",
        name="test-refund",
        request_method="POST",
        permission=VIEW,
    )
