"""Checkout as a customer meets it: the form, the review, the order, and what cannot be
tampered with."""

from decimal import Decimal

import pytest
from stdnum.be import ogm_vcs

from shopcms.mail import send_queued

ADDRESS = {
    "name": "Jan Peeters",
    "email": "jan@example.be",
    "phone": "+32 470 12 34 56",
    "delivery.street": "Kerkstraat 1",
    "delivery.postcode": "9000",
    "delivery.city": "Gent",
}


def forms(page):
    """The page's forms, each once (WebTest lists a form with an id under its number and
    under its id)."""
    return [form for key, form in page.forms.items() if isinstance(key, int)]


def add_to_cart(app, name, qty=1, lang="nl"):
    page = app.get(f"/{lang}/products/{name}")
    form = [f for f in forms(page) if f.action == f"/{lang}/cart"][0]
    form["qty"] = str(qty)
    form.submit(status=303)


def checkout_form(app, lang="nl"):
    page = app.get(f"/{lang}/checkout")
    return [f for f in forms(page) if f.action == f"/{lang}/checkout"][0]


def field(form, name):
    """The field ``name`` of a checkout form; ``delivery.street`` is the street of the
    delivery address (deform posts it as ``street`` inside the ``delivery`` mapping)."""
    if "." not in name:
        return form[name]
    section, key = name.split(".")
    return next(f for f in form.fields[key] if f.id == f"{form.id}-{section}-{key}")


def fill_in(form, values):
    """Fill in ``values`` (``{name: value}``, names as :func:`field` takes them)."""
    for key, value in values.items():
        field(form, key).value = value
    return form


def fill(form, **extra):
    return fill_in(form, {**ADDRESS, **extra})


def review(app, lang="nl", **extra):
    return fill(checkout_form(app, lang), **extra).submit(status=200)


def place_form(page):
    return [f for f in forms(page) if f.fields.get("step") and f["step"].value == "place"][0]


def place(app, lang="nl", **extra):
    form = place_form(review(app, lang, **extra))
    form["accept_terms"] = True
    return form.submit(status=303)


def stock(site, name):
    return site.read(lambda root: root["products"][name].stock)


def orders(site):
    return site.read(lambda root: list(root["orders"].values()))


@pytest.mark.parametrize(
    "lang, thanks, how_to_pay, subject",
    [
        ("nl", "Bedankt voor uw bestelling", "Hoe betalen", "Uw bestelling"),
        ("fr", "Merci pour votre commande", "Comment payer", "Votre commande"),
    ],
)
def test_a_guest_pays_by_bank_transfer(site, app, smtp, lang, thanks, how_to_pay, subject):
    before = stock(site, "mug-cafe")
    add_to_cart(app, "mug-cafe", 2, lang)
    confirmation = place(app, lang).follow()
    [order] = orders(site)
    assert stock(site, "mug-cafe") == before - 2
    assert confirmation.request.path == f"/{lang}/order/{order.number}/{order.access_key}"
    assert thanks in confirmation.text
    assert how_to_pay in confirmation.html.select_one(".payment-instructions h2").text
    shown = confirmation.html.select_one(".ogm").text.strip()
    assert shown == str(order.payment_reference)
    assert shown.startswith("+++") and ogm_vcs.is_valid(shown)
    assert order.lang == lang and order.customer is None
    assert order.contact == {
        "name": "Jan Peeters",
        "email": "jan@example.be",
        "phone": ADDRESS["phone"],
    }
    # 2 x 13.50 and standard delivery (6.95: under the free-shipping threshold).
    assert order.total == Decimal("33.95")
    assert confirmation.html.select_one(".order-total").text.strip().replace("\xa0", " ") in (
        "€ 33,95",
        "33,95 €",
    )
    assert confirmation.headers["Cache-Control"] == "no-store"
    assert confirmation.headers["Referrer-Policy"] == "no-referrer"
    # The withdrawal right and the model form are on the confirmation page.
    assert confirmation.html.select_one("#withdrawal .model-form") is not None
    # The cart is empty afterwards.
    assert app.get(f"/{lang}/cart").html.select_one("main table.cart") is None
    # The confirmation mail, in the customer's language, with the same communication.
    assert send_queued(site.registry).sent == 1
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ("jan@example.be",)
    assert mail.message["Subject"].startswith(subject)
    assert order.number in mail.message["Subject"]
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert thanks in text and thanks in html
    assert shown in text and shown in html
    assert f"/{lang}/order/{order.number}/{order.access_key}" in text


