"""Issuing invoices and credit notes: one invoice per paid order, in its own gapless
series, built from the order as it was sold; credit notes for refunds referring to it."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

from shopcms.invoicing import api, issuing
from shopcms.invoicing.document import REVERSE_CHARGE, SHIPPING_SKU, STANDARD
from shopcms.invoicing.folder import invoices_folder
from shopcms.orders import api as orders
from tests.factories import make_order


def refund_record(
    id, when, lines, shipping, total, reason="", means="provider", reference="re_test"
):
    """A refund record as the refund form makes one (``orders.api.Refund``)."""
    return orders.Refund(
        id=id,
        when=when,
        lines=lines,
        shipping=shipping,
        total=total,
        reason=reason,
        means=means,
        reference=reference,
        actor="system:test",
    )


def refunded_event(order, refund, request=None):
    """The event the refund form notifies (``orders.api.OrderRefunded``)."""
    return orders.OrderRefunded(order, refund, request)


def year():
    return datetime.now(UTC).year


def test_a_paid_order_gets_one_invoice_numbered_in_its_series(site):
    with site.edit() as root:
        first = make_order(root, state="paid", items=(("mug-cafe", 2),))
        second = make_order(root, state="paid")
        placed = make_order(root)
    with site.edit() as root:
        invoice = api.invoice_of(root, first.number)
        assert invoice.number == f"F{year()}-000001"
        assert api.invoice_of(root, second.number).number == f"F{year()}-000002"
        assert api.invoice_of(root, placed.number) is None
        document = invoice.document
        order = root["orders"][first.number]
        assert document.order_number == order.number
        assert document.lang == "nl"
        assert document.total == order.total
        assert document.paid == order.total and document.payable == 0
        assert document.vat_total == order.vat
        goods = [line for line in document.lines if line.sku != SHIPPING_SKU]
        assert [(line.quantity, line.total) for line in goods] == [(2, order.lines[0]["total"])]
        assert all(g.category == STANDARD for g in document.groups)
        assert document.seller.vat_number == "BE0403170701"  # tests/conftest.py
        assert document.seller.enterprise_number == "0403170701"
        assert document.seller.iban == "BE71096123456769"
        assert document.buyer.name == "Jan Peeters"
        assert document.buyer.street == "Kerkstraat 1"
        assert document.payment_means == "transfer"


def test_paying_again_issues_nothing_more(site):
    with site.edit() as root:
        order = make_order(root, state="paid")
        again = issuing.issue_invoice(order, site.registry)
        assert again is api.invoice_of(root, order.number)
        assert len(invoices_folder(root, None)) == 1


def test_shipping_is_a_line_of_its_own(site):
    with site.edit() as root:
        order = make_order(root, state="paid")
        assert order.shipping["cost"] > 0
        lines = api.invoice_of(root, order.number).document.lines
        shipping = [line for line in lines if line.sku == SHIPPING_SKU]
        assert [line.total for line in shipping] == [order.shipping["cost"]]
        assert shipping[0].description  # the method's title in Dutch


def test_reverse_charge_business_buyer(site):
    with site.edit() as root:
        order = make_order(root, delivery={"country": "NL", "postcode": "1012 AB"})
        # What helpers "business" and "vat" set on such an order (class defaults here).
        order.buyer_company = "Klein Handel B.V."
        order.buyer_vat = "NL123456789B01"
        order.vat_scheme = "reverse_charge"
        order.vat_country = "NL"
        order.transition(None, "pay", actor="system:test")
        document = api.invoice_of(root, order.number).document
        assert document.reverse_charge
        assert {(g.category, g.rate) for g in document.groups} == {(REVERSE_CHARGE, 0)}
        assert document.buyer.company == "Klein Handel B.V."
        assert document.buyer.vat_number == "NL123456789B01"
        assert document.buyer.country == "NL"


def test_no_invoice_without_the_company_details(site, caplog):
    site.registry.shopcms_company = None
    site.registry.settings["shopcms.company.vat"] = ""
    try:
        with caplog.at_level(logging.ERROR), site.edit() as root:
            order = make_order(root, state="paid")
            assert order.state == "paid"
            assert api.invoice_of(root, order.number) is None
        assert "shopcms.company.vat" in caplog.text
    finally:
        site.registry.settings["shopcms.company.vat"] = "BE0403170701"
        site.registry.shopcms_company = None


def test_a_refund_gets_a_credit_note_referring_to_the_invoice(site):
    with site.edit() as root:
        order = make_order(root, state="paid", items=(("mug-cafe", 3),))
        line = order.lines[0]
        amount = line["unit_price"]
        refund = refund_record(
            "r1", datetime.now(UTC), ((0, 1, amount),), order.shipping["cost"], amount
        )
        issuing.order_refunded(refunded_event(order, refund))
        issuing.order_refunded(refunded_event(order, refund))  # replayed: nothing more
        invoice = api.invoice_of(root, order.number)
        notes = api.credit_notes_of(root, order.number)
        assert [n.number for n in notes] == [f"C{year()}-000001"]
        document = notes[0].document
        assert document.refers_to == invoice.number
        assert document.refers_to_date == invoice.issued
        assert [(x.quantity, x.total) for x in document.lines] == [
            (1, amount),
            (1, order.shipping["cost"]),
        ]
        assert document.total == amount + order.shipping["cost"]
        assert document.buyer == invoice.document.buyer


def test_an_older_database_gets_the_folder_by_evolve_or_at_the_first_invoice(site):
    from shopcms.invoicing.folder import add_invoices_folder
    from shopcms.invoicing.resources import Invoices

    with site.edit() as root:
        root.remove("invoices", registry=site.registry)  # as before generation 13
        add_invoices_folder(root, site.registry)
        assert isinstance(root["invoices"], Invoices)
        add_invoices_folder(root, site.registry)  # twice: nothing more
        root.remove("invoices", registry=site.registry)
    # An order paid before the evolve step ran creates the folder with its invoice.
    with site.edit() as root:
        assert invoices_folder(root, None) is None
        assert api.invoice_of(root, "2026-000001") is None
        order = make_order(root, state="paid")
        assert api.invoice_of(root, order.number).number == f"F{year()}-000001"


def test_the_ubl_files_of_issued_documents_are_valid_peppol(site):
    """The Document built from a real order (a Dutch business, reverse charge) and its
    credit note give UBL files that pass the XSD and have no fatal Peppol finding."""
    from peppol import check_rules, validate_xsd

    from shopcms.invoicing import ubl

    with site.edit() as root:
        order = make_order(root, delivery={"country": "NL", "postcode": "1012 AB"})
        order.buyer_company = "Klein Handel B.V."
        order.buyer_vat = "NL123456789B01"
        order.vat_scheme = "reverse_charge"
        order.transition(None, "pay", actor="system:test")
        amount = order.lines[0]["unit_price"]
        refund = refund_record("r1", datetime.now(UTC), ((0, 1, amount),), Decimal(0), amount)
        issuing.order_refunded(refunded_event(order, refund))
        invoice = api.invoice_of(root, order.number).document
        note = api.credit_notes_of(root, order.number)[0].document
    for data in (ubl.invoice_xml(invoice), ubl.credit_note_xml(note)):
        valid, errors = validate_xsd(data)
        assert valid, errors
        assert [str(f) for f in check_rules(data) if f.severity == "fatal"] == []


def test_the_oss_report_reads_the_documents_issued_between_two_dates(site):
    from datetime import timedelta

    from shopcms.invoicing.resources import documents_between

    with site.edit() as root:
        first = make_order(root, state="paid")
        second = make_order(root, state="paid")
        today = api.invoice_of(root, first.number).issued
        found = list(documents_between(root, today, today + timedelta(days=1)))
        assert [d.order_number for d in found] == [first.number, second.number]
        assert list(documents_between(root, today + timedelta(days=1), today + timedelta(2))) == []
        assert list(documents_between(root, today - timedelta(days=1), today)) == []
