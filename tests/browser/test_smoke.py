"""The smoke journey in a real Chromium: languages, switcher, login, keyboard, narrow screen.

Every test ends with ``browser_log.assert_clean()``: no console error and no page error on
any page, so the Content-Security-Policy blocks nothing the pages need.
"""

import re

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD

WELCOME = {
    "nl": "Welkom bij Soft Cactus",
    "fr": "Bienvenue chez Soft Cactus",
    "en": "Welcome to Soft Cactus",
}
MANAGEMENT = {"nl": "Beheer", "fr": "Gestion", "en": "Management"}
LOGIN_ERROR = "Het e-mailadres of het wachtwoord is niet juist."


def url_path(path):
    """A regular expression matching the live server's URL for ``path``, exactly."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + r"$")


def expect(locator):
    from playwright.sync_api import expect

    return expect(locator)


def expect_h1(page, text):
    expect(page.locator("h1")).to_have_text(text)


def test_home_in_each_language(page, browser_log, screenshot):
    response = page.goto("/")
    assert response.ok
    assert page.url.endswith("/nl/")  # nl-BE browser: Accept-Language negotiation
    expect_h1(page, WELCOME["nl"])
    assert page.get_attribute("html", "lang") == "nl"
    screenshot(page, "home-nl")

    for lang in ("fr", "en"):
        assert page.goto(f"/{lang}/").ok
        expect_h1(page, WELCOME[lang])
        assert page.get_attribute("html", "lang") == lang
        screenshot(page, f"home-{lang}")
    browser_log.assert_clean()


def test_switcher_keeps_the_page_and_changes_the_language(page, browser_log):
    page.goto("/fr/")
    page.locator("nav.languages a", has_text="English").click()
    page.wait_for_url(url_path("/en/"))
    expect_h1(page, WELCOME["en"])

    page.goto("/nl/privacy")
    page.locator("nav.languages a", has_text="Français").click()
    page.wait_for_url(url_path("/fr/privacy"))
    assert page.get_attribute("html", "lang") == "fr"
    current = page.locator('nav.languages a[aria-current="true"]')
    assert current.get_attribute("href") == "/fr/privacy"
    browser_log.assert_clean()


def test_french_browser_lands_on_french_home(new_context, browser_log, screenshot):
    page = new_context(locale="fr-BE").new_page()
    page.goto("/")
    page.wait_for_url(url_path("/fr/"))
    expect_h1(page, WELCOME["fr"])
    screenshot(page, "home-fr-negotiated")
    browser_log.assert_clean()


def login_through_the_header(page, email, password, lang="nl"):
    page.goto(f"/{lang}/")
    login = page.locator("a.login")
    if not login.is_visible():
        # A small screen: the header's links are in its menu, opened first.
        page.locator("header details summary").click()
    login.click()
    page.wait_for_url(url_path(f"/{lang}/login"))
    form = page.locator("form#login")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[name=login]").click()


def test_admin_logs_in_through_the_form(context, page, browser_log, screenshot):
    login_through_the_header(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url(url_path("/nl/manage/"))
    expect_h1(page, MANAGEMENT["nl"])
    screenshot(page, "manage-nl")

    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert "session" in cookies
    assert cookies["session"]["httpOnly"] is True
    assert cookies["session"]["sameSite"] == "Lax"
    # The device cookie: this browser logged in to the account (login protection).
    assert cookies["device"]["httpOnly"] is True
    assert cookies["device"]["sameSite"] == "Strict"
    assert set(cookies) <= {"session", "language", "device"}, sorted(cookies)
    browser_log.assert_clean()


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(
    live_site, page, browser_log, screenshot
):
    # Not the admin: failed attempts are throttled per account.
    email = "wrong-password@example.be"
    live_site.add_account(email, PASSWORD)
    login_through_the_header(page, email, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text(LOGIN_ERROR)
    assert page.url.endswith("/nl/login")
    expect_h1(page, "Aanmelden")
    assert page.locator("form#login input[name=email]").input_value() == email
    screenshot(page, "login-error-nl")
    browser_log.assert_clean(allow=[("/nl/login", 400)])  # the failed login's own status


def test_login_form_works_with_the_keyboard_only(live_site, page, browser_log):
    email = "keyboard@example.be"
    live_site.add_account(email, PASSWORD, roles=("admin",))
    page.goto("/en/login")
    page.focus("form#login input[name=email]")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url_path("/en/manage/"))
    expect_h1(page, MANAGEMENT["en"])
    browser_log.assert_clean()


def test_narrow_screen_has_no_horizontal_scroll(new_context, browser_log, screenshot):
    page = new_context(viewport={"width": 375, "height": 740}).new_page()
    for path, name in (("/nl/", "home-nl"), ("/nl/login", "login-nl")):
        page.goto(path)
        overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        screenshot(page, f"{name}-375px")
        assert overflow[0] <= overflow[1], f"{path} scrolls sideways: {overflow}"
    browser_log.assert_clean()


def test_favicon_is_served(page, browser_log):
    page.goto("/nl/")
    href = page.locator("link[rel~=icon]").first.get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml"), href
    browser_log.assert_clean()
