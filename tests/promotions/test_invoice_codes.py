"""The invoice of an order placed with a code: a line per code and VAT rate, each rate's
base and VAT those the customer paid, a valid Peppol UBL file; a cancelled order gives
the code's use back."""

from decimal import Decimal

from shopcms.invoicing import api as invoicing
from shopcms.invoicing import pdf, ubl
from shopcms.invoicing.document import DISCOUNT_SKU
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.orders import refunding
from tests.orders.test_checkout import orders, place
from tests.promotions.test_checkout_codes import VAT, cactus_cart


def test_the_invoice_shows_the_discount_per_vat_rate(site, app):
    from peppol import check_rules, validate_xsd

    cactus_cart(site, app)
    place(app)
    (order,) = orders(site)
    with site.edit() as root:
        root["orders"][order.number].transition(None, "pay", actor="system:test")
    with site.edit() as root:
        document = invoicing.invoice_of(root, order.number).document
    (discount,) = [line for line in document.lines if line.sku == DISCOUNT_SKU]
    assert discount.description == "Kortingscode CACTUS10: Cactusweek"
    assert (discount.quantity, discount.total, discount.rate) == (-1, Decimal("-3.70"), 6)
    assert document.total == order.total == Decimal("53.75")
    assert tuple((g.rate, g.vat) for g in document.groups) == VAT
    # 6 %: 37.00 - 3.70 = 33.30, of which 1.88 VAT.
    assert [(g.taxable, g.vat) for g in document.groups if g.rate == 6] == [
        (Decimal("31.42"), Decimal("1.88"))
    ]
    shown = pdf.html(site.registry, document)
    assert "Kortingscode CACTUS10: Cactusweek" in shown
    assert pdf.render(site.registry, document).startswith(b"%PDF")
    data = ubl.invoice_xml(document)
    valid, errors = validate_xsd(data)
    assert valid, errors
    assert [str(f) for f in check_rules(data) if f.severity == "fatal"] == []


def used(site):
    return site.read(lambda root: root["promotions"]["cactus10"].used)


def test_a_cancelled_order_gives_the_use_back(site, app):
    cactus_cart(site, app)
    place(app)
    (order,) = orders(site)
    assert used(site) == 1
    with site.edit() as root:
        root["orders"][order.number].transition(None, "cancel", actor="system:test")
    assert used(site) == 0


def test_a_refund_after_a_discount_refunds_what_was_paid_and_gives_the_use_back(site, app):
    cactus_cart(site, app)
    place(app)
    (order,) = orders(site)
    with site.edit() as root:
        root["orders"][order.number].transition(None, "pay", actor="system:test")
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    # The order desk shows the code used.
    desk = admin.get(f"/en/manage/orders/{order.number}")
    assert (
        desk.html.select_one("tr.discount")
        .get_text(" ", strip=True)
        .startswith("Discount code CACTUS10")
    )
    assert desk.html.select_one(".order-discount").get_text(strip=True) == "−\xa03,70\xa0€"
    refunding.refund_in_full(admin, order.number, account=("Jan Peeters", "NL91 ABNA 0417 1643 00"))
    with site.edit() as root:
        refunded = root["orders"][order.number]
        assert refunded.state == "refunded"
        assert sum(refund.total for refund in refunded.refunds) == Decimal("53.75")
        (note,) = invoicing.credit_notes_of(root, order.number)
        assert note.document.total == Decimal("53.75")
        descriptions = [line.description for line in note.document.lines]
        # The cactus line, paid less the code, refunded what was paid and saying why.
        assert "Schoonmoedersstoel (Kortingscode CACTUS10)" in descriptions
        (cacti,) = [line for line in note.document.lines if "CACTUS10" in line.description]
        assert cacti.total == Decimal("33.30")
        assert tuple((g.rate, g.vat) for g in note.document.groups) == VAT
    assert used(site) == 0
