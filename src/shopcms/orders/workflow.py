"""The order workflow: its states and transitions (``shopcms.workflow``).

placed -> paid -> shipped -> delivered; placed -> cancelled; paid, shipped or delivered ->
refunded.  An order of gift cards alone has nothing to ship: the mail that brings the cards
delivers it, so the system moves it from paid to delivered (:data:`HAND_OVER`, done by
``giftcards.issuing``; no person may, so no page offers it).  What a transition does
besides (stock, codes and cards given back) is ``Order.transition``'s.
"""

from shopcms.giftcards.api import HAND_OVER
from shopcms.web import security
from shopcms.web.i18n import _
from shopcms.workflow import State, Transition, Workflow

PLACED, PAID, SHIPPED, DELIVERED = "placed", "paid", "shipped", "delivered"
CANCELLED, REFUNDED = "cancelled", "refunded"

ORDER_WORKFLOW = Workflow(
    "order",
    states=[
        State(PLACED, _("Placed")),
        State(PAID, _("Paid")),
        State(SHIPPED, _("Shipped")),
        State(DELIVERED, _("Delivered")),
        State(CANCELLED, _("Cancelled")),
        State(REFUNDED, _("Refunded")),
    ],
    transitions=[
        Transition("pay", (PLACED,), PAID, security.MANAGE_ORDERS, _("Mark paid")),
        Transition("ship", (PAID,), SHIPPED, security.MANAGE_ORDERS, _("Mark shipped")),
        Transition("deliver", (SHIPPED,), DELIVERED, security.MANAGE_ORDERS, _("Mark delivered")),
        # Nothing to ship (gift cards alone): delivered by their mail (giftcards.issuing).
        Transition(HAND_OVER, (PAID,), DELIVERED, security.SYSTEM_ONLY, _("Sent by e-mail")),
        Transition("cancel", (PLACED,), CANCELLED, security.MANAGE_ORDERS, _("Cancel")),
        Transition(
            "refund", (PAID, SHIPPED, DELIVERED), REFUNDED, security.REFUND_ORDERS, _("Refund")
        ),
    ],
    initial=PLACED,
)


def state_title(name):
    """The title of the order state ``name`` (a TranslationString), or ``name``."""
    try:
        return ORDER_WORKFLOW.get_state(name).title
    except KeyError:
        return name
