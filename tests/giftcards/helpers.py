"""Shared by the gift card sale's tests: a cart of the seed's gift cards filled through the
product pages' forms, an order placed through the real checkout and paid."""

from tests.orders.test_checkout import add_to_cart, orders, place

CARD_25, CARD_50, CARD_100 = "gift-card-25", "gift-card-50", "gift-card-100"
PLANT = "echinocactus-grusonii"  # 18.50, 6 %, shipped


def buy(site, app, cart, lang="nl", **extra):
    """Place an order of ``cart`` (``{product name: qty}``) through the checkout; the
    order."""
    for name, qty in cart.items():
        add_to_cart(app, name, qty, lang)
    place(app, lang, **extra)
    return max(orders(site), key=lambda order: order.created)


def pay(site, number):
    """The order becomes paid (as a bank import or staff's "Mark paid" does)."""
    with site.edit() as root:
        root["orders"][number].transition(None, "pay", actor="system:test")


def issued(site, number):
    """``[(value, index, buyer, lang)]`` of the cards order ``number`` issued."""
    from shopcms.giftcards import api

    return site.read(
        lambda root: [(c.value, c.index, c.buyer, c.lang) for c in api.issued_for(root, number)]
    )
