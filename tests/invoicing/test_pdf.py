"""The invoice and credit note PDFs: every mention Belgian law requires, in the order's
language (nl, fr, en), read back from the PDF's text; page 1 kept as a PNG in
test-artifacts/invoices/ to look at."""

from datetime import UTC, datetime

import pypdfium2
import pytest

from shopcms.invoicing import api, issuing
from shopcms.invoicing.language import language_request
from shopcms.invoicing.pdf import render
from shopcms.web.i18n import _
from shopcms.web.layout import format_money, format_percent
from tests.conftest import ARTIFACTS
from tests.factories import make_order
from tests.invoicing.test_issuing import refund_record, refunded_event

SHOTS = ARTIFACTS / "invoices"

#: The word for "Order" in each language (translated in the catalogs already).
ORDER = {"nl": "Bestelling", "fr": "Commande", "en": "Order"}

REVERSE = (
    "Reverse charge: VAT to be accounted for by the recipient (art. 196 Directive 2006/112/EC)."
)


def translator(site, lang):
    """What the catalogs make of a message id in ``lang`` (the labels are translated by the
    lead's merge of the new message ids: the test holds before and after)."""
    localizer = language_request(site.registry, lang).localizer
    return lambda msgid, **mapping: flat(localizer.translate(_(msgid, mapping=mapping)))


def text_of(pdf):
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def screenshot(pdf, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = pypdfium2.PdfDocument(pdf)[0]
    page.render(scale=1.5).to_pil().save(SHOTS / f"{name}.png")


def flat(text):
    """The PDF's text with its line breaks and no-break spaces as plain spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_invoice_names_everything_the_law_asks(site, lang):
    with site.edit() as root:
        order = make_order(root, lang=lang, state="paid", items=(("mug-cafe", 2),))
        invoice = api.invoice_of(root, order.number)
        document = invoice.document
        pdf = render(site.registry, document)
    screenshot(pdf, f"invoice-{lang}")
    text = flat(text_of(pdf))
    tr = translator(site, lang)
    assert tr("Invoice ${number}", number=invoice.number) in text
    assert tr("Date of issue") in text
    assert ORDER[lang] in text
    # The seller: name, legal form, address, enterprise and VAT numbers.
    assert "onto object bvba bv" in text
    assert "Voorbeeldstraat 1" in text and "8500 Kortrijk" in text
    assert tr("Enterprise no. ${number}", number="0403.170.701") in text
    assert tr("VAT ${number}", number="BE0403170701") in text
    assert "RPR Gent" in text
    # The buyer, the order, the lines with their rate, VAT per rate, totals, paid.
    assert "Jan Peeters" in text and "Kerkstraat 1" in text
    assert order.number in text
    assert document.lines[0].description in text
    for group in document.groups:
        assert flat(format_money(group.taxable, lang)) in text
        assert flat(format_money(group.vat, lang)) in text
    assert flat(format_money(document.total, lang)) in text
    assert flat(format_percent(document.groups[0].rate, lang)) in text
    assert tr(REVERSE) not in text


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_reverse_charge_invoice_to_a_business(site, lang):
    with site.edit() as root:
        order = make_order(root, lang=lang, delivery={"country": "NL", "postcode": "1012 AB"})
        order.buyer_company = "Klein Handel B.V."
        order.buyer_vat = "NL123456789B01"
        order.vat_scheme = "reverse_charge"
        order.transition(None, "pay", actor="system:test")
        invoice = api.invoice_of(root, order.number)
        pdf = render(site.registry, invoice.document)
    screenshot(pdf, f"invoice-reverse-charge-{lang}")
    text = flat(text_of(pdf))
    tr = translator(site, lang)
    assert "Klein Handel B.V." in text
    assert "NL123456789B01" in text
    assert tr("VAT ${number}", number="NL123456789B01") in text
    assert tr(REVERSE) in text
    assert flat(format_percent(0, lang)) in text


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_credit_note_names_the_invoice_it_corrects(site, lang):
    with site.edit() as root:
        order = make_order(root, lang=lang, state="paid", items=(("mug-cafe", 2),))
        amount = order.lines[0]["unit_price"]
        refund = refund_record(
            "r1", datetime.now(UTC), ((0, 1, amount),), 0, amount, reason="Broken"
        )
        issuing.order_refunded(refunded_event(order, refund))
        invoice = api.invoice_of(root, order.number)
        note = api.credit_notes_of(root, order.number)[0]
        pdf = render(site.registry, note.document)
    screenshot(pdf, f"credit-note-{lang}")
    text = flat(text_of(pdf))
    tr = translator(site, lang)
    assert tr("Credit note ${number}", number=note.number) in text
    assert tr("Corrects invoice") in text
    assert invoice.number in text
    assert flat(format_money(amount, lang)) in text
    assert "Broken" in text
