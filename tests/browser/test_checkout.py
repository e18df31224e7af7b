"""A customer buys in a real browser and pays by bank transfer; the order desk then marks
the order paid and shipped."""

import re

from tests.browser.test_smoke import expect, login_through_the_header, url_path
from tests.conftest import PASSWORD


def test_customer_checks_out_and_the_order_desk_ships(
    live_site, new_context, browser_log, screenshot
):
    live_site.add_account("klant@example.be", PASSWORD)
    live_site.add_account("balie@example.be", PASSWORD, roles=("orders",))

    customer = new_context().new_page()
    login_through_the_header(customer, "klant@example.be", PASSWORD)
    customer.wait_for_url(url_path("/nl/"))
    customer.goto("/nl/products/")
    customer.fill("form.search input[name=q]", "pot")
    customer.click("form.search button[type=submit]")
    # A pot, which is shipped (the first hit is the 50 euro gift card, "plant met pot":
    # an order of gift cards alone is delivered by mail once paid, with nothing to ship).
    customer.locator("article.product-card a[href$='/products/pot-creme']").first.click()
    customer.locator("form.add-to-cart button").click()
    customer.goto("/nl/cart")
    customer.locator("a.checkout-link").click()
    customer.wait_for_url(url_path("/nl/checkout"))
    expect(customer.locator("input[name=email]")).to_have_value("klant@example.be")
    customer.fill("input[name=name]", "An Janssens")
    customer.fill("input[name=phone]", "+32 470 12 34 56")
    customer.fill("#checkout-delivery-street", "Veldstraat 10")
    customer.fill("#checkout-delivery-postcode", "9000")
    customer.fill("#checkout-delivery-city", "Gent")
    customer.check("input[name=payment][value=transfer]")
    screenshot(customer, "checkout-nl")
    customer.locator("form.checkout button[type=submit]").click()
    expect(customer.locator("h1")).to_have_text("Controleer uw bestelling")
    expect(customer.locator(".order-lines tr.vat")).not_to_have_count(0)
    customer.check("input[name=accept_terms]")
    screenshot(customer, "checkout-review-nl")
    customer.locator("form.place-order button[type=submit]").click()
    customer.wait_for_url(re.compile(r"/nl/order/\d{4}-\d{6}/"))
    expect(customer.locator("h1")).to_have_text("Bedankt voor uw bestelling")
    ogm = customer.locator(".ogm").inner_text().strip()
    assert re.fullmatch(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", ogm)
    number = customer.url.split("/")[-2]
    screenshot(customer, "order-confirmation-nl")

    desk = new_context().new_page()
    login_through_the_header(desk, "balie@example.be", PASSWORD)
    desk.wait_for_url(url_path("/nl/manage/"))
    desk.goto("/nl/manage/orders/")
    desk.get_by_role("link", name=number).click()
    desk.wait_for_url(url_path(f"/nl/manage/orders/{number}"))
    screenshot(desk, "order-desk-placed-nl")
    desk.locator("#transition-pay button").click()
    expect(desk.get_by_role("status")).to_be_visible()
    desk.locator("#transition-ship textarea").fill("bpost 3232")
    desk.locator("#transition-ship button").click()
    expect(desk.locator("#transition-deliver")).to_be_visible()
    expect(desk.locator("#transition-refund")).to_have_count(0)  # administrators only
    expect(desk.locator("form#refund")).to_have_count(0)  # the refund panel's form too
    screenshot(desk, "order-desk-shipped-nl")
    assert live_site.read(lambda root: root["orders"][number].workflow_state) == "shipped"
    browser_log.assert_clean()
