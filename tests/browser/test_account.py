"""A new customer in a real browser: registers, confirms the address from the mail, saves
the details at checkout, downloads the data export and withdraws the personalisation
consent."""

import json
import re
from pathlib import Path

from tests.browser.test_smoke import expect, url_path
from tests.conftest import PASSWORD
from tests.outbox import queued

EMAIL = "nieuwe.klant@example.be"


def verification_link(site, email):
    """The confirmation link of the newest mail queued for ``email``."""
    for _to, message in reversed(queued(site)):
        if email in message["To"]:
            text = message.get_body(("plain",)).get_content()
            return re.search(r"https?://\S+(/nl/verify\?token=\S+)", text).group(1)
    raise AssertionError(f"no mail to {email} in the queue")


def test_register_save_details_export_and_withdraw(live_site, new_context, browser_log, screenshot):
    page = new_context(accept_downloads=True).new_page()
    page.goto("/nl/register")
    page.fill("form#register input[name=email]", EMAIL)
    page.fill("form#register input[name=password]", PASSWORD)
    page.locator("form#register button[name=register]").click()
    expect(page.locator("h1")).to_have_text("Kijk in uw mailbox")
    screenshot(page, "register-mail-sent-nl")

    page.goto(verification_link(live_site, EMAIL))
    page.fill("form#token input[name=password]", PASSWORD)
    page.locator("form#token button[name=confirm]").click()
    page.wait_for_url(url_path("/nl/account/"))
    screenshot(page, "account-nl")

    # Checkout with "save my details" ticked.
    page.goto("/nl/products/mug-cafe")
    page.locator("form.add-to-cart button").click()
    page.goto("/nl/checkout")
    page.fill("input[name=name]", "Nele Claes")
    page.fill("input[name=phone]", "+32 470 98 76 54")
    page.fill("#checkout-delivery-street", "Korenmarkt 5")
    page.fill("#checkout-delivery-postcode", "9000")
    page.fill("#checkout-delivery-city", "Gent")
    page.check("input[name=payment][value=transfer]")
    page.check("input[name=keep_details]")
    screenshot(page, "checkout-save-details-nl")
    page.locator("form.checkout button[type=submit]").click()
    page.check("input[name=accept_terms]")
    page.locator("form.place-order button[type=submit]").click()
    page.wait_for_url(re.compile(r"/nl/order/\d{4}-\d{6}/"))
    page.goto("/nl/account/addresses")
    expect(page.locator("main")).to_contain_text("Korenmarkt 5")

    # Download the data export.
    page.goto("/nl/account/export")
    expect(page.locator("main")).to_contain_text("Korenmarkt 5")
    screenshot(page, "data-export-nl")
    with page.expect_download() as download:
        page.locator("#export-json").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert EMAIL in json.dumps(data)
    assert "Korenmarkt 5" in json.dumps(data)

    # Give, then withdraw, the personalisation consent: one click each.
    page.goto("/nl/account/privacy")
    toggle = page.locator("form.consent-toggle[data-purpose=personalisation]")
    toggle.locator("button").click()
    expect(page.locator("form.consent-toggle[data-purpose=personalisation]")).to_have_attribute(
        "data-given", "true"
    )
    page.locator("form.consent-toggle[data-purpose=personalisation] button").click()
    expect(page.locator("form.consent-toggle[data-purpose=personalisation]")).to_have_attribute(
        "data-given", "false"
    )
    screenshot(page, "privacy-consent-withdrawn-nl")
    browser_log.assert_clean()
