"""The order desk: the orders, one order with its history, its transitions, the packing slip
and the carrier's CSV.

Every view needs ``manage-orders`` (the order desk and administrators; each order's ACL
grants staff nothing else).  The transitions offered are those ``ORDER_WORKFLOW.available``
lists for the requester, and a POST runs one through ``Order.transition``, which checks the
transition's own permission again (a refund needs ``refund-orders``: administrators) and
gives stock back where the workflow says so.  A transition that is not allowed answers a
4xx page with the workflow's message: 403 when the role may not, 409 when the order's state
does not allow it (a second click, say).

The carrier CSV lists the orders ready to ship, state ``paid``, within the list's date
filter when one is set, oldest first, with exactly the columns ``CARRIER_COLUMNS`` of
``shopcms.privacy.disclosures`` (comma-separated, UTF-8, a header row): the carrier gets a
name, an address and a phone number, nothing else.  A value that a spreadsheet would read as
a formula (starting with ``= + - @``) gets a leading apostrophe.  The module records on each
order of the file that it was disclosed to the carrier: so the file is asked for with a POST
(a GET never writes).
"""

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

import colander
from hypatia.query import And, Eq, Ge, Lt
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.catalog.query import index, search
from shopcms.orders.checkout import SHIPPING_METHODS
from shopcms.orders.resources import ORDER_WORKFLOW, PAID, Order, Orders
from shopcms.orders.schemas import MAX_COMMENT, OrderFilterSchema, TransitionSchema
from shopcms.privacy.disclosures import carrier_csv
from shopcms.web.clock import site_timezone
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import MANAGE_ORDERS
from shopcms.workflow import WorkflowError, WorkflowForbidden

PER_PAGE = 50
TRANSITION_TITLES = {t.name: t.title for t in ORDER_WORKFLOW.transitions}
# Not a workflow transition: the entry Order.anonymise adds to the history.
TRANSITION_TITLES["erase"] = _("Personal data erased")

_manage = {"route_name": "manage", "permission": MANAGE_ORDERS}


def _base(request):
    return f"/{request.locale_name}/manage/orders/"


def order_url(request, order, view=""):
    return f"{_base(request)}{order.__name__}" + (f"/{view}" if view else "")


def state_title(name):
    try:
        return ORDER_WORKFLOW.get_state(name).title
    except KeyError:
        return name


def method_title(request, name):
    """The title of payment method ``name`` (also when it is no longer enabled)."""
    method = request.registry.shopcms_payment_catalogue.get(name)
    return method.title if method is not None else name


def _first_error(invalid):
    if invalid.msg is not None:
        return invalid.messages()[0]
    for child in invalid.children:
        return _first_error(child)
    return _("Something in the request was not right.")


# -- the list ---------------------------------------------------------------------------


def _filters(request, params=None):
    """The list's filter from the query string (or ``params``): ``(appstruct, None)`` or
    ``(defaults, message)`` when it is not valid."""
    schema = OrderFilterSchema()
    params = request.GET if params is None else params
    cstruct = {child.name: params.get(child.name, colander.null) for child in schema}
    try:
        return schema.deserialize(cstruct), None
    except colander.Invalid as invalid:
        return schema.deserialize({}), _first_error(invalid)


def _day_start(request, day):
    """Midnight at the start of ``day`` in the site's time zone, as UTC."""
    zone = site_timezone(request.registry)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def filtered_orders(request, filters):
    """``(total, orders)``: the orders ``filters`` select, newest first; ``orders`` is a
    function of a slice, so that without a state filter only one page is loaded.

    The catalog narrows by date (index ``created``); the state is read from the orders.
    """
    query = Eq(index(request, "content_type"), "order")
    created = index(request, "created")
    if filters["from"]:
        query = And(query, Ge(created, _day_start(request, filters["from"])))
    if filters["to"]:
        query = And(query, Lt(created, _day_start(request, filters["to"] + timedelta(days=1))))
    ids = list(search(request, query, sort_index="created", reverse=True).ids)
    resolve = request.root.catalog.resolver(request.root)
    if not filters["state"]:
        return len(ids), lambda part: [resolve(docid) for docid in ids[part]]
    chosen = [order for order in map(resolve, ids) if order.state == filters["state"]]
    return len(chosen), chosen.__getitem__


def _url(path, filters, **more):
    """``path`` with the list's filter (and ``more``) in its query string."""
    params = {key: filters[key] for key in ("state", "from", "to") if filters[key]}
    params.update(more)
    query = urlencode({key: str(value) for key, value in params.items()})
    return f"{path}?{query}" if query else path