def test_the_review_shows_the_vat_per_rate_and_the_shipping(site, app):
    add_to_cart(app, "mug-cafe", 1)
    page = review(app, shipping="express")
    rows = [row.text.split() for row in page.html.select(".order-lines tr.vat")]
    assert rows, "the VAT breakdown is shown"
    assert page.html.select_one("a[href='/nl/terms']") is not None
    assert "12,95" in page.html.select_one(".order-lines tr.shipping").text


def test_shipping_is_free_from_the_threshold(site, app):
    add_to_cart(app, "mug-cafe", 4)  # 54.00
    place(app)
    [order] = orders(site)
    assert order.shipping["cost"] == Decimal("0.00")
    assert order.total == Decimal("54.00")


def test_terms_must_be_accepted(site, app):
    add_to_cart(app, "mug-cafe")
    page = place_form(review(app)).submit(status=400)
    summary = page.html.select_one(".error-summary[role=alert]")
    assert summary.select_one("a[href='#place-order-accept-terms']") is not None
    assert page.html.select_one("#place-order-accept-terms")["aria-invalid"] == "true"
    assert orders(site) == []


def test_tampered_fields_never_change_what_is_charged(site, app):
    add_to_cart(app, "mug-cafe", 1)
    form = place_form(review(app))
    form["accept_terms"] = True
    fields = form.submit_fields() + [
        ("price", "0.01"),
        ("total", "0.01"),
        ("shipping_cost", "0"),
        ("shipping.cost", "0"),
        ("qty", "99"),
        ("pid", "1"),
        ("lines-0.qty", "50"),
        ("status", "paid"),
        ("customer", "someone-else"),
        ("workflow_state", "paid"),
    ]
    app.post("/nl/checkout", fields, status=303)
    [order] = orders(site)
    assert order.total == Decimal("20.45")  # 13.50 + 6.95, from the product and settings
    assert [(line["name"], line["qty"]) for line in order.lines] == [("mug-cafe", 1)]
    assert order.workflow_state == "placed"
    assert order.customer is None


def test_a_forged_shipping_method_or_payment_is_an_error_not_a_charge(site, app):
    add_to_cart(app, "mug-cafe", 1)
    for key, value in (("shipping", "free-by-hand"), ("payment", "cash-in-hand")):
        form = fill(checkout_form(app))
        form[key].force_value(value)
        page = form.submit(status=400)
        summary = page.html.select_one(".error-summary[role=alert]")
        assert summary.select_one(f"a[href='#checkout-{key}']") is not None
    assert orders(site) == []


@pytest.mark.parametrize(
    "lang, message",
    [
        ("nl", "Een Belgische postcode heeft vier cijfers"),
        ("fr", "Un code postal belge compte quatre chiffres"),
        ("en", "A Belgian postcode has four digits"),
    ],
)
def test_bad_input_is_explained_in_the_visitors_language(site, app, lang, message):
    add_to_cart(app, "mug-cafe", 1, lang)
    form = fill(checkout_form(app, lang), **{"delivery.postcode": "123", "email": "not-an-email"})
    page = form.submit(status=400)
    assert message in page.html.select_one("#checkout-delivery-postcode-error").text
    assert page.html.select_one("#checkout-contact-email-error") is not None
    # What the visitor typed is kept.
    assert page.html.select_one("#checkout-delivery-street")["value"] == "Kerkstraat 1"
    assert orders(site) == []


def test_garbage_posts_get_a_4xx_never_a_500(site, app):
    add_to_cart(app, "mug-cafe", 1)
    form = checkout_form(app)
    token = form["csrf_token"].value
    for fields in (
        {},
        {"step": "place"},
        {"step": "place", "token": "x"},
        {"delivery.country": "US", "step": "review"},
        {"name": "x" * 10_000, "step": "place"},
    ):
        response = app.post("/nl/checkout", {"csrf_token": token, **fields}, expect_errors=True)
        assert 400 <= response.status_int < 500
    assert orders(site) == []


def test_a_double_submit_places_one_order(site, app):
    add_to_cart(app, "mug-cafe", 1)
    form = place_form(review(app))
    form["accept_terms"] = True
    first = form.submit(status=303)
    again = form.submit(status=303)  # a double click, or a reload of the POST
    assert first.location == again.location
    assert len(orders(site)) == 1


