"""The price history of a product, for the EU Omnibus rule on price reductions.

A reduction is announced against the lowest price of the 30 days before it (Directive
98/6/EC art. 6a, as amended by the Omnibus directive): :func:`lowest_before`.  So every
change of a product's price (``Product.set_price``, by any path) is recorded with its
moment, from the shop clock (``shopcms.web.clock``: tests move it), in a
:class:`PriceHistory` of the product's own: a record apart from the product, so pages that
show no reduction never load it.

No evolve step: a product stored before the history has none and its current price is its
whole history (:func:`lowest_before` falls back to it); its first change records the price
it had before as in force since ever (:data:`SINCE_EVER`), then the new one.
"""

from datetime import UTC, datetime, timedelta

from persistent import Persistent
from pyramid.threadlocal import get_current_registry

from shopcms.web.clock import system_clock

#: The moment of a price known to be in force, but not since when (see the module).
SINCE_EVER = datetime(1970, 1, 1, tzinfo=UTC)
#: How long changes are kept: the 30 days of the rule, with a good margin for a promotion
#: planned ahead (its reference is the 30 days before its start).
KEPT = timedelta(days=400)


class PriceHistory(Persistent):
    """``changes``: a tuple of ``(moment, price)``, oldest first (prices VAT included).

    A tuple replaced at each change: the record is written only when the price changes."""

    def __init__(self):
        self.changes = ()

    def add(self, moment, price):
        """Record that ``price`` is in force from ``moment``; changes older than
        :data:`KEPT` are dropped, except the one still in force at that horizon."""
        if self.changes and self.changes[-1][1] == price:
            return
        changes = [*self.changes, (moment, price)]
        horizon = moment - KEPT
        while len(changes) > 1 and changes[1][0] <= horizon:
            changes.pop(0)
        self.changes = tuple(changes)


def shop_now(registry=None):
    """The shop clock's time (the current registry's when none is given; the system's
    clock where no shop is configured, e.g. a script building products)."""
    registry = registry or get_current_registry()
    return getattr(registry, "shopcms_clock", system_clock)()


def record(product, price, registry=None):
    """Record that ``product``'s price becomes ``price`` now (call before setting it: the
    history is made on the first change, with the price replaced, if any, as in force
    :data:`SINCE_EVER`)."""
    history = product.__dict__.get("price_history")
    if history is None:
        history = product.price_history = PriceHistory()
        previous = product.__dict__.get("price")
        if previous is not None:
            history.add(SINCE_EVER, previous)
    history.add(shop_now(registry), price)


def lowest_before(product, moment, days=30):
    """The lowest price ``product`` had at any time in the ``days`` before ``moment``
    (the price in force at the window's start counts); its current price when its history
    says nothing of that time (no history, or a product made since)."""
    history = product.__dict__.get("price_history")
    if history is None:
        return product.price
    start = moment - timedelta(days=days)
    prices = []
    for when, price in history.changes:
        if when >= moment:
            break
        if when <= start:
            prices = [price]  # in force at the window's start (so far)
        else:
            prices.append(price)
    return min(prices) if prices else product.price
