"""VAT by destination, as customers meet it: a French consumer with OSS on pays French VAT
in the review, on the order, its page and its mail; with OSS off Belgian VAT; a Dutch
business with a valid VAT number pays the net amounts under reverse charge; a Belgian
business pays Belgian VAT; shipping and free delivery per delivery country; a rate
corrected in the ini is the one charged.

The cart (Belgian prices) holds 2 mugs (13.50 at 21 %) and 1 cactus (7.95 at 6 %): 34.95
of goods, standard delivery 6.95 in Belgium.
"""

from decimal import Decimal

import pytest
import transaction

from shopcms.mail import send_queued
from shopcms.orders import checkout
from tests.conftest import PASSWORD, Browser, login, make_site
from tests.orders.test_checkout import add_to_cart, checkout_form, field, fill, forms, orders

D = Decimal
PARIS = {"delivery.street": "Rue de la Roquette 12", "delivery.postcode": "75011",
         "delivery.city": "Paris", "delivery.country": "FR"}  # fmt: skip
AMSTERDAM = {"delivery.street": "Keizersgracht 1", "delivery.postcode": "1015 CJ",
             "delivery.city": "Amsterdam", "delivery.country": "NL"}  # fmt: skip
BRUSSELS = {"street": "Rue Neuve 1", "postcode": "1000", "city": "Brussel", "country": "BE"}
NL_VAT = "NL004495445B01"
BE_VAT = "BE0403170701"


@pytest.fixture
def shop(tmp_path, smtp, request):
    """A site with the test's settings (``settings(...)``), mailing to ``smtp``."""
    site = make_site(tmp_path, **smtp.settings(), **getattr(request, "param", {}))
    yield site
    transaction.abort()
    site.close()


def settings(values):
    """Run the test on a ``shop`` with these settings."""
    return pytest.mark.parametrize("shop", [values], indirect=True, ids=[""])


def text(node):
    """The node's text with spaces as a reader sees them (no-break spaces are spaces)."""
    return " ".join(node.get_text(" ").replace("\xa0", " ").replace("\u202f", " ").split())


def vat_rows(page):
    return [text(row) for row in page.html.select(".order-lines tr.vat")]


def money(page, selector):
    return text(page.html.select_one(selector))


def fill_cart(app, lang):
    add_to_cart(app, "mug-cafe", 2, lang)
    add_to_cart(app, "mammillaria-elongata", 1, lang)


def review_for(app, lang, address, business=None, monkeypatch=None, billing=None):
    """The review page of the details with ``address`` (and the invoice's ``billing``
    address, ``{"street": ...}``, if given); ``business``: ``(company, VAT number)``, typed
    in the checkout's business fields (part "business" of issue 17: read with their box
    ticked, a VAT number of the invoice address's country); while the form has none, the
    details reach the checkout's service with them, as those fields give them
    (``details["vat_number"]``)."""
    form = fill(checkout_form(app, lang), **address)
    if billing is not None:
        form["separate_billing"] = True
        for key, value in billing.items():
            field(form, f"billing.{key}").value = value
    if business is not None:
        company, number = business
        if "vat_number" in form.fields:
            form["for_business"] = True
            field(form, "vat_number").value = number
            if "company" in form.fields:
                field(form, "company").value = company
        else:
            original = checkout.destination

            def with_business(request, details=None):
                if details:
                    details = {**details, "company": company, "vat_number": number}
                return original(request, details)

            monkeypatch.setattr(checkout, "destination", with_business)
    return form.submit(status=200)


def place_from(review):
    form = next(f for f in forms(review) if f.fields.get("step") and f["step"].value == "place")
    form["accept_terms"] = True
    return form.submit(status=303).follow()


def mail_of(shop, smtp):
    assert send_queued(shop.registry).sent == 1
    [mail] = smtp.wait_for(1)
    plain = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    return " ".join(plain.replace("\xa0", " ").replace("\u202f", " ").split()), html


