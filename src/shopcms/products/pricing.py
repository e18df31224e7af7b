"""Money: Decimal euro, VAT included, one rounding rule written down once.

Consumer prices include VAT.  A line total is the unit price times the quantity (exact: no
rounding needed).  The VAT contained in an amount at rate r % is amount * r / (100 + r),
rounded half up to the cent; the VAT of a cart or an order is computed per rate on the sum
of the line totals at that rate, so rounding happens once per rate, never per unit.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


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
