"""What the checkout's pages show a customer on the way: the steps, the required fields
marked before anything is sent, the billing address only when asked for, and the same
totals (subtotal, shipping, VAT, total) in every summary from the cart to the mail."""

from decimal import Decimal

from shopcms.mail import send_queued
from tests.orders.test_checkout import (
    add_to_cart,
    checkout_form,
    field,
    fill,
    orders,
    place,
    place_form,
    review,
)

STEPS = ["Winkelmandje", "Uw gegevens", "Controleer uw bestelling", "Betaling"]


def steps(page):
    """``[(title, state, link or None)]`` of the page's checkout steps; ``state`` is
    ``current`` for the one with ``aria-current="step"``."""
    nav = page.html.select_one("nav.checkout-steps[aria-label]")
    assert nav is not None and nav.ol is not None and "steps" in nav.ol["class"]
    found = []
    for item in nav.select("ol.steps > li"):
        state = "current" if item.get("aria-current") == "step" else item["class"][0]
        link = item.a["href"] if item.a else None
        found.append((item.get_text(strip=True), state, link))
    return found


def test_every_step_page_shows_the_steps_the_done_ones_linked_where_going_back_helps(site, app):
    add_to_cart(app, "mug-cafe", 2)
    cart = app.get("/nl/cart")
    assert steps(cart) == [
        (STEPS[0], "current", None),
        (STEPS[1], "todo", None),
        (STEPS[2], "todo", None),
        (STEPS[3], "todo", None),
    ]
    details = app.get("/nl/checkout")
    assert steps(details) == [
        (STEPS[0], "done", "/nl/cart"),
        (STEPS[1], "current", None),
        (STEPS[2], "todo", None),
        (STEPS[3], "todo", None),
    ]
    # The review: back to the details is its "Change details" button (it keeps them).
    reviewed = review(app)
    assert steps(reviewed) == [
        (STEPS[0], "done", "/nl/cart"),
        (STEPS[1], "done", None),
        (STEPS[2], "current", None),
        (STEPS[3], "todo", None),
    ]
    confirmation = place(app).follow()
    # The order is placed: the cart is no way back any more.
    assert steps(confirmation) == [
        (STEPS[0], "done", None),
        (STEPS[1], "done", None),
        (STEPS[2], "done", None),
        (STEPS[3], "current", None),
    ]


def test_an_empty_cart_shows_no_steps(site, app):
    assert app.get("/nl/cart").html.select_one("nav.checkout-steps") is None


def test_required_fields_are_marked_before_anything_is_sent(site, app):
    add_to_cart(app, "mug-cafe")
    page = app.get("/nl/checkout")
    form = page.html.select_one("form#checkout")
    assert form.select_one(".required-note") is not None  # "Fields marked with * ..."
    for name in ("contact-name", "contact-email", "contact-phone", "delivery-street",
                 "delivery-postcode", "delivery-city", "delivery-country"):  # fmt: skip
        control = form.select_one(f"#checkout-{name}")
        # A select whose first option is a real choice says it with aria-required (HTML
        # allows required only with an empty first option).
        assert control.has_attr("required") or control.get("aria-required") == "true", name
        mark = form.select_one(f"label[for=checkout-{name}] .required[aria-hidden=true]")
        assert mark is not None and mark.text == "*", name
    for name in ("shipping", "payment"):
        assert form.select_one(f"#item-checkout-{name} legend .required") is not None
    # Optional boxes carry no mark.
    assert form.select_one("label[for=checkout-newsletter] .required") is None


def test_the_billing_address_is_asked_for_with_its_box_and_read_only_with_it(site, app):
    add_to_cart(app, "mug-cafe")
    page = app.get("/nl/checkout")
    billing = page.html.select_one("fieldset.billing-address")
    box = billing.select_one("input[type=checkbox][name=separate_billing]")
    assert box is not None and not box.has_attr("checked")
    assert box["aria-describedby"] == "checkout-billing-separate-billing-help"
    # Without JavaScript the fields are there; required only with the box, so not marked
    # so for the browser, and the help of the box says when they are needed.
    street = billing.select_one("#checkout-billing-street")
    assert street is not None and not street.has_attr("required")
    assert billing.select_one("label[for=checkout-billing-street] .required") is not None
    # The script that hides them until the box is ticked is a file of the orders.
    [script] = [s["src"] for s in page.html.select("script[src]") if "checkout" in s["src"]]
    assert "if (box.checked)" in app.get(script).text
    assert not page.html.select("script:not([src])")

    # Half a billing address without the box: ignored, the order goes on.
    form = fill(checkout_form(app))
    field(form, "billing.street").value = "Veldstraat 9"
    reviewed = form.submit(status=200)
    assert reviewed.html.select_one("h1").text == "Controleer uw bestelling"
    form = place_form(reviewed)
    form["accept_terms"] = True
    form.submit(status=303)
    [order] = orders(site)
    assert order.billing is None


