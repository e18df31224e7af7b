"""A business buyer at the order desk: what the order page shows of the company and its VAT
number, and "Confirm VAT number".

The order page shows it through the shared macro ``business-buyer-desk``
(``templates/business.pt``), which asks ``ui.business_buyer(order)`` (a layout value,
:func:`desk_panel`) for its values: the company, the VAT number (or "(erased)"), what is
known of the number, and the form that confirms it when the requester may.

``POST /{lang}/manage/orders/NUMBER/confirm-vat`` (``manage-orders``, CSRF) marks the number
confirmed once staff have checked it with VIES themselves (the shop's server cannot reach
VIES) and records it in the order's history with who did it and their note
(``shopcms.orders.business.confirm``).  Nothing to confirm (no number, confirmed already,
a second click) answers 409 and changes nothing; an invalid note answers 400 with the order
page and the form again.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.orders import business
from shopcms.orders.business_schemas import ConfirmVatSchema
from shopcms.orders.desk import personal
from shopcms.orders.resources import ERASED, Order
from shopcms.orders.views.manage_order import _page as order_page
from shopcms.tree.events import ObjectModified, notify
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import MANAGE_ORDERS

#: VIES's page where staff check a number (from their own browser).
VIES_URL = "https://ec.europa.eu/taxation_customs/vies/"
#: Where a refused confirmation form waits for the panel (a request attribute).
_FAILED = "shopcms_business_failed"


def confirm_form(request, order):
    """The "Confirm VAT number" form of ``order`` (id ``confirm-vat``)."""
    return make_form(
        request,
        ConfirmVatSchema,
        (Button("confirm", _("Confirm VAT number")),),
        "confirm-vat",
        action=request.manage_link(order, "confirm-vat"),
        css_class="confirm-vat",
    )


def desk_panel(request):
    """The layout value ``ui.business_buyer``: a function of an order giving the desk's
    panel values (``company``, ``vat``, ``status`` title, ``confirmed``, ``erased``, ``form``
    html or None, ``vies_url``), or None for a consumer's order."""

    def panel(order):
        if order.buyer_company is None and order.buyer_vat is None:
            return None
        form = None
        if business.can_confirm(order) and request.has_permission(MANAGE_ORDERS, order):
            form = getattr(request, _FAILED, None) or confirm_form(request, order).render()
        return {
            "company": personal(request, order.buyer_company),
            "vat": personal(request, order.buyer_vat) if order.buyer_vat else None,
            "status": business.status_title(order.buyer_vat_status),
            "confirmed": order.buyer_vat_status == business.CONFIRMED,
            "erased": order.buyer_vat == ERASED,
            "form": form,
            "vies_url": VIES_URL,
        }

    return panel


@view_config(
    context=Order,
    name="confirm-vat",
    request_method="POST",
    route_name="manage",
    permission=MANAGE_ORDERS,
    renderer=ERROR_TEMPLATE,
)
def confirm_vat(context, request):
    """Confirm the order's VAT number (see the module)."""
    problem = business.not_confirmable(context)
    if problem is not None:
        return refusal(request, problem, status=409)
    appstruct, failed = validate(request, confirm_form(request, context))
    if appstruct is None:
        setattr(request, _FAILED, failed)
        return order_page(request, context)
    business.confirm(context, request.authenticated_userid, request.now, appstruct["comment"])
    notify(ObjectModified(context), request.registry)
    notice(
        request,
        _(
            "The VAT number ${vat} of order ${number} is confirmed.",
            mapping={"vat": context.buyer_vat, "number": context.number},
        ),
    )
    return HTTPSeeOther(location=request.manage_link(context))
