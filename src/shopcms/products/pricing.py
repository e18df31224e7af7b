"""Money: Decimal euro, VAT included, one rounding rule written down once.

Consumer prices include VAT.  A line total is the unit price times the quantity (exact: no
rounding needed).  The VAT contained in an amount at rate r % is amount * r / (100 + r),
rounded half up to the cent; the VAT of a cart or an order is computed per rate on the sum
of the line totals at that rate, so rounding happens once per rate, never per unit.

Shipping (:func:`shipping_cost`): ``standard`` costs ``shopcms.shipping.standard`` (default
6.95) and is free from ``shopcms.shipping.free_from`` (default 50.00, on the goods total);
``express`` costs ``shopcms.shipping.express`` (default 12.95).  Shipping follows the goods
for VAT: it is charged at the highest VAT rate among the lines (Belgian practice for mixed
supplies, the simple and safe side).  :func:`summary` puts goods and shipping together: the
cart page, the checkout and the order show what it gives, so every summary of the shop
adds up the same way.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shopcms.web.i18n import _

CENT = Decimal("0.01")

#: The shipping methods the shop offers, by name, with their titles.
SHIPPING_METHODS = {
    "standard": _("Standard delivery (2 to 4 working days)"),
    "express": _("Express delivery (next working day)"),
}


def vat_included(amount, rate):
    """The VAT contained in ``amount`` (VAT included) at ``rate`` percent."""
    return (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    total: Decimal
    vat_by_rate: tuple  # ((rate, vat), ...) highest rate first, only rates present

    @property
    def vat(self):
        return sum((vat for _rate, vat in self.vat_by_rate), Decimal("0.00"))


def totals(lines):
    """Totals of ``lines``: pairs ``(line_total, vat_rate)``."""
    by_rate = defaultdict(lambda: Decimal("0.00"))
    for amount, rate in lines:
        by_rate[rate] += amount
    total = sum(by_rate.values(), Decimal("0.00"))
    vat = tuple(
        (rate, vat_included(amount, rate)) for rate, amount in sorted(by_rate.items(), reverse=True)
    )
    return Totals(total, vat)


def _setting(settings, name, default):
    return Decimal(str(settings.get(f"shopcms.shipping.{name}", default))).quantize(CENT)


def free_delivery_from(settings):
    """The goods total from which standard delivery is free."""
    return _setting(settings, "free_from", "50.00")


def shipping_cost(settings, method, goods_total):
    """What shipping ``method`` costs for goods of ``goods_total``; ValueError for a method
    the shop does not offer."""
    if method not in SHIPPING_METHODS:
        raise ValueError(f"unknown shipping method {method!r}")
    if method == "standard":
        if goods_total >= free_delivery_from(settings):
            return Decimal("0.00")
        return _setting(settings, "standard", "6.95")
    return _setting(settings, "express", "12.95")


@dataclass(frozen=True)
class Summary:
    """What lines of goods cost shipped by ``method``: ``goods`` (their total),
    ``shipping`` (its cost) at ``shipping_rate``, ``totals`` (all of it, VAT per rate) and
    ``left_for_free`` (how much more goods make standard delivery free; 0 once they do)."""

    method: str
    goods: Decimal
    shipping: Decimal
    shipping_rate: Decimal
    totals: Totals
    left_for_free: Decimal


def summary(settings, lines, method="standard"):
    """The :class:`Summary` of ``lines`` (pairs ``(line_total, vat_rate)``, at least one)
    shipped by ``method``."""
    lines = list(lines)
    goods = sum((amount for amount, _rate in lines), Decimal("0.00"))
    rate = max(rate for _amount, rate in lines)
    cost = shipping_cost(settings, method, goods)
    return Summary(
        method=method,
        goods=goods,
        shipping=cost,
        shipping_rate=rate,
        totals=totals([*lines, (cost, rate)]),
        left_for_free=max(free_delivery_from(settings) - goods, Decimal("0.00")),
    )
