"""The gift cards desk's rules (``/{lang}/manage/giftcards/``, its views in
``views.desk``): the cards newest first, in pages of :data:`PER_PAGE`, and finding one
card by its full code.

The desk is the order desk's (``MANAGE_ORDERS``: the order desk and administrators): a
card is money a customer paid for, bought with an order and spent on others, and the
order desk is who answers a customer about it.  Editors (products, promotions) do not
see it.  Nothing here writes.
"""

import math
from dataclasses import dataclass

from shopcms.web.security import MANAGE_ORDERS

PER_PAGE = 50
#: Who works the desk (see the module).
PERMISSION = MANAGE_ORDERS
#: Where the desk's sidebar lists it: after the orders (30), invoices and OSS (31, 32).
ORDER = 33


@dataclass(frozen=True)
class Listed:
    """One page of the list: ``cards`` (newest first), ``page`` (from 1), ``pages`` and
    ``total`` (of all cards)."""

    cards: tuple
    page: int
    pages: int
    total: int


def newest_first(folder):
    """Every card of ``folder``, newest first (by the moment it was issued)."""
    return sorted(folder.values(), key=lambda card: (card.created, card.__name__), reverse=True)


def list_page(folder, page):
    """Page ``page`` of the cards (a page past the last shows the last)."""
    cards = newest_first(folder)
    pages = max(math.ceil(len(cards) / PER_PAGE), 1)
    page = min(max(page, 1), pages)
    start = (page - 1) * PER_PAGE
    return Listed(tuple(cards[start : start + PER_PAGE]), page, pages, len(cards))
