"""Entering a code in the cart: what it gives, and each reason it is refused."""

from decimal import Decimal

from tests.promotions.helpers import CACTUS, MUG, add_to_cart, enter_code, make_promotion


def test_a_code_reduces_the_goods_and_each_vat_rate_in_proportion(site, app):
    make_promotion(site, scope="categories", targets=("cacti",), minimum=Decimal("30"))
    add_to_cart(app, CACTUS, 2)
    add_to_cart(app, MUG, 1)
    enter_code(app, "cactus10")
    page = app.get("/nl/cart")
    print(page.html.select_one("table.cart tfoot"))
    assert 0