@settings({"shopcms.vat.oss": "on"})
def test_a_french_consumer_with_oss_on_pays_french_vat_everywhere(shop, smtp):
    app = Browser(shop.wsgi)
    fill_cart(app, "fr")
    # The cart is Belgium's until a delivery country is chosen, and says so.
    cart = app.get("/fr/cart")
    assert money(cart, ".cart-total") == "41,90 €"
    assert "VAT" in text(cart.html.select_one(".vat-note"))

    review = review_for(app, "fr", PARIS)
    # 13.50 / 1.21 x 1.20 = 13.39 a mug; 7.95 / 1.06 x 1.10 = 8.25 the cactus (French rate
    # for live plants); shipping 6.95 at 21 % becomes 6.89 at 20 %.
    assert money(review, ".order-total") == "41,92 €"
    assert vat_rows(review) == ["dont TVA 20 % 5,61 €", "dont TVA 10 % 0,75 €"]
    assert "France" in text(review.html.select_one(".vat-scheme.oss"))

    confirmation = place_from(review)
    [order] = orders(shop)
    assert (order.vat_scheme, order.vat_country) == ("oss", "FR")
    assert [(x["unit_price"], x["vat_rate"], x["total"]) for x in order.lines] == [
        (D("13.39"), D("20"), D("26.78")),
        (D("8.25"), D("10"), D("8.25")),
    ]
    assert order.shipping == {"method": "standard", "cost": D("6.89"), "vat_rate": D("20")}
    assert order.total == D("41.92")
    assert order.vat_by_rate == ((D("20"), D("5.61")), (D("10"), D("0.75")))
    assert money(confirmation, ".order-total") == "41,92 €"
    assert vat_rows(confirmation) == ["dont TVA 20 % 5,61 €", "dont TVA 10 % 0,75 €"]
    assert "France" in text(confirmation.html.select_one(".vat-scheme.oss"))

    plain, html = mail_of(shop, smtp)
    assert "dont TVA 20 %: 5,61 €" in plain and "dont TVA 10 %: 0,75 €" in plain
    assert "41,92 €" in plain and "France" in plain
    assert 'class="vat-scheme"' in html and "France" in html


def test_with_oss_off_a_french_consumer_pays_belgian_vat(shop, smtp):
    app = Browser(shop.wsgi)
    fill_cart(app, "fr")
    review = review_for(app, "fr", PARIS)
    assert money(review, ".order-total") == "41,90 €"
    assert vat_rows(review) == ["dont TVA 21 % 5,89 €", "dont TVA 6 % 0,45 €"]
    assert review.html.select_one(".vat-scheme") is None
    place_from(review)
    [order] = orders(shop)
    assert (order.vat_scheme, order.vat_country, order.total) == ("domestic", "BE", D("41.90"))


@settings({"shopcms.vat.oss": "on", "shopcms.shipping.NL.standard": "8.95"})
def test_a_dutch_business_with_a_valid_vat_number_pays_the_net_under_reverse_charge(
    shop, smtp, monkeypatch
):
    app = Browser(shop.wsgi)
    fill_cart(app, "en")
    review = review_for(app, "en", AMSTERDAM, ("Cactus BV", NL_VAT), monkeypatch)
    # The net prices: 13.50 / 1.21 = 11.16 a mug, 7.95 / 1.06 = 7.50 the cactus; the Dutch
    # shipping 8.95 / 1.21 = 7.40.
    assert money(review, ".order-total") == "37,22 €"
    assert vat_rows(review) == ["of which VAT 0 % 0,00 €"]
    assert "VAT reverse charged" in text(review.html.select_one(".vat-scheme.reverse-charge"))
    assert "VAT included" not in text(review.html.select_one(".order-lines tr.total"))

    confirmation = place_from(review)
    [order] = orders(shop)
    assert (order.vat_scheme, order.vat_country) == ("reverse_charge", "NL")
    assert [(x["unit_price"], x["vat_rate"], x["total"]) for x in order.lines] == [
        (D("11.16"), D("0"), D("22.32")),
        (D("7.50"), D("0"), D("7.50")),
    ]
    assert order.shipping == {"method": "standard", "cost": D("7.40"), "vat_rate": D("0")}
    assert (order.total, order.vat_by_rate) == (D("37.22"), ((D("0"), D("0.00")),))
    assert "VAT reverse charged" in text(confirmation.html.select_one(".vat-scheme"))
    plain, html = mail_of(shop, smtp)
    assert "37,22 €" in plain and "VAT reverse charged: intra-Community supply" in plain
    assert "article 196" in html
    # The order desk shows it to the staff too.
    shop.add_account("desk@example.be", roles=("orders",))
    desk = Browser(shop.wsgi)
    login(desk, "desk@example.be", PASSWORD, lang="en")
    page = desk.get(f"/en/manage/orders/{order.number}")
    assert "VAT reverse charged" in text(page.html.select_one(".vat-scheme.reverse-charge"))


