"""The gift cards' side of the privacy statement (purpose ``gift_cards``).

A card keeps who bought it (``buyer``: the account, None for a guest) and with which order
(``order``: its number); the folder indexes the cards by buyer (``by_buyer``).  The code is
never kept (``codes``).

- **Export** (an account's): the cards it bought, each with the last four characters of its
  code, its value, what is left on it, its last valid moment and the order.
- **Erasure**: the buyer is forgotten (``card.buyer`` None, the account's ``by_buyer``
  entry deleted); the card itself stays, with its balance and order number: it is money
  that someone (the person it was given to) may still hold and spend.  A guest's cards name
  no person, only the order, whose own erasure takes the personal data out of it.
"""

from shopcms.privacy.contributors import Contributor, add_contributor
from shopcms.web.i18n import _

#: The names of the exported fields on the readable export page.
LABELS = {
    "last4": _("Code ending in"),
    "value": _("Value"),
    "remaining": _("Left on the card"),
    "expires": _("Valid until"),
    "order": _("Order"),
}


def _bought(root, account):
    folder = root.get("giftcards")
    return folder.of_buyer(account.__name__) if folder is not None else []


def export_account(root, account):
    found = [
        {
            "last4": card.last4,
            "value": card.value,
            "remaining": card.remaining,
            "expires": card.expires,
            "order": card.order,
        }
        for card in _bought(root, account)
    ]
    return found or None


def erase_account(root, account, now, registry, options=frozenset()):
    """Forget that the account bought its cards; the report's line (no personal value)."""
    cards = _bought(root, account)
    for card in cards:
        card.buyer = None
    folder = root.get("giftcards")
    if folder is not None:
        folder.by_buyer.pop(account.__name__, None)
    return f"gift cards: the buyer of {len(cards)} card(s) forgotten" if cards else None


def includeme(config):
    add_contributor(
        config.registry,
        Contributor(
            "gift_cards_bought",
            _("Gift cards bought"),
            export=export_account,
            erase=erase_account,
            labels=LABELS,
        ),
    )
