"""Invoices and credit notes built the way the invoicing builds them (``net_lines``), for
the UBL and OSS tests: a Belgian consumer (21 % and 6 %, shipping), a Dutch business under
reverse charge, a French consumer under OSS (20 % and 5.5 %), and their credit notes."""

from datetime import date
from decimal import Decimal

from shopcms.invoicing.document import (
    CREDIT_NOTE,
    INVOICE,
    REVERSE_CHARGE,
    SHIPPING_SKU,
    STANDARD,
    Document,
    Party,
    net_lines,
)

D = Decimal

SELLER = Party(
    name="onto object bvba",
    street="Veldstraat 1",
    postcode="9000",
    city="Gent",
    country="BE",
    vat_number="BE0123456749",
    enterprise_number="0123456749",
    email="info@softcactus.be",
    phone="+32 9 123 45 67",
    iban="BE71 0961 2345 6769",
    bic="GKCCBEBB",
)

BELGIAN_CONSUMER = Party(
    name="An Peeters",
    street="Kerkstraat 12",
    postcode="2000",
    city="Antwerpen",
    country="BE",
    email="an@example.be",
)
DUTCH_BUSINESS = Party(
    name="Joost de Vries",
    company="Koffie & Co B.V.",
    street="Damrak 5",
    postcode="1012 LG",
    city="Amsterdam",
    country="NL",
    vat_number="NL004495445B01",
    email="inkoop@koffie.example",
)
BELGIAN_BUSINESS = Party(
    name="Els Claes",
    company="Brouwerij Claes bv",
    street="Markt 3",
    postcode="3000",
    city="Leuven",
    country="BE",
    vat_number="BE0403019261",
    email="boekhouding@claes.example",
    phone="+32 16 12 34 56",
)
FRENCH_CONSUMER = Party(
    name="Camille Martin",
    street="12 rue de Rivoli",
    postcode="75004",
    city="Paris",
    country="FR",
    email="camille@example.fr",
)


def item(description, sku, quantity, unit_price, rate, category=STANDARD):
    unit_price = D(unit_price)
    return {
        "description": description,
        "sku": sku,
        "quantity": quantity,
        "unit_price": unit_price,
        "total": unit_price * quantity,
        "category": category,
        "rate": D(rate),
    }


def shipping(cost, rate, category=STANDARD):
    return item("Shipping", SHIPPING_SKU, 1, cost, rate, category)


ORDERS = {
    # name: (buyer, items, payment means, payment reference, order number)
    "be-consumer": (
        BELGIAN_CONSUMER,
        [
            item("Mug café", "MUG-CAFE", 2, "12.50", 21),
            item("Cookbook", "BOOK-01", 1, "18.00", 6),
            item("Tea towel", "TOWEL-2", 3, "4.99", 21),
            shipping("6.95", 21),
        ],
        "transfer",
        "+++260/0000/04214+++",
        "2026-000042",
    ),
    "be-business": (
        BELGIAN_BUSINESS,
        [
            # 150 at 0.35: the net unit price to four decimals does not give the net back.
            item("Sugar stick", "SUGAR-1", 150, "0.35", 21),
            item("Cookbook", "BOOK-01", 2, "18.00", 6),
            shipping("0.00", 21),
        ],
        "transfer",
        "+++260/0000/04315+++",
        "2026-000043",
    ),
    "nl-reverse-charge": (
        DUTCH_BUSINESS,
        [
            item("Mug café", "MUG-CAFE", 12, "10.33", 0, REVERSE_CHARGE),
            item("Cookbook", "BOOK-01", 5, "16.98", 0, REVERSE_CHARGE),
            shipping("5.74", 0, REVERSE_CHARGE),
        ],
        "card",
        "tr_WDqYK6vllg",
        "2026-000044",
    ),
    "fr-oss": (
        FRENCH_CONSUMER,
        [
            item("Teapot", "TEAPOT-1", 1, "24.00", 20),
            item("Cookbook", "BOOK-01", 3, "7.39", "5.5"),
            shipping("7.95", 20),
        ],
        "card",
        "tr_7UhSN1zuXS",
        "2026-000045",
    ),
}


def invoice(name, number="2026-000101", issued=date(2026, 11, 3)):
    buyer, items, means, reference, order = ORDERS[name]
    lines, groups = net_lines(items)
    total = sum((g.taxable + g.vat for g in groups), D("0.00"))
    return Document(
        kind=INVOICE,
        number=number,
        issued=issued,
        lang="nl",
        seller=SELLER,
        buyer=buyer,
        order_number=order,
        lines=lines,
        groups=groups,
        paid=total,
        payment_means=means,
        payment_reference=reference,
    )


def credit_note(
    name,
    partial=False,
    number="2026-C00007",
    issued=date(2026, 11, 20),
    invoice_number="2026-000101",
    invoice_date=date(2026, 11, 3),
):
    """The full credit note of ``name``'s invoice, or a partial one: one unit of its first
    line, shipping kept."""
    buyer, items, means, reference, order = ORDERS[name]
    if partial:
        first = items[0]
        items = [dict(first, quantity=1, total=first["unit_price"])]
    lines, groups = net_lines(items)
    total = sum((g.taxable + g.vat for g in groups), D("0.00"))
    return Document(
        kind=CREDIT_NOTE,
        number=number,
        issued=issued,
        lang="nl",
        seller=SELLER,
        buyer=buyer,
        order_number=order,
        lines=lines,
        groups=groups,
        paid=total,
        payment_means=means,
        payment_reference=reference,
        refers_to=invoice_number,
        refers_to_date=invoice_date,
        note="Returned within the withdrawal period.",
    )
