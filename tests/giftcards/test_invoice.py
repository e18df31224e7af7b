"""The invoice of a gift card sale (issue 19): a card is a multi-purpose voucher, so its
line is outside the scope of VAT (category O alone, E beside goods, 0 %) with the mention
that the VAT is due when it is spent, in the order's language; the Peppol file is valid
either way; the OSS report leaves it out."""

from decimal import Decimal

import pytest
import transaction

from shopcms.invoicing import api as invoicing
from shopcms.invoicing import pdf, ubl
from shopcms.invoicing.document import EXEMPT, OUTSIDE_SCOPE
from shopcms.invoicing.oss import Quarter, oss_rows
from tests.conftest import Browser, make_site
from tests.giftcards.helpers import CARD_50, PLANT, buy, pay

NOTE = {
    "nl": "Cadeaubon voor meerdere doeleinden: de btw is verschuldigd wanneer hij wordt besteed",
    "en": "Multi-purpose voucher: VAT is due when it is spent",
}


def invoice(site, app, cart, lang="nl", **details):
    order = buy(site, app, cart, lang=lang, **details)
    pay(site, order.number)
    return site.read(lambda root: invoicing.invoice_of(root, order.number).document)


def test_a_gift_card_is_invoiced_outside_the_scope_of_vat_with_its_mention(site, app):
    document = invoice(site, app, {CARD_50: 2, PLANT: 1})
    by_sku = {line.sku: line for line in document.lines}
    card, plant = by_sku["SC-9050"], by_sku["SC-1002"]
    assert (card.category, card.rate, card.total, card.net) == (
        EXEMPT,
        Decimal("0"),
        Decimal("100.00"),
        Decimal("100.00"),
    )
    assert (plant.category, plant.rate) == ("S", Decimal("6"))
    groups = {(g.category, g.rate): (g.taxable, g.vat) for g in document.groups}
    assert groups[(EXEMPT, Decimal("0"))] == (Decimal("100.00"), Decimal("0.00"))
    shown = pdf.html(site.registry, document)
    assert NOTE["nl"] in shown
    assert pdf.render(site.registry, document).startswith(b"%PDF")


def test_an_invoice_of_goods_alone_has_no_voucher_mention(site, app):
    document = invoice(site, app, {PLANT: 1}, lang="en")
    assert NOTE["en"] not in pdf.html(site.registry, document)


@pytest.mark.parametrize(
    "cart, category",
    [({CARD_50: 1}, OUTSIDE_SCOPE), ({CARD_50: 1, PLANT: 1}, EXEMPT)],
    ids=["cards alone", "beside goods"],
)
def test_the_ubl_of_a_gift_card_sale_is_valid_peppol(site, app, cart, category):
    from peppol import check_rules, validate_xsd

    document = invoice(site, app, cart, lang="en")
    assert category in {line.category for line in document.lines}
    data = ubl.invoice_xml(document)
    valid, errors = validate_xsd(data)
    assert valid, errors
    assert [str(f) for f in check_rules(data) if f.severity == "fatal"] == []
    assert NOTE["en"].encode() in data
    assert (b"VATEX-EU-O" in data) == (category == OUTSIDE_SCOPE)
    assert NOTE["en"] in pdf.html(site.registry, document)


def test_the_oss_report_leaves_gift_cards_out(tmp_path):
    site = make_site(tmp_path, **{"shopcms.vat.oss": "true"})
    try:
        paris = {"delivery.postcode": "75011", "delivery.city": "Paris", "delivery.country": "FR"}
        document = invoice(site, Browser(site.wsgi), {CARD_50: 1, PLANT: 1}, lang="fr", **paris)
        assert document.buyer.country == "FR"
        rows = oss_rows([document], Quarter.of(document.issued))
        assert [(row.country, row.rate) for row in rows] == [
            ("FR", Decimal("10"))
        ]  # (a live plant in France)
        goods = [line for line in document.lines if line.sku != "SC-9050"]  # plant, shipping
        assert {line.category for line in goods} == {"S"}
        assert rows[0].taxable == sum(line.net for line in goods) < Decimal("50")
    finally:
        transaction.abort()
        site.close()
