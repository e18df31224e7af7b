"""An editor changes the Dutch privacy statement in a real browser and visitors see it."""

from tests.browser.test_smoke import expect, login_through_the_header, url_path
from tests.conftest import PASSWORD

NEW_PARAGRAPH = "Deze alinea werd in de browser toegevoegd door de redactie."


def test_editor_publishes_the_dutch_privacy_statement(
    live_site, new_context, browser_log, screenshot
):
    live_site.add_account("redactie@example.be", PASSWORD, roles=("editor",))
    editor = new_context().new_page()
    login_through_the_header(editor, "redactie@example.be", PASSWORD)
    editor.wait_for_url(url_path("/nl/manage/"))

    editor.get_by_role("link", name="Pagina's bewerken").click()
    editor.locator("a[href='/nl/manage/pages/privacy/']").click()
    editor.locator("#lang-nl").get_by_role("link", name="Bewerken").click()
    body = editor.locator("form#revision textarea[name=body]")
    body.fill(body.input_value() + "\n\n" + NEW_PARAGRAPH + "\n")
    editor.locator("form#revision input[name=note]").fill("Alinea toegevoegd")
    editor.locator("form#revision button[name=preview]").click()
    expect(editor.locator("section.preview")).to_contain_text(NEW_PARAGRAPH)
    editor.locator("form#revision button[name=publish]").click()
    editor.wait_for_url(url_path("/nl/manage/pages/privacy/"))
    expect(editor.get_by_role("status")).to_be_visible()

    visitor = new_context().new_page()
    visitor.goto("/nl/privacy")
    expect(visitor.locator("article.page")).to_contain_text(NEW_PARAGRAPH)
    screenshot(visitor, "privacy-nl-public")
    visitor.goto("/nl/privacy/versions")
    expect(visitor.locator("ol.versions li")).to_have_count(2)

    editor.goto("/nl/manage/pages/board")
    french = editor.locator("tr:has(a[href='/nl/manage/pages/privacy/']) td[data-lang=fr]")
    expect(french).to_have_attribute("data-state", "outdated")
    screenshot(editor, "translation-board-nl")
    browser_log.assert_clean()
