"""What Mollie's word about a payment means for an order.

Mollie's statuses: ``open`` (the customer may still pay on Mollie's page), ``pending`` and
``authorized`` (:data:`IN_PROGRESS`: it may become paid without the customer doing
anything), ``paid``, and the final ``failed``, ``canceled`` and ``expired``
(:data:`UNPAID`).  Only what the shop fetched from Mollie itself is believed, never what a
request claims.

Contract of :func:`settle`: an order is marked paid (transition ``pay`` by
:data:`ACTOR`, the payment id in the comment) once, and only for a payment of its own,
``paid``, for its total in euro, with its number in the metadata, while it is placed.
"""

import logging

from shopcms.orders.payments.mollie.client import PAYMENT_ID, euros
from shopcms.orders.workflow import PLACED

log = logging.getLogger(__name__)

#: Who marks an order paid when Mollie says so (in the order's history).
ACTOR = "system:mollie"
#: Statuses of a payment that may still become paid without the customer doing anything.
IN_PROGRESS = ("pending", "authorized")
#: Statuses of a payment that will never be paid.
UNPAID = ("failed", "canceled", "expired")


def _same_amount(payment, order):
    reported = euros(payment.amount)
    return reported is not None and reported == order.due  # what Mollie was asked


def paid_with(order):
    """The id of the Mollie payment that marked ``order`` paid, or None (not paid, or
    marked paid by staff)."""
    for entry in order.workflow_history:
        if entry.transition == "pay" and entry.actor == ACTOR:
            for word in entry.comment.split():
                if PAYMENT_ID.fullmatch(word) and word in order.payment_ids:
                    return word
    return None


def settle(order, payment):
    """Apply what Mollie says about ``payment`` (fetched from Mollie) to ``order``.

    Returns True when it marked the order paid (see the module).  Anything else changes
    nothing: another status, an order already paid (a repeated webhook), or a mismatch,
    which is logged for staff to look at.
    """
    if payment.id not in order.payment_ids:
        log.warning("Mollie: payment %s is not one of order %s's", payment.id, order.number)
        return False
    if payment.status != "paid":
        return False
    metadata = payment.metadata if isinstance(payment.metadata, dict) else {}
    if metadata.get("order") != order.number or not _same_amount(payment, order):
        log.warning(
            "Mollie: payment %s is paid but does not match order %s (amount or metadata); "
            "not marked paid",
            payment.id,
            order.number,
        )
        return False
    if order.state != PLACED:
        if paid_with(order) != payment.id:
            # Paid after a cancellation, or a second payment for one order: staff refund it.
            log.warning(
                "Mollie: payment %s is paid but order %s is %s already",
                payment.id,
                order.number,
                order.state,
            )
        return False
    order.transition(None, "pay", comment=f"Mollie payment {payment.id}", actor=ACTOR)
    log.info("Mollie: order %s paid (payment %s)", order.number, payment.id)
    return True
