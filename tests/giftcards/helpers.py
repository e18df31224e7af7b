"""Shared by the gift cards' tests: cards issued as the shop issues them."""

from decimal import Decimal

from shopcms.giftcards import api, validity
from shopcms.web.clock import now


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
