"""The lines' net amounts add up to each rate's taxable base to the cent, the VAT of a
rate is rounded once, and a document's totals follow from its groups."""

from datetime import date
from decimal import Decimal

from shopcms.invoicing.document import (
    INVOICE,
    REVERSE_CHARGE,
    STANDARD,
    Document,
    Party,
    net_lines,
)

D = Decimal


def item(total, rate, quantity=1, category=STANDARD, sku="SKU"):
    return {
        "description": sku,
        "sku": sku,
        "quantity": quantity,
        "unit_price": D(total) / quantity,
        "total": D(total),
        "category": category,
        "rate": D(rate),
    }


def test_three_lines_whose_own_roundings_would_be_a_cent_off_add_up_to_the_base():
    # 3 x 0.10 at 21 %: each line alone has 0.02 VAT (0.08 net), the rate 0.05 VAT on 0.30.
    lines, groups = net_lines([item("0.10", 21, sku=f"S{i}") for i in range(3)])
    (group,) = groups
    assert (group.taxable, group.vat) == (D("0.25"), D("0.05"))
    assert sum(line.net for line in lines) == group.taxable
    assert [line.sku for line in lines] == ["S0", "S1", "S2"]  # the order's order


def test_groups_per_category_and_rate_highest_rate_first():
    lines, groups = net_lines(
        [item("12.10", 6), item("24.20", 21), item("100.00", 0, category=REVERSE_CHARGE)]
    )
    assert [(g.category, g.rate) for g in groups] == [
        (STANDARD, D(21)),
        (STANDARD, D(6)),
        (REVERSE_CHARGE, D(0)),
    ]
    assert groups[0].vat == D("4.20") and groups[0].taxable == D("20.00")
    assert groups[2].vat == D("0.00") and groups[2].taxable == D("100.00")
    assert [line.net for line in lines] == [D("11.42"), D("20.00"), D("100.00")]


def test_a_document_totals_follow_from_its_groups():
    lines, groups = net_lines([item("30.00", 21, quantity=3), item("6.95", 21, sku="SHIPPING")])
    party = Party("An", "Straat 1", "9000", "Gent", "BE")
    document = Document(
        kind=INVOICE,
        number="2026-000001",
        issued=date(2026, 12, 6),
        lang="nl",
        seller=party,
        buyer=party,
        order_number="2026-000001",
        lines=lines,
        groups=groups,
        paid=D("36.95"),
        payment_means="card",
        payment_reference="tr_1",
    )
    assert document.total == D("36.95") and document.payable == D("0.00")
    assert document.vat_total == D("6.41") and not document.reverse_charge
    assert lines[0].net_unit_price == D("8.2633")  # 24.79 / 3