def test_more_than_the_stock_is_refused_with_a_clear_message(site, app):
    add_to_cart(app, "mug-cafe", 2)
    page = review(app)
    with site.edit() as root:
        root["products"]["mug-cafe"].set_stock(1)  # someone else bought one meanwhile
    form = place_form(page)
    form["accept_terms"] = True
    refused = form.submit(status=409)
    assert "Mok Café Cactus (1)" in refused.html.select_one(".checkout-problem").text
    assert orders(site) == []
    assert stock(site, "mug-cafe") == 1


def test_an_empty_cart_cannot_be_ordered(site, app):
    page = app.get("/nl/checkout")
    assert page.html.select_one(".checkout-problem") is not None
    assert not [f for f in forms(page) if f.action == "/nl/checkout"]


def test_the_confirmation_page_needs_its_key(site, app):
    add_to_cart(app, "mug-cafe", 1)
    place(app)
    [order] = orders(site)
    app.get(f"/nl/order/{order.number}/{order.access_key}", status=200)
    app.get(f"/nl/order/{order.number}/{'A' * 22}", status=404)
    app.get(f"/nl/order/{order.number}", status=404)
    app.get(f"/nl/orders/{order.number}", status=404)  # the folder itself is not public


def test_the_shop_does_not_start_without_a_valid_bank_account(tmp_path):
    from tests.conftest import make_site

    with pytest.raises(ValueError, match="shopcms.bank.iban"):
        make_site(tmp_path, **{"shopcms.bank.iban": "BE00 1234 5678 9012"})


def test_an_empty_checkout_answers_400_with_a_summary_linked_to_the_fields(site, app):
    add_to_cart(app, "mug-cafe", 1)
    form = checkout_form(app)
    form["email"] = ""
    page = form.submit(status=400)
    html = page.html
    summary = html.select_one("#checkout-errors.error-summary[role=alert]")
    links = [a["href"] for a in summary.select("a[href^='#']")]
    for wanted in ("name", "email", "phone"):
        assert f"#checkout-contact-{wanted}" in links
    for wanted in ("street", "postcode", "city"):
        assert f"#checkout-delivery-{wanted}" in links
    for link in links:
        input_ = html.select_one(link)
        assert input_["aria-invalid"] == "true", link
        [described] = input_["aria-describedby"].split()
        assert html.select_one(f"#{described}").text.strip(), link
        # Each field has its label.
        assert html.select_one(f"label[for='{input_['id']}']") is not None
    # Nothing typed in the other address: it was not asked for.
    assert not [link for link in links if "billing" in link]
    assert orders(site) == []


def test_the_personal_fields_say_what_they_hold(site, app):
    add_to_cart(app, "mug-cafe", 1)
    form = checkout_form(app)
    tokens = {
        name: field(form, name).attrs.get("autocomplete")
        for name in ("name", "email", "phone", "delivery.street", "delivery.postcode",
                     "delivery.city", "delivery.country", "billing.street",
                     "billing.postcode", "billing.city", "billing.country")
    }  # fmt: skip
    assert tokens == {
        "name": "name",
        "email": "email",
        "phone": "tel",
        "delivery.street": "shipping address-line1",
        "delivery.postcode": "shipping postal-code",
        "delivery.city": "shipping address-level2",
        "delivery.country": "shipping country",
        "billing.street": "billing address-line1",
        "billing.postcode": "billing postal-code",
        "billing.city": "billing address-level2",
        "billing.country": "billing country",
    }
    # Shipping and payment are radio groups, each in a fieldset with its legend.
    for name in ("shipping", "payment"):
        group = form.html.select_one(f"fieldset#item-checkout-{name}")
        assert group.legend.text.strip()
        assert {i["name"] for i in group.select("input[type=radio]")} == {name}


def test_change_details_goes_back_to_the_form_with_what_was_typed(site, app):
    add_to_cart(app, "mug-cafe", 1)
    page = review(app, shipping="express", **{"delivery.city": "Gent-Centrum"})
    [change] = [f for f in forms(page) if f.id == "change-order"]
    back = change.submit(status=200)
    form = [f for f in forms(back) if f.id == "checkout"][0]
    assert field(form, "delivery.city").value == "Gent-Centrum"
    assert (form["name"].value, form["shipping"].value) == ("Jan Peeters", "express")
    assert form["token"].value == place_form(page)["token"].value  # the same checkout
    assert orders(site) == []
