"""Automatic promotions (no code): product pages and the listing show the reduced price
against the lowest price of the 30 days before the reduction (EU Omnibus), from the
product's price history, and stop showing it when the promotion ends, page cache on."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from shopcms.invoicing import api as invoicing
from shopcms.invoicing.document import DISCOUNT_SKU
from shopcms.promotions.resources import Promotion
from shopcms.web.clock import now
from shopcms.web.layout import format_money
from tests.orders.test_checkout import orders, place
from tests.promotions.helpers import CACTUS, MUG, add_to_cart, enter_code, make_promotion
from tests.promotions.test_checkout_codes import text

NL25, NL2250 = format_money(Decimal("25.00"), "nl"), format_money(Decimal("22.50"), "nl")
SPOKEN = {
    "nl": ["Vorige prijs", "Prijs nu"],
    "fr": ["Prix précédent", "Prix actuel"],
    "en": ["Previous price", "Price now"],
}
NAMES = {"nl": "Cactusweek", "fr": "Semaine du cactus", "en": "Cactus week"}


def clock(site):
    return site.registry.shopcms_clock


def set_price(site, price):
    with site.edit() as root:
        product = root["products"][CACTUS]
        product.set_price(Decimal(price), product.vat_rate, registry=site.registry)
        product.changed()


def history(site, raised_days_ago):
    """20.00 for months, then 25.00 since ``raised_days_ago`` days (the clock moves)."""
    set_price(site, "20.00")
    clock(site).advance(days=90 - raised_days_ago)
    set_price(site, "25.00")
    clock(site).advance(days=raised_days_ago)


def automatic(site, percent="10", starts=timedelta(), lasts=timedelta(days=7)):
    """An automatic promotion on the cactus only, from now + ``starts`` for ``lasts``."""
    start = now(site.registry) + starts
    with site.edit() as root:
        pid = root["products"][CACTUS].pid
        promotion = Promotion("")
        promotion.names.update(NAMES)
        promotion.value = Decimal(percent)
        promotion.scope = "products"
        promotion.targets = (pid,)
        promotion.valid_from, promotion.valid_until = start, start + lasts
        root["promotions"].add_automatic(promotion, registry=site.registry)


def shown(page):
    """``(previous, now, name)`` as a page shows the cactus's price, or its plain price."""
    html = page.html
    scope = html.select_one("article.product") or next(
        card for card in html.select("article.product-card") if CACTUS in card.a["href"]
    )
    price = scope.select_one(".price")
    if "reduced" not in price["class"]:
        return price.get_text().strip()
    hidden = [span.get_text().strip() for span in price.select(".visually-hidden")]
    assert all(hidden), "each price is named for screen readers"
    name = scope.select_one(".promotion").get_text().strip()
    return (price.find("del").get_text().strip(), price.find("ins").get_text().strip(), name)


def pages(app, lang):
    return (
        app.get(f"/{lang}/products/{CACTUS}"),
        app.get(f"/{lang}/products/", {"category": "cacti"}),
    )


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_reference_is_the_lowest_price_of_the_30_days_before(site, app, lang):
    history(site, raised_days_ago=10)
    automatic(site)
    money = lambda amount: format_money(Decimal(amount), lang)  # noqa: E731
    for page in pages(app, lang):
        assert shown(page) == (money("20.00"), money("22.50"), NAMES[lang])
        hidden = page.html.select(".price.reduced .visually-hidden")
        assert [span.get_text().strip() for span in hidden[:2]] == SPOKEN[lang]


def test_a_raise_older_than_30_days_is_the_reference(site, app):
    history(site, raised_days_ago=40)
    automatic(site)
    for page in pages(app, "nl"):
        assert shown(page) == (NL25, NL2250, "Cactusweek")
    data = app.get(f"/nl/products/{CACTUS}").html.select_one("script[type='application/ld+json']")
    assert json.loads(data.string)["offers"]["price"] == "22.50"  # what it sells for


def test_the_cached_pages_follow_the_start_and_the_end(site, app):
    history(site, raised_days_ago=40)
    automatic(site, starts=timedelta(hours=1), lasts=timedelta(days=2))
    for page in pages(app, "nl"):
        assert shown(page) == NL25
    hits = site.page_cache.hits
    for page in pages(app, "nl"):
        assert shown(page) == NL25
    assert site.page_cache.hits == hits + 2  # both served by the page cache
    held = {page.request.url: page.headers["ETag"] for page in pages(app, "nl")}
    clock(site).advance(hours=1, seconds=1)
    for page in pages(app, "nl"):
        assert shown(page) == (NL25, NL2250, "Cactusweek")
    for url, etag in held.items():  # a browser holding the page before gets the new one
        assert app.get(url, headers={"If-None-Match": etag}).status_int == 200
    clock(site).advance(days=2)
    for page in pages(app, "nl"):
        assert shown(page) == NL25


def test_the_cart_and_the_placed_order_carry_the_reduction_per_vat_rate(site, app):
    # 2 x 18.50 (6 %) + 13.50 (21 %); 10 % off each cactus: 3.70 off the 6 % line, as a
    # code would (tests/promotions/test_checkout_codes.py): 6 % VAT 1.88, 21 % VAT 3.55.
    automatic(site, starts=-timedelta(days=1))
    add_to_cart(app, CACTUS, 2)
    add_to_cart(app, MUG, 1)
    page = app.get("/nl/cart")
    assert text(page, "tr.discount th") == "Cactusweek"
    assert text(page, ".cart-discount") == "− € 3,70"
    assert text(page, ".cart-total") == "€ 53,75"
    assert text(page, "tr.vat td").split() == ["€", "3,55", "€", "1,88"]
    place(app).follow()
    (order,) = orders(site)
    assert order.total == Decimal("53.75")
    assert order.vat_by_rate == ((Decimal("21"), Decimal("3.55")), (Decimal("6"), Decimal("1.88")))
    (discount,) = order.discounts
    assert (discount["code"], discount["names"]["nl"]) == ("", "Cactusweek")
    assert discount["by_rate"] == ((Decimal("6"), Decimal("3.70")),)
    with site.edit() as root:
        root["orders"][order.number].transition(None, "pay", actor="system:test")
    with site.edit() as root:
        document = invoicing.invoice_of(root, order.number).document
    (line,) = [line for line in document.lines if line.sku == DISCOUNT_SKU]
    assert (line.description, line.total, line.rate) == ("Cactusweek", Decimal("-3.70"), 6)
    assert document.total == Decimal("53.75")


def test_a_code_not_combinable_leaves_the_reduced_products_alone(site, app):
    automatic(site, starts=-timedelta(days=1))
    make_promotion(site, "ALL10")  # 10 % on everything, not combinable
    add_to_cart(app, CACTUS, 2)
    add_to_cart(app, MUG, 1)
    enter_code(app, "ALL10")
    assert text(app.get("/nl/cart"), ".cart-discount").split("−") == ["", " € 3,70 ", " € 1,35"]
