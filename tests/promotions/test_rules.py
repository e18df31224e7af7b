"""The rules of discount codes, as pure functions: what a code gives each line (rounded
once per line, never more than is left of it), and free shipping through pricing."""

from datetime import UTC, datetime
from decimal import Decimal

from shopcms.products.pricing import charge
from shopcms.promotions import rules
from shopcms.promotions.resources import Promotion

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
D = Decimal


def promotion(code, kind="percent", value="10", **fields):
    made = Promotion(code)
    made.kind, made.value = kind, D(value) if value is not None else None
    for name, field in fields.items():
        setattr(made, name, field)
    return made


def outcome(promotions, codes, lines):
    found = {p.code: p for p in promotions}
    return rules.evaluate(lambda code: found.get(code.upper()), codes, lines, None, NOW)


LINES = (
    rules.Line(1, 3, D("7.95"), D("6"), ("cacti",)),  # 23.85
    rules.Line(2, 1, D("13.50"), D("21"), ("gifts",)),  # 13.50
    rules.Line(3, 2, D("0.05"), D("21"), ("gifts",)),  # 0.10
)


def test_a_percentage_is_rounded_once_per_line():
    (applied,) = outcome([promotion("TEN")], ["ten"], LINES).applied
    assert applied.amounts == (D("2.39"), D("1.35"), D("0.01"))


def test_an_amount_is_spread_in_proportion_and_adds_up_exactly():
    (applied,) = outcome([promotion("FIVE", "amount", "5.00")], ["FIVE"], LINES).applied
    assert sum(applied.amounts) == D("5.00")
    assert applied.amounts == (D("3.18"), D("1.80"), D("0.02"))


def test_an_amount_never_exceeds_the_goods_it_applies_to():
    gifts = promotion("BIG", "amount", "50", scope="categories", targets=("gifts",))
    (applied,) = outcome([gifts], ["BIG"], LINES).applied
    assert applied.amounts == (D("0.00"), D("13.50"), D("0.10"))


def test_two_combinable_codes_never_take_more_than_a_line():
    first = promotion("HALF", value="50", combinable=True)
    second = promotion("MORE", "amount", "30", combinable=True)
    result = outcome([first, second], ["HALF", "MORE"], LINES)
    assert [a.code for a in result.applied] == ["HALF", "MORE"]
    total = sum(line.total for line in LINES)
    assert result.discount == total  # 50 % and then the rest, all of it: nothing below 0


def test_free_shipping_makes_the_summary_ship_free():
    free = promotion("SHIP", "free_shipping", None)
    result = outcome([free], ["SHIP"], LINES)
    assert result.free_shipping and result.discount == 0
    items = [(line.unit_price, line.qty, line.vat_rate) for line in LINES]
    summary = charge({}, items, reductions=result.applied)
    assert summary.shipping == 0 and summary.left_for_free == 0
    assert summary.totals.total == D("37.45")
    assert charge({}, items).shipping == D("6.95")


def test_under_reverse_charge_the_discount_is_converted_like_the_price():
    from shopcms.products.pricing import REVERSE_CHARGE, Taxation

    line = rules.Line(1, 1, D("18.50"), D("6"), ("cacti",))
    (applied,) = outcome([promotion("TEN")], ["TEN"], [line]).applied
    assert applied.amounts == (D("1.85"),)
    summary = charge(
        {},
        [(line.unit_price, 1, line.vat_rate)],
        "standard",
        "NL",
        Taxation(REVERSE_CHARGE, "NL"),
        reductions=[applied],
    )
    # The net of 18.50 at 6 % is 17.45; of 1.85, 1.75; no VAT at all.
    assert summary.lines[0].total == D("17.45") and summary.lines[0].discount == D("1.75")
    assert summary.reductions[0].by_rate == ((D("0"), D("1.75")),)
    assert summary.totals.vat == 0
    assert summary.totals.total == D("17.45") - D("1.75") + summary.shipping