@view_config(
    context=Orders,
    request_method="GET",
    renderer="shopcms.orders:templates/manage/orders.pt",
    **_manage,
)
def orders_list(context, request):
    """The orders, newest first, by state and date (``?state=&from=&to=&page=``)."""
    filters, error = _filters(request)
    if error is not None:
        request.response.status = 400
    total, orders = filtered_orders(request, filters)
    pages = max(1, -(-total // PER_PAGE))
    page = min(filters["page"], pages)
    start = (page - 1) * PER_PAGE
    rows = [
        {
            "order": order,
            "state": state_title(order.state),
            "method": method_title(request, order.payment_method),
        }
        for order in orders(slice(start, start + PER_PAGE))
    ]
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "form": {key: request.GET.get(key, "")[:20] for key in ("state", "from", "to")},
        "error": error,
        "states": [(state.name, state.title) for state in ORDER_WORKFLOW.states],
        "page_url": lambda n: _url(_base(request), filters, page=n),
        "carrier_url": f"{_base(request)}carrier.csv",
        "carrier_dates": {key: (filters[key] or "") for key in ("from", "to")},
    }


# -- the carrier's CSV ------------------------------------------------------------------


@view_config(
    context=Orders,
    name="carrier.csv",
    request_method="POST",
    renderer=ERROR_TEMPLATE,
    **_manage,
)
def carrier_file(context, request):
    """The orders ready to ship (state ``paid``), for the carrier (posted ``from``, ``to``),
    each recorded as disclosed to the carrier by the requester."""
    filters, error = _filters(request, request.POST)
    if error is not None:
        return refusal(request, error)
    total, orders = filtered_orders(request, {**filters, "state": PAID})
    chosen = sorted(orders(slice(0, total)), key=lambda order: order.number)
    text = carrier_csv(chosen, request.now, request.authenticated_userid)
    today = request.now.astimezone(site_timezone(request.registry)).date().isoformat()
    response = Response(text, content_type="text/csv", charset="utf-8")
    response.content_disposition = f'attachment; filename="carrier-{today}.csv"'
    return response


# -- one order --------------------------------------------------------------------------


def _who(request, actor):
    """An e-mail address for an account id; system actors as they are."""
    account = request.root["customers"].get(actor) if actor else None
    return account.email if account is not None else actor


def _order_values(request, order):
    history = [
        {
            "when": entry.when,
            "who": _who(request, entry.actor),
            "action": TRANSITION_TITLES.get(entry.transition, entry.transition)
            if entry.transition
            else _("Order placed"),
            "from": state_title(entry.from_state) if entry.from_state else None,
            "to": state_title(entry.to_state),
            "comment": entry.comment,
        }
        for entry in reversed(order.workflow_history)
    ]
    customer = request.root["customers"].get(order.customer) if order.customer else None
    return {
        "order": order,
        "state": state_title(order.state),
        "method": method_title(request, order.payment_method),
        "shipping": SHIPPING_METHODS.get(order.shipping["method"], order.shipping["method"]),
        "customer": customer,
        "history": history,
        "transitions": ORDER_WORKFLOW.available(order, request),
        "max_comment": MAX_COMMENT,
    }


@view_config(
    context=Order,
    request_method="GET",
    renderer="shopcms.orders:templates/manage/order.pt",
    **_manage,
)
def order_page(context, request):
    """Everything the order recorded, its history and the transitions the requester may do."""
    return _order_values(request, context)


@view_config(
    context=Order,
    name="transition",
    request_method="POST",
    renderer=ERROR_TEMPLATE,
    **_manage,
)
def run_transition(context, request):
    """Run one workflow transition (``transition``, optional ``comment``)."""
    schema = TransitionSchema().bind(request=request)
    cstruct = {child.name: request.POST.get(child.name, colander.null) for child in schema}
    try:
        appstruct = schema.deserialize(cstruct)
    except colander.Invalid as invalid:
        return refusal(request, _first_error(invalid))
    try:
        context.transition(request, appstruct["transition"], comment=appstruct["comment"])
    except WorkflowForbidden as exc:
        return refusal(request, exc.message, status=403)
    except WorkflowError as exc:
        return refusal(request, exc.message, status=409)
    state = request.localizer.translate(state_title(context.state))
    notice(
        request,
        _("Order ${number} is now: ${state}.", mapping={"number": context.number, "state": state}),
    )
    return HTTPSeeOther(location=order_url(request, context))


@view_config(
    context=Order,
    name="packing-slip",
    request_method="GET",
    renderer="shopcms.orders:templates/manage/packing_slip.pt",
    **_manage,
)
def packing_slip(context, request):
    """A printable page for the parcel: the delivery address and the lines, no prices."""
    return {
        "order": context,
        "shipping": SHIPPING_METHODS.get(context.shipping["method"], context.shipping["method"]),
    }
