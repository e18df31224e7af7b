"""Whether discount codes apply to a cart, and what they give: pure functions.

:func:`evaluate` takes the cart's lines (:class:`Line`: at Belgian consumer prices, VAT
included), the codes entered in order, a way to find a promotion by its code, the
customer's key (``resources.customer_key``) and the time, and returns an
:class:`Outcome`: the codes that apply (:class:`Applied`, each with its discount per line)
and the codes that do not (:class:`Refusal`, each with its reason).  Nothing is read from
the request and nothing is written: the cart page, every checkout step and the placing
transaction call it alike, so every summary shows what the order would be charged.

The checks, in this order, each with its reason (``REASONS``): the code is unknown; not
yet valid; expired; used up (its total uses taken); the customer used it as often as
allowed; the goods (before any discount) are under its minimum; no line of the cart is
one it applies to; it cannot be combined with a code already applied (either of the two
not combinable).

A gift card (``Line.gift_card``) is money in another form: no promotion, with a code or
automatic, applies to its line, and it does not count toward a code's minimum.

The discount of a line never exceeds what is left of it after the codes applied before;
it is rounded once per line, half up to the cent, as ``products.pricing`` rounds: a
percentage is taken of each line it applies to; a fixed amount is spread over those lines
in proportion to what is left of them, the last line taking the cents rounding left over,
so the lines add up to the amount exactly (or to the goods, when they are less).  Free
shipping gives no line a discount: the summary charges no shipping.  ``products.pricing``
then reduces each VAT rate's base and VAT with the lines' discounts.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shopcms.promotions.resources import (
    AMOUNT,
    CATEGORIES,
    FREE_SHIPPING,
    PERCENT,
    PRODUCTS,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

UNKNOWN = "unknown"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
USED_UP = "used_up"
CUSTOMER_LIMIT = "customer_limit"
UNDER_MINIMUM = "under_minimum"
NOTHING_APPLIES = "nothing_applies"
NOT_COMBINABLE = "not_combinable"
REASONS = (
    UNKNOWN,
    NOT_YET_VALID,
    EXPIRED,
    USED_UP,
    CUSTOMER_LIMIT,
    UNDER_MINIMUM,
    NOTHING_APPLIES,
    NOT_COMBINABLE,
)


@dataclass(frozen=True)
class Line:
    """A cart line as the rules see it: the product's ``pid`` and ``categories`` (names),
    the quantity, the unit price (VAT included, Belgian consumer price) and its VAT rate;
    ``gift_card``: the product is a gift card, which nothing reduces (see the module)."""

    pid: int
    qty: int
    unit_price: Decimal
    vat_rate: Decimal
    categories: tuple = ()
    gift_card: bool = False

    @property
    def total(self):
        return self.unit_price * self.qty


@dataclass(frozen=True)
class Applied:
    """A code that applies: its ``promotion``, ``code`` (as stored), ``names`` (per
    language), ``amounts`` (the discount of each line, in the lines' order) and
    ``free_shipping``.  ``products.pricing.charge`` takes it as a reduction."""

    promotion: object
    code: str
    names: dict
    amounts: tuple
    free_shipping: bool = False

    @property
    def amount(self):
        return sum(self.amounts, ZERO)

    @property
    def label(self):
        """What a summary keeps of it (``products.pricing.Reduced.label``): itself."""
        return self


@dataclass(frozen=True)
class Refusal:
    """A code that does not apply: the ``code`` as entered, the ``reason`` (``REASONS``)
    and what the message needs (``minimum``, ``moment``, ``other``: the code it cannot be
    combined with)."""

    code: str
    reason: str
    minimum: Decimal | None = None
    moment: object = None
    other: str | None = None


@dataclass(frozen=True)
class Outcome:
    applied: tuple = ()
    refused: tuple = ()

    @property
    def free_shipping(self):
        return any(a.free_shipping for a in self.applied)

    @property
    def discount(self):
        return sum((a.amount for a in self.applied), ZERO)

    def refusal(self, code):
        """The refusal of ``code`` (any case), or None."""
        return next((r for r in self.refused if r.code.upper() == code.upper()), None)


def applies_to(promotion, line):
    """Whether ``promotion`` applies to ``line`` (its scope and targets; never to a gift
    card's)."""
    if line.gift_card:
        return False
    if promotion.scope == CATEGORIES:
        return bool(set(line.categories) & set(promotion.targets))
    if promotion.scope == PRODUCTS:
        return line.pid in promotion.targets
    return True


def _round(amount):
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amounts(promotion, lines, left, excluded=frozenset()):
    """The discount of each line (see the module); ``left``: what is left of each line;
    ``excluded``: the lines it may not reduce (:func:`excluded_lines`)."""
    matching = [
        i for i, line in enumerate(lines) if i not in excluded and applies_to(promotion, line)
    ]
    amounts = [ZERO] * len(lines)
    if promotion.kind == PERCENT:
        for i in matching:
            amounts[i] = min(_round(left[i] * promotion.value / 100), left[i])
    elif promotion.kind == AMOUNT:
        base = sum((left[i] for i in matching), ZERO)
        wanted = min(Decimal(promotion.value), base)
        given = ZERO
        for position, i in enumerate(matching):
            if position == len(matching) - 1:
                amounts[i] = min(wanted - given, left[i])
            else:
                amounts[i] = min(_round(wanted * left[i] / base), left[i]) if base else ZERO
            given += amounts[i]
    return tuple(amounts)


def excluded_lines(promotion, automatic):
    """The lines an automatic reduction (``automatic``: ``rules.Applied``) reduced that
    ``promotion`` may not reduce too: unless both are combinable."""
    return frozenset(
        i
        for reduction in automatic
        if not (promotion.combinable and reduction.promotion.combinable)
        for i, amount in enumerate(reduction.amounts)
        if amount
    )


def check(promotion, code, lines, customer, now, applied, excluded=frozenset()):
    """The :class:`Refusal` of ``promotion`` (found by ``code``, or None) for ``lines``, or
    None when it applies; ``applied``: the codes applied before it; ``excluded``: the lines
    it may not reduce."""
    if promotion is None:
        return Refusal(code, UNKNOWN)
    if promotion.valid_from is not None and now < promotion.valid_from:
        return Refusal(code, NOT_YET_VALID, moment=promotion.valid_from)
    if promotion.valid_until is not None and now >= promotion.valid_until:
        return Refusal(code, EXPIRED, moment=promotion.valid_until)
    if promotion.total_uses is not None and promotion.used >= promotion.total_uses:
        return Refusal(code, USED_UP)
    limit = promotion.uses_per_customer
    if limit is not None and customer and promotion.used_by(customer) >= limit:
        return Refusal(code, CUSTOMER_LIMIT)
    goods = sum((line.total for line in lines if not line.gift_card), ZERO)
    if promotion.minimum is not None and goods < promotion.minimum:
        return Refusal(code, UNDER_MINIMUM, minimum=promotion.minimum)
    if not any(applies_to(promotion, ln) for i, ln in enumerate(lines) if i not in excluded):
        return Refusal(code, NOTHING_APPLIES)
    for other in applied:
        if not (promotion.combinable and other.promotion.combinable):
            return Refusal(code, NOT_COMBINABLE, other=other.code)
    return None


def evaluate(find, codes, lines, customer=None, now=None, automatic=()):
    """The :class:`Outcome` of ``codes`` (entered, in order) for ``lines`` (:class:`Line`);
    ``find(code)`` gives the promotion of a code or None; ``customer``: the customer's key
    or None (not known yet: the per-customer limit is checked once it is).  ``automatic``:
    the automatic promotions' reductions (``automatic.applied``), applied first; a code
    reduces a line one of them reduced only when both are combinable."""
    lines = tuple(lines)
    left = [line.total for line in lines]
    for reduction in automatic:
        left = [rest - amount for rest, amount in zip(left, reduction.amounts, strict=True)]
    applied, refused, seen = [], [], set()
    for code in (code.strip().upper() for code in codes):
        if code in seen:
            continue
        seen.add(code)
        promotion = find(code)
        excluded = excluded_lines(promotion, automatic) if promotion else frozenset()
        refusal = check(promotion, code, lines, customer, now, applied, excluded)
        if refusal is not None:
            refused.append(refusal)
            continue
        amounts = line_amounts(promotion, lines, left, excluded)
        left = [rest - amount for rest, amount in zip(left, amounts, strict=True)]
        applied.append(
            Applied(
                promotion,
                promotion.code,
                dict(promotion.names),
                amounts,
                free_shipping=promotion.kind == FREE_SHIPPING,
            )
        )
    return Outcome((*automatic, *applied), tuple(refused))
