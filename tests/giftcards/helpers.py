"""Shared by the gift card payment tests: a card issued as the shop issues one."""

from decimal import Decimal

from shopcms.giftcards import validity
from shopcms.web.clock import now


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
