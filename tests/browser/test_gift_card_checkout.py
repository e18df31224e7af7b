"""Issue 19, gift cards at checkout, tried as a new customer would in a real browser: a
guest who got a 20-euro card types a wrong code and is told by the field (a 400, the
details kept), then the right one; the review shows the card (•••• and its last four),
what it pays and what is left to pay by transfer; the confirmation asks only that rest;
the order desk shows the card.  Each state passes axe-core (WCAG 2.2 AA) at 1280 and 320
px and does not scroll sideways at 320 (the accessibility walk's ``Audit``); screenshots.

Amounts are read from the product page and the cart, never written out.  Its own shop
(``shop``), so the card does not leak into the other browser tests' site."""

import re
from decimal import Decimal

from tests.browser.conftest import open_page
from tests.browser.test_accessibility import Audit
from tests.browser.test_promotions import flat, log_in
from tests.browser.test_smoke import expect
from tests.conftest import PASSWORD
from tests.giftcards.helpers import make_card

DESK = "balie@example.be"
MUG = "mug-cafe"
CARD = Decimal("20.00")


def euro(text):
    """The amount of a Dutch money text (``"€ 1.234,50"``, ``"− € 3,70"``) as a Decimal."""
    digits = re.sub(r"[^0-9,]", "", text)
    return Decimal(digits.replace(",", "."))


def nl_money(amount):
    return f"€ {amount:.2f}".replace(".", ",")


def test_a_guest_pays_part_with_a_gift_card_and_the_rest_by_transfer(
    shop, browser, browser_log, screenshot
):
    site, base = shop
    site.add_account(DESK, PASSWORD, roles=("orders",))
    _key, code = make_card(site, str(CARD))
    audit = Audit()
    customer = audit.watch(open_page(browser, browser_log, base, "nl-BE"))
    customer.goto("/nl/")
    customer.locator("#cookie-banner").get_by_role("button", name="Alles weigeren").click()
    customer.goto(f"/nl/products/{MUG}")
    price = euro(customer.locator("p.price.big").inner_text())
    customer.locator("form.add-to-cart button").click()
    customer.wait_for_load_state()
    customer.goto("/nl/cart")
    total = euro(customer.locator(".cart-total").inner_text())
    assert total > price > 0 and total > CARD  # the card pays part of it

    # 1. The details with a code the shop does not know: refused by the field, a 400.
    customer.locator("a.checkout-link").click()
    customer.fill("input[name=email]", "lotte.peeters@example.be")
    customer.fill("input[name=name]", "Lotte Peeters")
    customer.fill("input[name=phone]", "+32 470 12 34 56")
    customer.fill("#checkout-delivery-street", "Veldstraat 10")
    customer.fill("#checkout-delivery-postcode", "9000")
    customer.fill("#checkout-delivery-city", "Gent")
    customer.check("input[name=payment][value=transfer]")
    customer.fill("input[name=gift_card]", "AAAA-BBBB-CCCC-DDDD")
    posted = lambda response: response.url.endswith("/nl/checkout")  # noqa: E731
    with customer.expect_response(posted) as answer:
        customer.locator("form.checkout button[type=submit]").click()
    assert answer.value.status == 400
    field = customer.locator("input[name=gift_card]")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(customer.locator("form.checkout")).to_contain_text(
        "Deze cadeauboncode kennen we niet. Controleer hem en probeer opnieuw."
    )
    expect(customer.locator("#checkout-delivery-street")).to_have_value("Veldstraat 10")
    audit.check(customer, "checkout with a refused gift card")
    screenshot(customer, "giftcard--01-refused")

    # 2. The right code, typed in lower case: the review shows the card and the rest.
    field.fill(code.lower())
    customer.locator("form.checkout button[type=submit]").click()
    customer.wait_for_selector("form.place-order")
    rest = total - CARD
    expect(customer.locator("tr.gift-card")).to_contain_text(
        f"Betaald met cadeaubon •••• {code[-4:]}"
    )
    assert euro(customer.locator(".order-gift-card").inner_text()) == CARD
    assert euro(customer.locator(".order-due").inner_text()) == rest
    assert (
        flat(customer.locator(".left-to-pay").inner_text()) == f"Nog te betalen: {nl_money(rest)}"
    )
    audit.check(customer, "checkout review with a gift card")
    screenshot(customer, "giftcard--02-review")

    # 3. Placed: the transfer asks only the rest.
    customer.check("input[name=accept_terms]")
    customer.locator("form.place-order button[type=submit]").click()
    customer.wait_for_url(re.compile(r"/nl/order/\d{4}-\d{6}/"))
    number = customer.url.split("/order/")[1].split("/")[0]
    instructions = flat(customer.locator(".payment-instructions").inner_text())
    assert f"Schrijf {nl_money(rest)} over" in instructions
    assert euro(customer.locator(".order-due").inner_text()) == rest
    audit.check(customer, "order confirmation with a gift card")
    screenshot(customer, "giftcard--03-confirmation")

    # 4. The order desk shows the card and what was left to pay.
    desk = audit.watch(open_page(browser, browser_log, base, "nl-BE"))
    log_in(desk, DESK)
    desk.goto(f"/nl/manage/orders/{number}")
    expect(desk.locator("tr.gift-card")).to_contain_text(f"•••• {code[-4:]}")
    assert euro(desk.locator(".order-due").inner_text()) == rest
    audit.check(desk, "order desk with a gift card")
    screenshot(desk, "giftcard--04-desk")

    report = audit.write_report()
    assert not audit.violations, report
    assert all(state["wider"] <= 0 for state in audit.states), report
    browser_log.assert_clean(allow=[("/nl/checkout", 400)])
