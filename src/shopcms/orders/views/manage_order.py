"""One order at the order desk: its page with its history and the transitions the requester
may do, running one, and its packing slip.

Every view needs ``manage-orders`` (the order desk and administrators; each order's ACL
grants staff nothing else).  The transitions offered are those ``ORDER_WORKFLOW.available``
lists for the requester, each its own form.  A transition that is not allowed answers a
4xx page with the workflow's message: 403 when the role may not, 409 when the order's state
does not allow it (a second click, say); a refund the payment provider cannot do now
answers 503 and changes nothing (``shopcms.orders.desk.run_transition``).
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.orders import desk, refund_forms, tracking
from shopcms.orders.payments import PaymentUnavailable
from shopcms.orders.refunds import RefundRefused
from shopcms.orders.resources import Order
from shopcms.orders.schemas import TRANSITION_NAMES, TransitionSchema
from shopcms.orders.views.withdrawal_desk import desk_panel
from shopcms.orders.workflow import ORDER_WORKFLOW, state_title
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import MANAGE_ORDERS
from shopcms.workflow import WorkflowError, WorkflowForbidden

PAGE = "shopcms.orders:templates/manage/order.pt"
_manage = {"route_name": "manage", "permission": MANAGE_ORDERS}
#: What a transition's button looks like: what undoes a sale looks dangerous.
BUTTON_CLASSES = {"cancel": "danger", "refund": "danger"}


def transition_form(request, order, transition):
    """The form of one transition (id ``transition-NAME``) with its comment box ("Mark
    shipped" also asks for the carrier and tracking number: ``tracking.ShipSchema``)."""
    return make_form(
        request,
        tracking.ShipSchema if transition.name == "ship" else TransitionSchema,
        (
            Button(
                "run", transition.title, css_class=BUTTON_CLASSES.get(transition.name, "primary")
            ),
        ),
        f"transition-{transition.name}",
        action=request.manage_link(order, "transition"),
        css_class="transition",
    )


def _page(request, order, failed=None, refund_failed=None):
    """The order page's values; ``failed`` is ``(transition name, form html)`` of a
    transition form that was refused, ``refund_failed`` the refund form's HTML when it was
    refused.  The refund has a panel of its own (``manage_refunds``), not a transition
    form."""
    forms = []
    for transition in ORDER_WORKFLOW.available(order, request):
        if transition.name == "refund":
            continue
        if failed is not None and failed[0] == transition.name:
            forms.append(failed[1])
        else:
            form = transition_form(request, order, transition)
            forms.append(form.render({"transition": transition.name}))
    customer = request.root["customers"].get(order.customer) if order.customer else None
    request.override_renderer = PAGE
    return {
        "order": order,
        "state": state_title(order.state),
        "method": desk.method_title(request.registry, order.payment_method),
        "shipping": desk.shipping_title(order),
        "customer": customer,
        "personal": lambda value: desk.personal(request, value),
        "history": desk.history(request, order),
        "transition_forms": forms,
        "after_sale": desk_panel(request, order),
        **refund_forms.panel(request, order, refund_failed),
    }


@view_config(context=Order, request_method="GET", renderer=PAGE, **_manage)
def order_page(context, request):
    """Everything the order recorded, its history and the transitions the requester may do."""
    return _page(request, context)


@view_config(
    context=Order,
    name="transition",
    request_method="POST",
    renderer=ERROR_TEMPLATE,
    **_manage,
)
def run_transition(context, request):
    """Run one workflow transition (``transition``, optional ``comment``)."""
    name = request.POST.get("transition", "")
    offered = {t.name: t for t in ORDER_WORKFLOW.available(context, request)}
    if name in offered:
        appstruct, failed = validate(request, transition_form(request, context, offered[name]))
        if appstruct is None:
            return _page(request, context, failed=(name, failed))
        comment = appstruct["comment"]
        if name == "ship":
            # Before the transition: its "shipped" mail (queued by the transition's
            # event) shows the tracking link.  A refused transition commits nothing.
            tracking.record(
                request.registry.settings,
                context,
                appstruct["carrier"],
                appstruct["tracking_number"],
            )
    elif name in TRANSITION_NAMES:
        comment = ""  # not offered: the workflow says why below
    else:
        return refusal(request, _("Something in the request was not right."))
    try:
        message = desk.run_transition(request, context, name, comment)
    except WorkflowForbidden as exc:
        return refusal(request, exc.message, status=403)
    except WorkflowError as exc:
        return refusal(request, exc.message, status=409)
    except PaymentUnavailable as exc:
        return refusal(request, exc.message, status=exc.status)
    except RefundRefused as exc:
        return refusal(request, exc.message, status=exc.status)
    notice(request, message)
    return HTTPSeeOther(location=request.manage_link(context))


@view_config(
    context=Order,
    name="packing-slip",
    request_method="GET",
    renderer="shopcms.orders:templates/manage/packing_slip.pt",
    **_manage,
)
def packing_slip(context, request):
    """A printable page for the parcel: the delivery address and the lines, no prices."""
    return {"order": context, "shipping": desk.shipping_title(context)}
