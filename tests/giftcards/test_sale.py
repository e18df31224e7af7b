"""Gift cards sold as products (issue 19): the seed's three values, a product the desk
makes a gift card (VAT 0 % or refused), always available and never shipped or reduced."""

from datetime import timedelta
from decimal import Decimal

from shopcms.products import giftcards
from shopcms.products.pricing import charge
from shopcms.promotions import rules
from shopcms.promotions.resources import Promotion
from shopcms.web.clock import now
from tests.conftest import PASSWORD, Browser, login
from tests.giftcards.helpers import CARD_25, CARD_50, CARD_100, PLANT, buy
from tests.orders.test_checkout import add_to_cart, stock
from tests.promotions.helpers import enter_code, make_promotion

SETTINGS = {"shopcms.shipping.standard": "6.95", "shopcms.shipping.free_from": "50.00"}


def test_the_seed_sells_cards_of_25_50_and_100_euro_in_a_category_of_their_own(site):
    def read(root):
        titles = dict(root["categories"]["giftcards"].titles)
        cards = [root["products"][name] for name in (CARD_25, CARD_50, CARD_100)]
        return titles, [(p.price, p.vat_rate, p.gift_card, p.categories) for p in cards]

    titles, cards = site.read(read)
    assert titles == {"nl": "Cadeaubonnen", "fr": "Cartes cadeaux", "en": "Gift cards"}
    assert cards == [
        (Decimal(value), Decimal("0"), True, ("giftcards",)) for value in ("25", "50", "100")
    ]


def test_the_product_page_says_how_a_card_is_delivered_and_offers_no_stock_alert(app):
    page = app.get(f"/en/products/{CARD_50}")
    said = page.html.select_one(".gift-card-delivery").get_text(" ", strip=True)
    assert said == "Delivered by mail as a code with a printable PDF. Valid for 24 months."
    assert page.html.select_one("p.stock") is None and "stock-alert" not in page.forms
    assert any(f.action.endswith("/cart") for f in page.forms.values())  # always for sale


def editor(site):
    site.add_account("edits@example.be", roles=("editor",))
    desk = Browser(site.wsgi)
    login(desk, "edits@example.be", PASSWORD, lang="en")
    return desk


def test_the_desk_makes_a_gift_card_only_at_0_percent_vat(site):
    desk = editor(site)
    form = desk.get("/en/manage/products/mug-cafe/edit").forms["product"]
    form["gift_card"] = True
    refused = form.submit("save", status=400)
    error = refused.html.select_one("#product-vat-rate-error").get_text(" ", strip=True)
    assert "multi-purpose voucher" in error and "Choose 0 %" in error
    assert site.read(lambda root: root["products"]["mug-cafe"].gift_card) is False

    form = refused.forms["product"]
    form["vat_rate"] = "0"
    form.submit("save", status=303)
    assert site.read(lambda root: root["products"]["mug-cafe"].gift_card) is True
    assert stock(site, "mug-cafe") == giftcards.AVAILABLE
    page = desk.get("/en/manage/products/mug-cafe/edit")
    assert "it has no stock to change" in page.text and "stock-adjust" not in page.forms

    # Made an ordinary product again, it starts with no stock.
    form = page.forms["product"]
    form["gift_card"] = False
    form.submit("save", status=303)
    assert site.read(lambda root: root["products"]["mug-cafe"].gift_card) is False
    assert stock(site, "mug-cafe") == 0


def test_a_gift_cards_stock_is_never_counted(site, app):
    order = buy(site, app, {CARD_25: 3})
    assert [line["gift_card"] for line in order.lines] == [True]
    assert stock(site, CARD_25) == giftcards.AVAILABLE
    assert site.read(lambda root: root["products"][CARD_25].in_stock)


def test_an_order_of_gift_cards_only_is_not_shipped(site, app):
    order = buy(site, app, {CARD_50: 1})
    assert order.shipping["cost"] == Decimal("0.00") and order.total == Decimal("50.00")
    cart = app.get("/nl/cart")
    assert cart.html.select_one(".free-delivery") is None  # nothing "left for free delivery"


