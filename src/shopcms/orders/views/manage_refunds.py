"""Refunds at the order desk: the order page's refund panel, the refund itself (review,
then confirm), and the SEPA transfer files of refunds paid back by bank transfer.

Every view needs ``refund-orders`` (administrators): the order desk sees the refunds made
in the panel but cannot make one (403).  A refund is two POSTs of the same form
(``orders.refund_forms``): ``review`` shows what will be refunded and how, changing
nothing; ``confirm`` makes it (``orders.refunds.make_refund``) and leads back to the order.
A form sent again after its refund was made (a double click, a replayed POST) only says
so.  The transfer files are GETs that write nothing (their message ids are stable); the
list of pending transfers is marked sent by a POST naming the batch it saw.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.orders import refund_forms, refunds
from shopcms.orders.desk import method_title
from shopcms.orders.payments import PaymentUnavailable
from shopcms.orders.payments.sepa import batch_id, pain001
from shopcms.orders.resources import Order, Orders
from shopcms.orders.views.manage_order import _page
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.forms.core import CSRFSchema
from shopcms.web.i18n import _, ngettext
from shopcms.web.layout import format_money
from shopcms.web.notices import notice
from shopcms.web.security import REFUND_ORDERS

_refund = {"route_name": "manage", "permission": REFUND_ORDERS}
CONFIRM = "shopcms.orders:templates/manage/refund_confirm.pt"
TRANSFERS = "shopcms.orders:templates/manage/refund_transfers.pt"
MEANS = refund_forms.MEANS


def _order_page(request, order, failed):
    return _page(request, order, refund_failed=failed)


def _plan_or_refusal(request, order, appstruct):
    try:
        return refund_forms.chosen(request, order, appstruct), None
    except refunds.RefundRefused as exc:
        return None, refusal(request, exc.message, status=exc.status)


@view_config(context=Order, name="refund", request_method="POST", renderer=CONFIRM, **_refund)
def refund(context, request):
    """Review (``step=review``) or make (``step=confirm``) a refund of the order."""
    done = refunds.find(context, request.POST.get("refund_id", ""))
    if done is not None:
        notice(request, _("This refund was made already; nothing was refunded again."))
        return HTTPSeeOther(location=request.manage_link(context))
    if not refunds.refundable(context):
        return refusal(request, _("Nothing is left to refund in this order."), status=409)
    confirming = request.POST.get("step") == "confirm"
    form = refund_forms.form(request, context, confirm=confirming)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        if confirming:  # hidden fields: nothing to correct there
            return refusal(request, _("Something in the request was not right."))
        return _order_page(request, context, failed)
    chosen, refused = _plan_or_refusal(request, context, appstruct)
    if refused is not None:
        return refused
    if not confirming:
        confirm = refund_forms.form(request, context, confirm=True)
        return {
            "order": context,
            "plan": chosen,
            "lines": [(context.lines[i], qty, amount) for i, qty, amount in chosen.lines],
            "means": MEANS[chosen.means],
            "method": method_title(request.registry, context.payment_method),
            "appstruct": appstruct,
            "form": confirm.render({**appstruct, "step": "confirm"}),
        }
    try:
        made = refunds.make_refund(
            request,
            context,
            appstruct["refund_id"],
            chosen,
            appstruct["reason"],
            account=refund_forms.account(appstruct),
        )
    except refunds.AlreadyRefunded:
        notice(request, _("This refund was made already; nothing was refunded again."))
        return HTTPSeeOther(location=request.manage_link(context))
    except refunds.RefundRefused as exc:
        return refusal(request, exc.message, status=exc.status)
    except PaymentUnavailable as exc:
        return refusal(request, exc.message, status=exc.status)
    mapping = {"amount": format_money(made.total, request.locale_name), "number": context.number}
    if made.means == refunds.PROVIDER:
        message = _(
            "${amount} of order ${number} refunded: the provider pays it back.", mapping=mapping
        )
    elif made.means == refunds.GIFT_CARD:
        message = _("${amount} of order ${number} refunded on the gift card.", mapping=mapping)
    else:
        message = _(
            "${amount} of order ${number} refunded: download the transfer file below and "
            "give it to the bank.",
            mapping=mapping,
        )
    notice(request, message)
    return HTTPSeeOther(location=request.manage_link(context))


def _xml(data, name):
    response = Response(data, content_type="application/xml", charset="utf-8")
    response.content_disposition = f'attachment; filename="{name}.xml"'
    return response


@view_config(
    context=Order,
    name="refund-transfer",
    request_method="GET",
    renderer=ERROR_TEMPLATE,
    **_refund,
)
def refund_transfer(context, request):
    """The pain.001 file of one refund of the order (``?id=``)."""
    transfer = refunds.transfers(context.__parent__).get(request.GET.get("id", ""))
    if transfer is None or transfer.order != context.number:
        return refusal(request, _("There is no such transfer."), status=404)
    data = pain001(request.registry.settings, [transfer], transfer.message_id, request.now)
    return _xml(data, transfer.message_id)


def pending(orders):
    """The transfers not yet marked sent, oldest first."""
    found = [t for t in refunds.transfers(orders).values() if t.sent is None]
    return sorted(found, key=lambda transfer: transfer.when)


def sent_form(request, orders, batch):
    node = CSRFSchema().bind(request=request)
    form = make_form(
        request,
        node,
        (Button("sent", _("Mark these transfers as given to the bank")),),
        "transfers-sent",
        action=request.manage_link(orders, "refund-transfers", query={"batch": batch}),
    )
    return form


@view_config(
    context=Orders, name="refund-transfers", request_method="GET", renderer=TRANSFERS, **_refund
)
def transfers_page(context, request):
    """The refunds waiting to be paid by transfer, their file and "mark as sent"."""
    waiting = pending(context)
    batch = batch_id(waiting) if waiting else None
    return {
        "transfers": waiting,
        "total": sum((t.amount for t in waiting), refunds.ZERO),
        "batch": batch,
        "file": request.manage_link(context, "refund-transfers.xml") if waiting else None,
        "form": sent_form(request, context, batch).render() if waiting else None,
        "count_text": ngettext(
            "${count} refund waiting to be paid by transfer",
            "${count} refunds waiting to be paid by transfer",
            len(waiting),
            request,
        ),
    }


@view_config(
    context=Orders,
    name="refund-transfers.xml",
    request_method="GET",
    renderer=ERROR_TEMPLATE,
    **_refund,
)
def transfers_file(context, request):
    """One pain.001 file of every pending transfer."""
    waiting = pending(context)
    if not waiting:
        return refusal(request, _("No refund is waiting to be paid by transfer."), status=404)
    batch = batch_id(waiting)
    return _xml(pain001(request.registry.settings, waiting, batch, request.now), batch)


@view_config(
    context=Orders,
    name="refund-transfers",
    request_method="POST",
    renderer=ERROR_TEMPLATE,
    **_refund,
)
def transfers_sent(context, request):
    """Mark the pending transfers sent, if they are still the batch the page showed."""
    waiting = pending(context)
    appstruct, _failed = validate(request, sent_form(request, context, ""))
    if appstruct is None:
        return refusal(request, _("Something in the request was not right."))
    if not waiting or batch_id(waiting) != request.GET.get("batch"):
        return refusal(
            request,
            _("The waiting transfers changed meanwhile. Look at the list again."),
            status=409,
        )
    for transfer in waiting:
        refunds.mark_sent(context, transfer, request.now, request.authenticated_userid)
    notice(request, _("The transfers are marked as given to the bank."))
    return HTTPSeeOther(location=request.manage_link(context, "refund-transfers"))
