"""A visitor shops in a real browser: search, filter, compare two products, fill the cart."""

from tests.browser.test_smoke import expect, url_path


def test_visitor_searches_filters_compares_and_adds_to_cart(new_context, browser_log, screenshot):
    page = new_context().new_page()
    page.goto("/nl/products/")
    page.fill("form.search input[name=q]", "cactus")
    page.select_option("select[name=sort]", "price")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/nl/products/?q=cactus*")
    cards = page.locator("article.product-card")
    expect(cards.first).to_be_visible()

    page.locator("nav.facets a", has_text="Cactussen").click()
    page.wait_for_url("**category=cacti*")
    screenshot(page, "listing-nl")
    first, second = (cards.nth(i).locator("a").get_attribute("href") for i in (0, 1))

    for number, href in enumerate((first, second)):
        page.goto(href)
        page.locator("form[action='/nl/compare'] button").click()
        # The first addition, from a browser without cookies yet, lands on the list itself,
        # which can tell whether the browser kept the cookie; after that the visitor stays.
        page.wait_for_url("**/nl/compare?added=*" if number == 0 else url_path(href))
    screenshot(page, "product-nl")

    page.goto("/nl/products/mug-cafe")
    page.fill("form.add-to-cart input[name=qty]", "2")
    page.click("form.add-to-cart button")
    page.wait_for_url(url_path("/nl/products/mug-cafe"))
    expect(page.get_by_role("status")).to_be_visible()

    page.goto("/nl/compare")
    expect(page.locator("table.compare thead th")).to_have_count(2)
    screenshot(page, "compare-nl")

    page.goto("/nl/cart")
    expect(page.locator("table.cart tbody tr")).to_have_count(1)
    expect(page.locator("table.cart .line-total")).to_contain_text("27,00")
    screenshot(page, "cart-nl")
    browser_log.assert_clean()