def test_gift_cards_do_not_count_toward_free_delivery():
    plant = (Decimal("18.50"), 1, Decimal("6"))
    card = (Decimal("50.00"), 1, Decimal("0"), False)
    summed = charge(SETTINGS, [plant, card])
    assert summed.shipping == Decimal("6.95") and summed.shipping_rate == Decimal("6")
    assert summed.left_for_free == Decimal("31.50")
    assert summed.totals.total == Decimal("75.45")
    alone = charge(SETTINGS, [card], method="express")
    assert (alone.shipping, alone.left_for_free) == (Decimal("0.00"), Decimal("0.00"))
    # The same lines as shipped goods would be shipped free.
    assert charge(SETTINGS, [plant, card[:3]]).shipping == Decimal("0.00")


def line(pid, price, gift_card=False, categories=("gifts",)):
    return rules.Line(pid, 1, Decimal(price), Decimal("0"), categories, gift_card=gift_card)


class Rule:
    """A promotion as the rules read it."""

    def __init__(self, **fields):
        self.code, self.kind, self.value, self.scope, self.targets = (
            "ALL10",
            "percent",
            10,
            "all",
            (),
        )
        self.valid_from = self.valid_until = self.total_uses = self.uses_per_customer = None
        self.minimum, self.combinable, self.names, self.used = None, True, {}, 0
        self.__dict__.update(fields)


def test_no_promotion_reduces_a_gift_card_nor_counts_it_toward_a_minimum():
    lines = [line(1, "20.00"), line(2, "50.00", gift_card=True)]
    every = Rule()
    outcome = rules.evaluate(lambda code: every, ["ALL10"], lines)
    assert outcome.applied[0].amounts == (Decimal("2.00"), Decimal("0.00"))
    cards_only = rules.evaluate(lambda code: every, ["ALL10"], lines[1:])
    assert cards_only.refused[0].reason == rules.NOTHING_APPLIES
    fixed = Rule(kind="amount", value=Decimal("30"))
    outcome = rules.evaluate(lambda code: fixed, ["ALL10"], lines)
    assert outcome.applied[0].amounts == (Decimal("20.00"), Decimal("0.00"))
    minimum = Rule(minimum=Decimal("30"))
    refused = rules.evaluate(lambda code: minimum, ["ALL10"], lines).refused
    assert [r.reason for r in refused] == [rules.UNDER_MINIMUM]


def test_a_code_in_the_cart_leaves_the_gift_card_line_whole(site, app):
    make_promotion(site, code="ALLES10")
    add_to_cart(app, PLANT, 1)
    add_to_cart(app, CARD_50, 1)
    enter_code(app, "alles10")
    order = buy(site, app, {})
    discounts = {line["name"]: line["discount"] for line in order.lines}
    assert discounts == {PLANT: Decimal("1.85"), CARD_50: Decimal("0.00")}


def test_an_automatic_promotion_on_everything_shows_no_reduction_on_a_gift_card(site, app):
    start = now(site.registry) - timedelta(days=1)
    with site.edit() as root:
        promotion = Promotion("")
        promotion.names.update({"nl": "Alles -10 %", "fr": "Tout -10 %", "en": "All -10 %"})
        promotion.value = Decimal("10")
        promotion.valid_from, promotion.valid_until = start, start + timedelta(days=7)
        root["promotions"].add_automatic(promotion, registry=site.registry)
    assert app.get(f"/en/products/{PLANT}").html.select_one(".price.reduced") is not None
    assert app.get(f"/en/products/{CARD_50}").html.select_one(".price.reduced") is None


def test_the_desks_list_says_gift_card_where_goods_show_their_stock(site):
    page = editor(site).get("/en/manage/products/", {"q": "SC-9050"})
    (row,) = page.html.select("table.products tbody tr")
    assert row.select_one("td.stock").get_text(strip=True) == "Gift card"
