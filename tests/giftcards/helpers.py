"""Shared by the gift card tests: a card issued as the shop issues one; a cart of the
seed's gift cards filled through the product pages' forms, an order placed through the
real checkout and paid."""

from decimal import Decimal

from shopcms.giftcards import api, validity
from shopcms.web.clock import now
from tests.orders.test_checkout import add_to_cart, orders, place

CARD_25, CARD_50, CARD_100 = "gift-card-25", "gift-card-50", "gift-card-100"
PLANT = "echinocactus-grusonii"  # 18.50, 6 %, shipped


def make_card(site, value="50.00", when=None):
    """A new card of ``value``: ``(key, code)``."""
    with site.edit() as root:
        issued = when or now(site.registry)
        card, code = root["giftcards"].issue(
            Decimal(value),
            validity.expires(site.registry, issued),
            order="2026-000001",
            buyer=None,
            lang="nl",
            now=issued,
        )
        return card.__name__, code


def balance(site, key):
    return site.read(lambda root: root["giftcards"][key].remaining)


def text(page, selector):
    """The text of what ``selector`` finds, no-break spaces as spaces."""
    found = " ".join(node.get_text(" ", strip=True) for node in page.html.select(selector))
    return found.replace("\xa0", " ")


def buy(site, app, cart, lang="nl", **extra):
    """Place an order of ``cart`` (``{product name: qty}``) through the checkout; the
    order."""
    before = {order.number for order in orders(site)}
    for name, qty in cart.items():
        add_to_cart(app, name, qty, lang)
    place(app, lang, **extra)
    # The one order placed now (dates are kept to the second: two orders can share one).
    (order,) = [order for order in orders(site) if order.number not in before]
    return order


def pay(site, number):
    """The order becomes paid (as a bank import or staff's "Mark paid" does)."""
    with site.edit() as root:
        root["orders"][number].transition(None, "pay", actor="system:test")


def issued(site, number):
    """``[(value, index, buyer, lang)]`` of the cards order ``number`` issued."""
    return site.read(
        lambda root: [(c.value, c.index, c.buyer, c.lang) for c in api.issued_for(root, number)]
    )


def issue(site, value="50.00", when=None, order="2026-000001", buyer=None, lang="nl"):
    """A new card of ``value`` bought with ``order`` (by account ``buyer``): its code."""
    when = when or now(site.registry)
    with site.edit() as root:
        _card, code = root["giftcards"].issue(
            Decimal(value),
            validity.expires(site.registry, when),
            order=order,
            buyer=buyer,
            lang=lang,
            now=when,
        )
    return code


def spend(site, code, amount, order, when=None):
    """Spend ``amount`` of the card ``code`` for ``order``, as the checkout does."""
    with site.edit() as root:
        api.spend(root, code, Decimal(amount), order, when or now(site.registry))
