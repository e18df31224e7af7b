"""The evolve steps of the gift cards (declared in ``shopcms.giftcards.includeme``)."""

from shopcms.giftcards import issuing
from shopcms.tree.content import content_types


def giftcards_folder(site, registry):
    """Generation 17: the site's ``giftcards`` folder (a new Site is given it at once)."""
    if "giftcards" not in site:
        site.add("giftcards", content_types(registry).create("giftcards"), registry=registry)


def cards_alone_delivered(site, registry):
    """Generation 18: the orders of gift cards alone that were paid before the hand-over
    existed (``issuing``) are delivered as those paid since are: their cards' mail went out
    when they were paid.  Through the order's own transition (the evolve runner makes the
    registry current: its subscribers reindex the order; a hand-over sends no mail)."""
    orders, folder = site.get("orders"), site.get("giftcards")
    if orders is None or folder is None or folder.by_order is None:
        return
    # The cards were issued (and mailed) for these: a paid order's number is in by_order.
    paid = [order for number in folder.by_order if (order := orders.get(number)) is not None]
    for order in paid:
        issuing.hand_over(order)
