"""Issuing the gift cards an order bought, when it is paid.

An order that enters the state ``paid`` (the order workflow's
``shopcms.workflow.AfterTransition``; the order is read duck-typed, ``content_type ==
"order"``, as the invoicing does: giftcards never import orders) gets, in that same
transaction, one card per unit of each of its gift card lines (``line["gift_card"]``, set
by the checkout's quote): its value the line's unit price, its code
``codes.derive(shopcms.secret, order number, index)`` (index 0, 1, ... over the order's
cards), valid for ``validity.expires`` from now, bought by the order's account (None: a
guest) in the order's language.  The folder remembers which cards an order issued
(``GiftCards.by_order``): an order paid again (a replayed webhook, a payment after a
refund) finds them and issues nothing.

In the same transaction the mail with the codes is queued as an intent (``giftcards.mail``):
the intent holds the order's number, the address and the language, never a code; the
composer derives the codes again when it sends the mail.  An order of gift cards alone has
nothing else to deliver: it goes on to ``delivered`` at once (``api.HAND_OVER``, as
``api.ACTOR``), so the order desk does not wait for a parcel that will never be sent.  This
subscriber is the last of the order's ``paid`` (the gift cards are the last capability
included), so the others (the invoice, the "payment received" mail) see it paid.
"""

import logging

from pyramid.threadlocal import get_current_registry

from shopcms.giftcards import codes, mail, validity
from shopcms.giftcards.api import ACTOR, HAND_OVER
from shopcms.web.clock import now

log = logging.getLogger(__name__)

PAID = "paid"


def gift_card_lines(order):
    """The lines of ``order`` that are gift cards."""
    return [line for line in order.lines if line.get("gift_card")]


def issue_for_order(site, registry, order, when, request=None):
    """Issue the cards of ``order`` (paid) unless it has them, and queue their mail; returns
    the cards issued now (none when the order has no gift card or had them already)."""
    lines = gift_card_lines(order)
    folder = site.get("giftcards")
    if not lines or folder is None:
        return []
    if folder.by_order is not None and order.number in folder.by_order:
        return []  # issued before: never twice
    secret = registry.settings["shopcms.secret"]
    expires = validity.expires(registry, when)
    cards, index = [], 0
    for line in lines:
        for _unit in range(int(line["qty"])):
            card, _code = folder.issue(
                line["unit_price"],
                expires,
                order=order.number,
                buyer=order.customer,
                lang=order.lang,
                now=when,
                code=codes.derive(secret, order.number, index),
                index=index,
                registry=registry,
            )
            cards.append(card)
            index += 1
    folder.record_issued(order.number, [card.__name__ for card in cards])
    mail.queue_cards(registry, site, order, request)
    log.info("%d gift card(s) issued for order %s", len(cards), order.number)
    return cards


def order_paid(event):
    """AfterTransition subscriber: an order that became paid gets its gift cards."""
    order = event.content
    if getattr(order, "content_type", None) != "order" or event.to_state.name != PAID:
        return
    request = getattr(event, "request", None)
    registry = request.registry if request is not None else get_current_registry()
    site = order.__parent__.__parent__
    if issue_for_order(site, registry, order, now(registry), request):
        hand_over(order)


def hand_over(order):
    """Deliver ``order`` (paid) if it holds gift cards alone: their mail is the delivery.
    True when it did; an order with anything to ship is left alone."""
    lines = order.lines
    if order.state != PAID or not lines or len(gift_card_lines(order)) != len(lines):
        return False
    order.transition(None, HAND_OVER, actor=ACTOR)
    return True
