"""A code through the checkout: every summary shows the discount with each VAT rate's base
and VAT reduced in proportion, the placed order keeps it, the use is counted once."""

from decimal import Decimal

from shopcms.mail import send_queued
from tests.conftest import PASSWORD, login
from tests.orders.test_checkout import orders, place, review
from tests.promotions.helpers import CACTUS, MUG, add_to_cart, enter_code, make_promotion

# 2 x 18.50 (6 %) + 13.50 (21 %); 10 % off the cacti: 3.70 off the 6 % line, so
# 6 %: 33.30 -> VAT 1.88; 21 %: 13.50 + shipping 6.95 (goods 46.80 < 50) -> VAT 3.55.
TOTAL, VAT = Decimal("53.75"), ((Decimal("21"), Decimal("3.55")), (Decimal("6"), Decimal("1.88")))


def text(page, selector):
    """The text of what ``selector`` finds, no-break spaces as spaces."""
    found = " ".join(node.get_text(" ", strip=True) for node in page.html.select(selector))
    return found.replace("\xa0", " ")


def cactus_cart(site, app):
    make_promotion(site, scope="categories", targets=("cacti",), minimum=Decimal("30"))
    add_to_cart(app, CACTUS, 2)
    add_to_cart(app, MUG, 1)
    enter_code(app, "cactus10")


def test_the_cart_shows_the_discount_and_the_vat_per_rate_reduced(site, app):
    cactus_cart(site, app)
    page = app.get("/nl/cart")
    assert "Kortingscode CACTUS10: Cactusweek" in text(page, "tr.discount")
    assert text(page, ".cart-discount") == "− € 3,70"
    assert text(page, ".cart-total") == "€ 53,75"
    assert text(page, "tr.vat td").split() == ["€", "3,55", "€", "1,88"]


def test_the_checkout_and_the_order_carry_the_discount(site, app):
    cactus_cart(site, app)
    form_page = app.get("/nl/checkout")
    assert "− € 3,70" in text(form_page, ".summary-totals .discount")
    assert text(form_page, ".summary-total") == "€ 53,75"
    reviewed = review(app)
    assert "CACTUS10" in text(reviewed, "tr.discount")
    assert text(reviewed, ".order-total") == "€ 53,75"
    confirmation = place(app).follow()
    assert "− € 3,70" in text(confirmation, "tr.discount")
    (order,) = orders(site)
    assert order.total == TOTAL
    assert order.vat_by_rate == VAT
    (discount,) = order.discounts
    assert discount["code"] == "CACTUS10"
    assert discount["amount"] == Decimal("3.70")
    assert discount["by_rate"] == ((Decimal("6"), Decimal("3.70")),)
    assert [line["discount"] for line in order.lines] == [Decimal("3.70"), Decimal("0.00")]
    assert site.read(lambda root: root["promotions"]["cactus10"].used) == 1


def test_the_order_mail_shows_the_discount(site, app, smtp):
    cactus_cart(site, app)
    place(app)
    send_queued(site.registry)
    (mail,) = smtp.wait_for(1)
    plain = mail.message.get_body(("plain",)).get_content().replace("\xa0", " ")
    assert "Kortingscode CACTUS10 (Cactusweek): - € 3,70" in plain
    html = mail.message.get_body(("html",)).get_content().replace("\xa0", " ")
    assert "Kortingscode CACTUS10" in html and "€ 53,75" in html


def test_a_guests_address_over_the_limit_is_told_at_the_review_and_when_placing(site, app):
    make_promotion(site, "ONCE", uses_per_customer=1)
    with site.edit() as root:
        root["promotions"]["once"].take_use("email:jan@example.be")
    add_to_cart(app, CACTUS, 2)
    enter_code(app, "ONCE")  # the cart does not know the guest's address yet
    reviewed = review(app, email="Jan@Example.be")
    message = "U hebt de code ONCE al zo vaak gebruikt als toegestaan."
    assert message in text(reviewed, ".code-refused")
    assert not reviewed.html.select("tr.discount")
    form = reviewed.forms["place-order"]
    form["accept_terms"] = True
    refused = form.submit(status=409)
    assert message in text(refused, ".checkout-problem")
    assert orders(site) == []
    # Placed again: without the code, at full price.
    place(app)
    (order,) = orders(site)
    assert order.discounts == () and order.total == Decimal("37.00") + Decimal("6.95")
    assert site.read(lambda root: root["promotions"]["once"].used) == 1


def test_a_customers_order_page_shows_the_discount(site, app):
    site.add_account("klant@example.be")
    login(app, "klant@example.be", PASSWORD)
    cactus_cart(site, app)
    place(app)
    (order,) = orders(site)
    assert order.discounts[0]["customer"].startswith("account:")
    page = app.get(f"/nl/account/orders/{order.number}")
    assert "Kortingscode CACTUS10: Cactusweek" in text(page, "tr.discount")
    assert text(page, ".order-total") == "€ 53,75"


def shipping_choices(page):
    """The checkout form's shipping choices as their labels read."""
    labels = page.html.select('fieldset.choices input[name="shipping"] + label')
    return [
        " ".join(label.get_text(" ", strip=True).split()).replace("\xa0", " ") for label in labels
    ]


def test_the_shipping_choices_cost_what_the_discounted_cart_is_charged(site, app):
    """50.50 of goods would ship free; 10 % off the cacti leaves 46.80, under the
    threshold: the choice says 6.95, as the summary charges."""
    cactus_cart(site, app)
    page = app.get("/nl/checkout")
    assert shipping_choices(page)[0].endswith(": € 6,95")
    assert text(page, ".summary-totals .shipping").endswith("€ 6,95")


def test_a_free_shipping_code_makes_every_shipping_choice_free(site, app):
    make_promotion(site, "GRATIS", kind="free_shipping", value=None)
    add_to_cart(app, MUG, 1)
    before = shipping_choices(app.get("/nl/checkout"))
    assert before[0].endswith(": € 6,95") and before[1].endswith(": € 12,95")
    enter_code(app, "GRATIS")
    after = shipping_choices(app.get("/nl/checkout"))
    assert len(after) == 2 and all(choice.endswith(": gratis") for choice in after)
