"""The cookie banner in a real browser (issue 7, acceptance 8).

First visit: the banner; "refuse all" hides it without reloading the page and sets no
optional cookie (read from the browser context's cookies); the footer link reopens the
choice; "accept all" there enables recently viewed.  Also: the choice per category with the
keyboard only, the plain form without JavaScript, and Global Privacy Control.
"""

from tests.browser.test_smoke import expect, url_path

OPTIONAL = {"recent", "known_visitor"}
BUTTONS = {
    "nl": ("Alles aanvaarden", "Alles weigeren", "Zelf kiezen"),
    "fr": ("Tout accepter", "Tout refuser", "Choisir"),
    "en": ("Accept all", "Refuse all", "Choose"),
}


def cookie_names(context):
    return {cookie["name"] for cookie in context.cookies()}


def boxes(page, names):
    """The rendered size of each banner button, by its name."""
    banner = page.locator("#cookie-banner")
    sizes = []
    for name in names:
        box = banner.get_by_role("button", name=name, exact=True).bounding_box()
        sizes.append((round(box["width"]), round(box["height"])))
    return sizes


def mark_the_page(page):
    """A marker that a reload would lose: proves the choice did not reload the page."""
    page.evaluate("window.shopcmsNoReload = 'still here'")


def still_the_same_page(page):
    return page.evaluate("window.shopcmsNoReload") == "still here"


def test_refuse_then_reopen_from_the_footer_then_accept(new_context, browser_log, screenshot):
    context = new_context()
    page = context.new_page()
    page.goto("/nl/products/mug-cafe")
    banner = page.locator("#cookie-banner")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("heading", level=2)).to_have_text("Cookies bij Soft Cactus")
    accept, refuse, choose = BUTTONS["nl"]
    # Equally prominent: three buttons of one size.
    sizes = boxes(page, BUTTONS["nl"])
    assert len(set(sizes)) == 1, sizes
    screenshot(page, "banner-nl")

    mark_the_page(page)
    banner.get_by_role("button", name=refuse, exact=True).click()
    expect(banner).to_be_hidden()
    assert still_the_same_page(page)
    assert cookie_names(context) == {"cookie_consent"}  # no optional cookie, no session
    screenshot(page, "refused-nl")

    page.goto("/nl/products/pot-creme")
    expect(page.locator("#cookie-banner")).to_have_count(0)
    assert not cookie_names(context) & OPTIONAL

    # The footer reopens the choice, refused as it was.
    page.locator("footer a.cookie-settings-link").click()
    page.wait_for_url(url_path("/nl/cookie-settings"))
    for category in ("functional", "personalisation", "statistics"):
        expect(page.locator(f"#cookie-settings-form-{category}")).not_to_be_checked()
    screenshot(page, "settings-refused-nl")
    page.get_by_role("button", name=accept, exact=True).click()
    page.wait_for_url(url_path("/nl/cookie-settings?saved=1"))
    expect(page.get_by_role("status")).to_be_visible()
    for category in ("functional", "personalisation", "statistics"):
        expect(page.locator(f"#cookie-settings-form-{category}")).to_be_checked()

    # Recently viewed now works: two products, and the second shows the first.
    page.goto("/nl/products/mug-cafe")
    page.goto("/nl/products/pot-creme")
    recent = page.locator("section.recent article.product-card h3")
    expect(recent).to_have_text(["Mok Café Cactus"])
    assert "recent" in cookie_names(context)
    screenshot(page, "recently-viewed-nl")
    browser_log.assert_clean()


def test_the_banner_in_each_language(new_context, browser_log, screenshot):
    for lang, names in BUTTONS.items():
        page = new_context(locale={"nl": "nl-BE", "fr": "fr-BE", "en": "en-GB"}[lang]).new_page()
        page.goto("/")
        page.wait_for_url(url_path(f"/{lang}/"))
        banner = page.locator("#cookie-banner")
        for name in names:
            expect(banner.get_by_role("button", name=name, exact=True)).to_be_visible()
        screenshot(page, f"banner-{lang}")
    browser_log.assert_clean()


def test_choose_per_category_with_the_keyboard_only(new_context, browser_log, screenshot):
    context = new_context(locale="en-GB")
    page = context.new_page()
    page.goto("/en/")
    mark_the_page(page)
    # The banner comes first in the focus order, right after the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")  # the cookie policy link in the banner's text
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Accept all"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Refuse all"
    page.keyboard.press("Tab")
    choose = page.locator("#cookie-banner button.choose")
    expect(choose).to_be_focused()
    page.keyboard.press("Enter")
    expect(choose).to_have_attribute("aria-expanded", "true")
    # The first category has the focus; nothing is ticked in advance.
    expect(page.locator("#cookie-banner-form-functional")).to_be_focused()
    for box in ("functional", "personalisation", "statistics"):
        expect(page.locator(f"#cookie-banner-form-{box}")).not_to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#cookie-banner-form-personalisation")).to_be_focused()
    page.keyboard.press("Space")
    screenshot(page, "banner-choose-en")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#cookie-choices button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cookie-banner")).to_be_hidden()
    assert still_the_same_page(page)
    [value] = [c["value"] for c in context.cookies() if c["name"] == "cookie_consent"]
    assert "|personalisation|" in value
    browser_log.assert_clean()


def test_without_javascript_the_banner_is_a_plain_form(new_context, browser_log, screenshot):
    context = new_context(locale="fr-BE", java_script_enabled=False)
    page = context.new_page()
    page.goto("/fr/products/")
    accept, refuse, choose = BUTTONS["fr"]
    banner = page.locator("#cookie-banner")
    # "Choisir" opens the settings page and comes back after saving.
    banner.get_by_role("button", name=choose, exact=True).click()
    page.wait_for_url(url_path("/fr/cookie-settings?next=%2Ffr%2Fproducts%2F"))
    screenshot(page, "settings-no-js-fr")
    page.get_by_role("button", name=refuse, exact=True).click()
    page.wait_for_url(url_path("/fr/products/"))
    expect(page.locator("#cookie-banner")).to_have_count(0)
    assert cookie_names(context) == {"cookie_consent"}
    browser_log.assert_clean()


def test_global_privacy_control_hides_the_banner_even_on_shared_pages(new_context, browser_log):
    context = new_context(extra_http_headers={"Sec-GPC": "1"})
    # Chromium sends no signal of its own: the page sees what such a browser exposes.
    context.add_init_script(
        "Object.defineProperty(navigator, 'globalPrivacyControl', {value: true})"
    )
    page = context.new_page()
    page.goto("/nl/products/")  # a page shared by every visitor without cookies
    expect(page.locator("#cookie-banner")).to_be_hidden()
    page.goto("/nl/cookie-settings")
    expect(page.locator("p.gpc")).to_be_visible()
    browser_log.assert_clean()
