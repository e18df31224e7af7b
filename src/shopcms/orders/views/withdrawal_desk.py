"""The desk's side of withdrawals (``orders.withdrawal_desk``).

- ``GET /{lang}/manage/orders/withdrawals``: the statements whose goods have not come back,
  oldest first, with the day the refund is due;
- ``POST /{lang}/manage/orders/NUMBER/goods-received`` (``withdrawal``: the statement's
  id): the goods came back; leads to the refund form with the statement's lines
  (``withdrawal_desk.refund_url``).  Twice records it once.
- :func:`desk_panel`: what the order's page shows (macro ``after-sale``).

Every view needs ``manage-orders``.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.traversal import find_root
from pyramid.view import view_config

from shopcms.orders import withdrawal_desk
from shopcms.orders.resources import Order, Orders
from shopcms.orders.withdrawal_schemas import ReceivedSchema
from shopcms.web.actors import who
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import MANAGE_ORDERS

_manage = {"route_name": "manage", "permission": MANAGE_ORDERS}


def received_form(request, order, statement):
    return make_form(
        request,
        ReceivedSchema,
        (Button("received", _("Goods received: go to the refund")),),
        f"goods-received-{statement.id}",
        action=request.manage_link(order, "goods-received"),
        css_class="actions",
    )


def desk_panel(request, order):
    """The order page's panel (macro ``after-sale``): tracking, statements, the forms."""
    panel = withdrawal_desk.desk_panel(request, order)
    if panel is None:
        return None
    for item in panel["statements"]:
        statement = item["statement"]
        item["form"] = (
            received_form(request, order, statement).render({"withdrawal": statement.id})
            if statement.received is None
            else None
        )
        item["received_by"] = who(request, statement.received_by)
    return panel


@view_config(
    context=Orders,
    name="withdrawals",
    request_method="GET",
    renderer="shopcms.orders:templates/manage/withdrawals.pt",
    **_manage,
)
def withdrawals_list(context, request):
    """The withdrawals stated whose goods have not come back, oldest first."""
    rows = []
    for order, statements in withdrawal_desk.waiting(find_root(context)):
        for statement in statements:
            rows.append(
                {
                    "order": order,
                    "statement": statement,
                    "rows": withdrawal_desk.line_rows(order, statement),
                    "refund_due": statement.when + withdrawal_desk.REFUND_DAYS,
                }
            )
    return {"rows": rows}


@view_config(
    context=Order,
    name="goods-received",
    request_method="POST",
    renderer=ERROR_TEMPLATE,
    **_manage,
)
def goods_received(context, request):
    """The goods of one statement came back: record it, go to the refund form."""
    statement = withdrawal_desk.find(context, _posted_id(request))
    if statement is None:
        return refusal(request, _("Something in the request was not right."))
    appstruct, _failed = validate(request, received_form(request, context, statement))
    if appstruct is None:
        return refusal(request, _("Something in the request was not right."))
    done, new = withdrawal_desk.goods_received(request, context, statement.id)
    if new:
        notice(request, _("The returned goods are recorded. Refund the withdrawn items now."))
    else:
        notice(request, _("These goods were recorded as received already."))
    return HTTPSeeOther(location=withdrawal_desk.refund_url(request, context, done))


def _posted_id(request):
    try:
        return int(request.POST.get("withdrawal", ""))
    except ValueError:
        return None
