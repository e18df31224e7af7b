"""Paying an order with a gift card alone (``shopcms.orders.gift_cards``).

The checkout sets this method on an order whose gift card pays its whole total, whatever
method the customer chose: nothing is left to pay, so :meth:`GiftCardPayment.start` marks
the order paid at once (actor :data:`ACTOR`).  It is in the catalogue (``method_of`` finds
it for refunds) but never offered: ``shopcms.payments`` cannot name it.  It pays nothing
back: what a refund gives back goes on the card (``orders.gift_cards.refund_split``).
"""

from shopcms.orders.gift_cards import METHOD
from shopcms.orders.payments import PaymentMethod, register
from shopcms.web.i18n import _

#: Who marks an order paid by a gift card alone (in the order's history).
ACTOR = "system:giftcard"


class GiftCardPayment(PaymentMethod):
    """The whole order paid with a gift card (see the module)."""

    name = METHOD
    title = _("Gift card")

    def check_settings(self, settings):
        raise ValueError("shopcms.payments: the gift card is not offered, the checkout sets it")

    def start(self, request, order, *, saved=None, keep_for=None):
        order.transition(None, "pay", comment="gift card", actor=ACTOR)
        return None


def includeme(config):
    register(config, GiftCardPayment())
    config.add_actor_title(ACTOR, _("Gift card (paid in full)"))
