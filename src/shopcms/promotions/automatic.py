"""Automatic promotions: a percentage or an amount off each unit of the products they
concern, between two moments, without any code (``resources``: keyed ``auto.N``).

Pure functions over the promotions and a :class:`~shopcms.promotions.rules.Line`:
:func:`offer` is what a product page and a listing show (the best active promotion of the
product, the reduction of its unit price), :func:`next_change` when that changes by itself
(the next start or end of a promotion that concerns it: the page cache keeps the page until
then), :func:`applied` what a cart gets (each line reduced by its offer, grouped per
promotion as the codes' ``rules.Applied``, so ``products.pricing.charge`` reduces each VAT
rate's base and VAT alike).  A line gets one automatic promotion, the one that takes the
most off its unit price; a unit's reduction is rounded once, half up to the cent, and never
exceeds its price, so the cart charges exactly what the pages show.
"""

from dataclasses import dataclass
from decimal import Decimal

from shopcms.promotions.resources import AMOUNT, PERCENT
from shopcms.promotions.rules import ZERO, Applied, _round, applies_to


@dataclass(frozen=True)
class Offer:
    """An automatic ``promotion``'s reduction of one unit (``reduction``, VAT included)."""

    promotion: object
    reduction: Decimal

    @property
    def names(self):
        return dict(self.promotion.names)

    @property
    def start(self):
        """When the reduction started (the Omnibus reference is the 30 days before)."""
        return self.promotion.valid_from


def active(promotion, now):
    """Whether ``promotion`` is in force at ``now``."""
    return (promotion.valid_from is None or promotion.valid_from <= now) and (
        promotion.valid_until is None or now < promotion.valid_until
    )


def unit_reduction(promotion, unit_price):
    """What ``promotion`` takes off one unit priced ``unit_price``."""
    if promotion.kind == PERCENT:
        return min(_round(unit_price * promotion.value / 100), unit_price)
    if promotion.kind == AMOUNT:
        return min(Decimal(promotion.value), unit_price)
    return ZERO


def offer(promotions, line, now):
    """The :class:`Offer` for ``line``'s product at ``now`` (the best), or None."""
    offers = [
        Offer(promotion, unit_reduction(promotion, line.unit_price))
        for promotion in promotions
        if active(promotion, now) and applies_to(promotion, line)
    ]
    best = max(offers, key=lambda o: o.reduction, default=None)
    return best if best is not None and best.reduction > 0 else None


def next_change(promotions, line, now):
    """The next moment after ``now`` a promotion concerning ``line`` (any line: None)
    starts or ends, or None."""
    moments = [
        moment
        for promotion in promotions
        if line is None or applies_to(promotion, line)
        for moment in (promotion.valid_from, promotion.valid_until)
        if moment is not None and moment > now
    ]
    return min(moments, default=None)


def applied(promotions, lines, now):
    """The automatic reductions of ``lines``: a ``rules.Applied`` per promotion (its
    ``code`` empty), with the discount of each line (its offer times the quantity)."""
    found = {}
    for i, line in enumerate(lines):
        best = offer(promotions, line, now)
        if best is not None:
            amounts = found.setdefault(id(best.promotion), (best.promotion, [ZERO] * len(lines)))
            amounts[1][i] = best.reduction * line.qty
    return tuple(
        Applied(promotion, "", dict(promotion.names), tuple(amounts))
        for promotion, amounts in found.values()
    )