def test_with_the_box_ticked_the_billing_address_is_checked_and_kept(site, app):
    add_to_cart(app, "mug-cafe")
    form = fill(checkout_form(app))
    form["separate_billing"] = True
    refused = form.submit(status=400)
    links = [a["href"] for a in refused.html.select(".error-summary a")]
    assert "#checkout-billing-street" in links and "#checkout-billing-city" in links
    form = fill(checkout_form(app))
    form["separate_billing"] = True
    field(form, "billing.street").value = "Veldstraat 9"
    field(form, "billing.postcode").value = "9000"
    field(form, "billing.city").value = "Gent"
    reviewed = form.submit(status=200)
    assert "Veldstraat 9" in reviewed.html.select_one(".cards").text
    form = place_form(reviewed)
    form["accept_terms"] = True
    form.submit(status=303)
    [order] = orders(site)
    assert order.billing == {
        "street": "Veldstraat 9",
        "postcode": "9000",
        "city": "Gent",
        "country": "BE",
    }


def money(cell):
    """The amount in a cell as Decimal ("€ 33,95" -> 33.95)."""
    digits = "".join(c for c in cell.get_text() if c.isdigit() or c == ",")
    return Decimal(digits.replace(",", "."))


def test_every_summary_shows_subtotal_shipping_vat_and_total_the_same(site, app, smtp):
    add_to_cart(app, "mug-cafe", 2)  # 2 x 13.50, standard delivery 6.95: 33.95
    # The VAT of 33.95 at 21 %: 33.95 * 21 / 121 = 5.89.
    expected = {
        "subtotal": Decimal("27.00"),
        "shipping": Decimal("6.95"),
        "total": Decimal("33.95"),
        "vat": Decimal("5.89"),
    }

    cart = app.get("/nl/cart").html
    rows = {key: cart.select_one(f"table.cart tfoot tr.{key} td") for key in expected}
    assert {key: money(cell) for key, cell in rows.items()} == expected
    left = cart.select_one(".free-delivery strong")
    assert money(left) == Decimal("23.00")  # to the 50.00 of free delivery

    side = app.get("/nl/checkout").html.select_one("aside.cart-summary .summary-totals")
    found = {key: money(side.select_one(f".{key} dd")) for key in expected}
    assert found == expected

    def table(page):
        summary = page.html.select_one("table.order-lines")
        return {key: money(summary.select(f"tr.{key} td")[-1]) for key in expected}

    assert table(review(app)) == expected
    confirmation = place(app).follow()
    assert table(confirmation) == expected

    assert send_queued(site.registry).sent == 1
    [mail] = smtp.wait_for(1)
    text = mail.message.get_body(("plain",)).get_content().replace("\xa0", " ")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("2 x "))
    # The line, then the subtotal, shipping, total and VAT (labels need the catalogs).
    assert [line.rsplit(": ", 1)[-1] for line in lines[at : at + 5]] == [
        "€ 27,00",
        "€ 27,00",
        "€ 6,95",
        "€ 33,95",
        "€ 5,89",
    ]
    html = mail.message.get_body(("html",)).get_content()
    assert "27,00" in html and "6,95" in html and "33,95" in html and "5,89" in html


def test_above_the_threshold_delivery_is_free_and_said_so(site, app):
    add_to_cart(app, "mug-cafe", 4)  # 54.00
    cart = app.get("/nl/cart").html
    shipping = cart.select_one("table.cart tfoot tr.shipping td")
    assert shipping.text.strip() == "gratis"
    assert money(cart.select_one("table.cart tfoot tr.total td")) == Decimal("54.00")
    assert cart.select_one(".free-delivery strong") is None
    assert cart.select_one(".free-delivery") is not None