@settings({"shopcms.vat.oss": "on"})
def test_a_belgian_business_pays_belgian_vat(shop, smtp, monkeypatch):
    app = Browser(shop.wsgi)
    fill_cart(app, "en")
    # Delivered in Belgium, or in France: a Belgian VAT number is no intra-Community
    # supply, and OSS is for consumers only.  (Invoiced in Belgium: the checkout takes a
    # VAT number of the invoice address's country.)
    review = review_for(app, "en", PARIS, ("Cactus NV", BE_VAT), monkeypatch, BRUSSELS)
    assert money(review, ".order-total") == "41,90 €"
    assert vat_rows(review) == ["of which VAT 21 % 5,89 €", "of which VAT 6 % 0,45 €"]
    place_from(review)
    [order] = orders(shop)
    assert (order.vat_scheme, order.vat_country, order.total) == ("domestic", "BE", D("41.90"))


@settings({"shopcms.shipping.NL.standard": "8.95", "shopcms.shipping.NL.free_from": "75.00"})
def test_shipping_and_free_delivery_follow_the_delivery_country(shop, smtp):
    app = Browser(shop.wsgi)
    add_to_cart(app, "concrete-planter-large", 1, "en")  # 45.00
    add_to_cart(app, "mug-cafe", 1, "en")  # 13.50: 58.50 in all
    # The cart shows Belgium's delivery: free from 50.
    cart = app.get("/en/cart")
    assert "free" in text(cart.html.select_one("tfoot tr.shipping"))
    assert money(cart, ".cart-total") == "58,50 €"
    # Delivered in the Netherlands: 8.95 until 75.
    review = review_for(app, "en", AMSTERDAM)
    assert "8,95 €" in text(review.html.select_one(".order-lines tr.shipping"))
    assert money(review, ".order-total") == "67,45 €"
    add_to_cart(app, "mug-cafe", 2, "en")  # 85.50 of goods
    review = review_for(app, "en", AMSTERDAM)
    assert "free" in text(review.html.select_one(".order-lines tr.shipping"))
    assert money(review, ".order-total") == "85,50 €"


@settings({"shopcms.vat.oss": "on", "shopcms.vat.rates.FR": "reduced 5.5"})
def test_a_rate_corrected_in_the_ini_is_the_one_charged(shop, smtp):
    app = Browser(shop.wsgi)
    fill_cart(app, "fr")
    review = review_for(app, "fr", PARIS)
    # 7.95 / 1.06 x 1.055 = 7.91 the cactus at the ini's 5.5 %.
    assert vat_rows(review) == ["dont TVA 20 % 5,61 €", "dont TVA 5,5 % 0,41 €"]
    assert money(review, ".order-total") == "41,58 €"


def test_a_malformed_rate_in_the_ini_stops_the_server_at_start(tmp_path):
    with pytest.raises(ValueError, match=r"shopcms\.vat\.rates\.FR"):
        make_site(tmp_path, **{"shopcms.vat.rates.FR": "reduced ten"})
