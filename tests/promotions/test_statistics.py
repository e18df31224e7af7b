"""The statistics page shows each discount code's uses and the discount they gave (the
issue: "the statistics page shows uses per promotion (counts and discount given), never
who"): two orders placed with CACTUS10 through the real checkout count 2 uses and the sum
of their discounts; a refunded order is taken off; no customer is named."""

from decimal import Decimal

from shopcms.web.layout import format_money
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.orders import refunding
from tests.orders.test_checkout import ADDRESS, orders, place
from tests.promotions.helpers import CACTUS, add_to_cart, enter_code, make_promotion


def cactus_order(site, qty):
    """A guest's order of ``qty`` cacti with CACTUS10 (10 % of 18.50 each)."""
    shopper = Browser(site.wsgi)
    add_to_cart(shopper, CACTUS, qty)
    enter_code(shopper, "CACTUS10")
    place(shopper)


def row(admin):
    page = admin.get("/en/manage/statistics/")
    assert page.headers["Cache-Control"] == "no-store"
    found = page.html.select_one('#promotions-table tr[data-code="CACTUS10"]')
    return page, found


def test_uses_and_discount_per_code_and_a_refund_taken_off(site):
    make_promotion(site, scope="categories", targets=("cacti",), minimum=Decimal("30"))
    make_promotion(site, code="UNUSED5", value=Decimal("5"))
    cactus_order(site, 2)  # 37.00: 3.70 off
    cactus_order(site, 3)  # 55.50: 5.55 off
    first, second = sorted(orders(site), key=lambda order: order.total)
    assert [d["amount"] for d in (*first.discounts, *second.discounts)] == [
        Decimal("3.70"),
        Decimal("5.55"),
    ]
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    page, found = row(admin)
    assert found.select_one(".uses").get_text(strip=True) == "2"
    assert found.select_one(".discount").get_text(strip=True) == format_money(Decimal("9.25"), "en")
    assert "Cactus week" in found.get_text()
    unused = page.html.select_one('#promotions-table tr[data-code="UNUSED5"]')
    assert unused.select_one(".uses").get_text(strip=True) == "0"
    # Never who: neither the customer's name nor address is on the page.
    assert ADDRESS["email"] not in page.text and ADDRESS["name"] not in page.text
    # The larger order is paid and refunded in full: its use and discount are taken off.
    with site.edit() as root:
        root["orders"][second.number].transition(None, "pay", actor="system:test")
    refunding.refund_in_full(
        admin, second.number, account=("Jan Peeters", "NL91 ABNA 0417 1643 00")
    )
    _page, found = row(admin)
    assert found.select_one(".uses").get_text(strip=True) == "1"
    assert found.select_one(".discount").get_text(strip=True) == format_money(Decimal("3.70"), "en")
    # A cancelled order too.
    with site.edit() as root:
        root["orders"][first.number].transition(None, "cancel", actor="system:test")
    _page, found = row(admin)
    assert found.select_one(".uses").get_text(strip=True) == "0"
    assert found.select_one(".discount").get_text(strip=True) == format_money(Decimal("0"), "en")


def test_an_editor_reads_them_a_customer_may_not(site, app):
    make_promotion(site)
    site.add_account("klant@example.be")
    login(app, "klant@example.be", PASSWORD)
    app.get("/en/manage/statistics/", status=403)
    editor = Browser(site.wsgi)
    site.add_account("redacteur@example.be", roles=("editor",))
    login(editor, "redacteur@example.be", PASSWORD)
    assert editor.get("/en/manage/statistics/").html.select_one(
        '#promotions-table tr[data-code="CACTUS10"]'
    )
