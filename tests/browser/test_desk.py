"""The management desk in a real Chromium: the page editor's live preview follows the
typing, the product's language tabs work with the keyboard, and no desk page scrolls
sideways at 320 or 640 px (the sidebar becomes a disclosure, tables scroll inside their
own region)."""

from tests.browser.test_smoke import expect, login_through_the_header, url_path
from tests.conftest import PASSWORD
from tests.factories import make_order

DESK_PAGES = (
    "/nl/manage/",
    "/nl/manage/products/",
    "/nl/manage/products/?sort=price&dir=desc",
    "/nl/manage/products/mammillaria-elongata/edit",
    "/nl/manage/products/mammillaria-elongata/images",
    "/nl/manage/products/add",
    "/nl/manage/categories/",
    "/nl/manage/pages/",
    "/nl/manage/pages/about/",
    "/nl/manage/pages/about/edit?lang=nl",
    "/nl/manage/pages/about/history",
    "/nl/manage/pages/board",
    "/nl/manage/orders/",
    "/nl/manage/reviews/",
    "/nl/manage/newsletter/",
    "/nl/manage/contests/",
    "/nl/manage/statistics/",
    "/nl/manage/customers/",
    "/nl/manage/privacy/",
    "/nl/manage/pages/add",
    "/nl/manage/newsletter/add",
    "/nl/manage/contests/add",
)


def staff_page(live_site, new_context, email, roles, **options):
    live_site.add_account(email, PASSWORD, roles=roles)
    page = new_context(**options).new_page()
    login_through_the_header(page, email, PASSWORD)
    page.wait_for_url(url_path("/nl/manage/"))
    return page


def test_the_live_preview_follows_the_typing(live_site, new_context, browser_log, screenshot):
    editor = staff_page(live_site, new_context, "live@example.be", ("editor",))
    editor.goto("/nl/manage/pages/about/edit?lang=nl")
    live = editor.locator("#md-live")
    expect(live).to_be_visible()
    body = editor.locator("#revision-body")
    body.fill("")
    body.press_sequentially("## Live kop\n\nEen **vette** zin.\n\n<script>window.hit = 1</script>")
    expect(live.locator("h2")).to_have_text("Live kop")
    expect(live.locator("strong")).to_have_text("vette")
    expect(live).to_contain_text("<script>")  # shown as text, never run
    assert live.locator("script").count() == 0
    assert editor.evaluate("window.hit") is None

    # The toolbar: one tab stop, arrow keys, each button labelled; Bold wraps the selection.
    toolbar = editor.get_by_role("toolbar")
    expect(toolbar).to_be_visible()
    body.fill("woord")
    body.press("Control+a")
    editor.locator("#md-toolbar button[data-md=bold]").focus()
    editor.keyboard.press("Enter")
    assert body.input_value() == "**woord**"
    expect(live.locator("strong")).to_have_text("woord")
    editor.locator("#md-toolbar button[data-md=bold]").focus()
    editor.keyboard.press("ArrowRight")
    assert editor.evaluate("document.activeElement.dataset.md") == "italic"
    screenshot(editor, "page-editor-live-preview")
    browser_log.assert_clean()


def test_the_language_tabs_work_with_the_keyboard(live_site, new_context, browser_log, screenshot):
    editor = staff_page(live_site, new_context, "tabs@example.be", ("editor",))
    editor.goto("/nl/manage/products/mammillaria-elongata/edit")
    tablist = editor.get_by_role("tablist")
    expect(tablist).to_be_visible()
    tabs = tablist.get_by_role("tab")
    expect(tabs).to_have_count(3)
    expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    expect(editor.locator("#product-nl")).to_be_visible()
    expect(editor.locator("#product-fr")).to_be_hidden()

    tabs.nth(0).focus()
    editor.keyboard.press("ArrowRight")
    expect(tabs.nth(1)).to_be_focused()
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(editor.locator("#product-fr")).to_be_visible()
    expect(editor.locator("#product-nl")).to_be_hidden()
    editor.keyboard.press("End")
    expect(tabs.nth(2)).to_be_focused()
    expect(editor.locator("#product-en")).to_be_visible()
    editor.keyboard.press("ArrowRight")  # wraps to the first
    expect(tabs.nth(0)).to_be_focused()
    # Tab leaves the tablist for the chosen panel's first field.
    editor.keyboard.press("Tab")
    assert editor.evaluate("document.activeElement.closest('fieldset').id") == "product-nl"
    screenshot(editor, "product-edit-tabs")

    # A field in error in a hidden tab: its tab is chosen when the page comes back.
    editor.locator("#product-nl input[name=title]").fill("")
    editor.locator("form#product button[name=save]").click()
    expect(editor.locator("#product-nl")).to_be_visible()
    expect(editor.locator("#product-nl [aria-invalid=true]")).to_have_count(1)
    browser_log.assert_clean(allow=[("/nl/manage/products/mammillaria-elongata/edit", 400)])


def test_no_desk_page_scrolls_sideways_at_320_and_640_px(
    live_site, new_context, browser_log, screenshot
):
    for width in (320, 640):
        admin = staff_page(
            live_site,
            new_context,
            f"wide-{width}@example.be",
            ("admin",),
            viewport={"width": width, "height": 800},
        )
        wide = []
        with live_site.edit() as root:
            number = make_order(root).number
        order = (f"/nl/manage/orders/{number}",)
        for path in DESK_PAGES + order:
            admin.goto(path)
            sizes = admin.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if sizes[0] > sizes[1]:
                wide.append((path, sizes))
        assert not wide, f"at {width} px these scroll sideways: {wide}"
        # The sidebar is a disclosure here, closed until asked for.
        admin.goto("/nl/manage/products/")
        menu = admin.locator("nav#desk-nav details")
        expect(menu).to_be_visible()
        expect(admin.locator("nav#desk-nav ul.desk-sections")).to_be_hidden()
        link = menu.locator("a.desk-section-pages")
        expect(link).to_be_hidden()
        menu.locator("summary").click()
        expect(link).to_be_visible()
        screenshot(admin, f"desk-products-{width}px")
    browser_log.assert_clean()
