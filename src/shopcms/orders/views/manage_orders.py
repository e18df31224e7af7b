"""The order desk's list (``/{lang}/manage/orders/``) and the carrier's file.

Every view needs ``manage-orders`` (the order desk and administrators).  The list is
filtered by a GET form (``?state=&from=&to=``, ``&page=`` beside it); a filter that is not
valid answers 400 with the form's messages and the list unfiltered.  The carrier's file
(``shopcms.orders.desk.carrier_file``) records a disclosure on each order in it: so it is
asked for with a POST (a GET never writes), carrying the list's dates.
"""

import colander
import deform
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.orders.desk import carrier_file, list_page
from shopcms.orders.resources import Orders
from shopcms.orders.schemas import PAGE, CarrierSchema, OrderFilterSchema
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _, ngettext
from shopcms.web.security import MANAGE_ORDERS

_manage = {"route_name": "manage", "permission": MANAGE_ORDERS}


def filter_form(request, orders):
    return make_form(
        request,
        OrderFilterSchema,
        (Button("filter", _("Filter")),),
        "order-filter",
        action=request.manage_link(orders),
        method="GET",
        css_class="search",
    )


def carrier_form(request, orders):
    return make_form(
        request,
        CarrierSchema,
        (Button("carrier", _("Carrier file (CSV) of the orders ready to ship"), "link"),),
        "carrier-csv",
        action=request.manage_link(orders, "carrier.csv"),
        css_class="actions",
    )


def first_error(invalid):
    """The first message of a colander error (the form's, else its first field's)."""
    if invalid.msg is not None:
        return invalid.messages()[0]
    for child in invalid.children:
        return first_error(child)
    return _("Something in the request was not right.")


def _page_number(request):
    try:
        return PAGE.deserialize(request.GET.get("page", colander.null))
    except colander.Invalid:
        return 1


@view_config(
    context=Orders,
    request_method="GET",
    renderer="shopcms.orders:templates/manage/orders.pt",
    **_manage,
)
def orders_list(context, request):
    """The orders, newest first, by state and date."""
    form = filter_form(request, context)
    filters, failed = validate(request, form)
    if filters is None:
        filters = {"state": "", "from": None, "to": None}
    listed = list_page(request, filters, _page_number(request))
    chosen = {key: filters[key] for key in ("state", "from", "to") if filters[key]}
    dates = {key: filters[key] for key in ("from", "to")}
    return {
        "filter_form": failed or form.render(filters),
        "filtered": bool(chosen),
        "carrier_form": carrier_form(request, context).render(dates),
        "listed": listed,
        "total_text": ngettext("${count} order", "${count} orders", listed.total, request),
        "page_url": lambda n: request.manage_link(
            context, query={**{k: str(v) for k, v in chosen.items()}, "page": n}
        ),
    }


@view_config(
    context=Orders,
    name="carrier.csv",
    request_method="POST",
    renderer=ERROR_TEMPLATE,
    **_manage,
)
def carrier(context, request):
    """The orders ready to ship, for the carrier (posted ``from``, ``to``)."""
    form = carrier_form(request, context)
    try:
        dates = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        # Its fields are hidden (the list's dates): nothing to correct in the form.
        return refusal(request, first_error(failure.error))
    name, text = carrier_file(request, dates)
    response = Response(text, content_type="text/csv", charset="utf-8")
    response.content_disposition = f'attachment; filename="{name}"'
    return response
