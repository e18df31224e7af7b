"""The checkout in a real browser: the steps, the billing address that shows only once its
box is ticked (orders/static/checkout.js), at 320 px without sideways scrolling."""

from tests.browser.test_smoke import expect, url_path


def test_the_billing_fields_show_once_asked_for_and_the_steps_fit_a_phone(
    new_context, browser_log, screenshot
):
    page = new_context(viewport={"width": 320, "height": 720}).new_page()
    page.goto("/nl/products/mug-cafe")
    page.locator("form.add-to-cart button").click()
    page.goto("/nl/cart")
    expect(page.locator("nav.checkout-steps li[aria-current=step]")).to_have_text("Winkelmandje")
    page.locator("a.checkout-link").click()
    page.wait_for_url(url_path("/nl/checkout"))
    expect(page.locator("nav.checkout-steps li[aria-current=step]")).to_have_text("Uw gegevens")

    street = page.locator("#checkout-billing-street")
    expect(street).to_be_hidden()
    page.check("#checkout-billing-separate-billing")
    expect(street).to_be_visible()
    expect(street).to_have_attribute("required", "required")
    screenshot(page, "checkout-billing-320")
    page.uncheck("#checkout-billing-separate-billing")
    expect(street).to_be_hidden()

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the checkout scrolls sideways at 320 px ({width} px)"
