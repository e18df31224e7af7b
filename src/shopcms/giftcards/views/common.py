"""What the gift cards' pages show of a card, in the visitor's language.

Never the code: a card is shown by its last four characters (``•••• 8WHN``).  The public
balance page shows the movements without their orders (:func:`card_values` with
``orders=False``): whoever holds a card's code may read its balance, not what the buyer or
anyone else ordered with it.
"""

from shopcms.giftcards.resources import GIVEN_BACK, ISSUED, SPENT
from shopcms.web.i18n import _

#: What a card shows of its code: a mask and its last four characters.
MASK = "•••• "

KIND_TITLES = {
    ISSUED: _("Issued"),
    SPENT: _("Spent"),
    GIVEN_BACK: _("Given back"),
}


def masked(card):
    """``•••• 8WHN``: how every page names a card."""
    return MASK + card.last4


def card_values(request, card, orders=False):
    """The card's values for a template: ``masked``, ``value``, ``remaining``,
    ``expires`` (a datetime: templates format it in the visitor's language), ``expired``
    (at the request's time) and ``movements``, newest first, each a dict of ``when``,
    ``kind``, ``title`` and ``amount`` (positive: the title says which way), with
    ``order`` (its number, or None) only when ``orders`` is true (the desk)."""
    movements = []
    for when, kind, amount, order in reversed(card.movements):
        movement = {"when": when, "kind": kind, "title": KIND_TITLES.get(kind, kind)}
        movement["amount"] = abs(amount)
        if orders:
            movement["order"] = order
        movements.append(movement)
    return {
        "card": card,
        "masked": masked(card),
        "value": card.value,
        "remaining": card.remaining,
        "expires": card.expires,
        "expired": card.expired(request.now),
        "movements": movements,
    }
