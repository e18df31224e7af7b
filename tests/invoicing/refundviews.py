"""A test view that refunds as the refund form will: in one request (one transaction,
replayed by pyramid_retry on a conflict), it announces ``OrderRefunded`` for one line of
an order.  Included with ``pyramid.includes`` by the concurrency test.

While the orders do not define ``OrderRefunded`` and ``Refund`` (helper "refunds" adds
them to ``orders.api``), stand-ins of the same shape are used and the invoicing's
subscriber is subscribed to the stand-in event here.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pyramid.response import Response

from shopcms.invoicing import issuing, order_refunded_event
from shopcms.tree.site import Site
from shopcms.web.security import VIEW


@dataclass(frozen=True)
class StandInRefund:
    id: str
    when: datetime
    lines: tuple
    shipping: Decimal
    total: Decimal
    reason: str
    means: str
    reference: str
    actor: str


@dataclass(frozen=True)
class StandInOrderRefunded:
    order: object
    refund: object
    request: object


def refund_types():
    """``(OrderRefunded, Refund)``: the orders' own when they define them."""
    real = order_refunded_event()
    if real is None:
        return StandInOrderRefunded, StandInRefund
    from shopcms.orders.api import Refund

    return real, Refund


def refund_one_unit(context, request):
    """Refund one unit of the first line of order ``number`` as refund ``refund``."""
    event_type, refund_type = refund_types()
    order = context["orders"][request.POST["number"]]
    amount = order.lines[0]["unit_price"]
    refund = refund_type(
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
    request.registry.notify(event_type(order, refund, request))
    return Response(status=204)


def includeme(config):
    event_type, _refund_type = refund_types()
    if event_type is StandInOrderRefunded:
        config.add_subscriber(issuing.order_refunded, StandInOrderRefunded)
    config.add_view(
        refund_one_unit,
        context=Site,
        route_name="public",
        name="test-refund",
        request_method="POST",
        permission=VIEW,
    )
