"""The storefront in a real Chromium: the header's search and menu, the home page's rows,
the listing's filters, stacked cart rows, and the design tokens' contrast.

Figures come from the browser's own layout and computed styles: the page's width against
the viewport (WCAG 1.4.10 at 320 px), the header's rows, where the first product card of
the listing starts, and the contrast ratios (WCAG's relative luminance) of the focus ring
and the language switcher.
"""

import re

import pytest

from shopcms.products import api as products

NARROW = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}


def expect(locator):
    from playwright.sync_api import expect

    return expect(locator)


# --- WCAG contrast, from CSS colours as the browser computes them ("rgb(r, g, b)") ---


def rgb(css):
    """``(r, g, b)`` of a computed colour, or None when it is (nearly) transparent."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if len(numbers) == 4 and numbers[3] < 0.5:
        return None
    return tuple(numbers[:3])


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_function_follows_wcag():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((0x76, 0x76, 0x76), (255, 255, 255)), 2) == 4.54


#: The computed colours around an element: its text, its own background, the background
#: it sits on (the nearest ancestor's that is not transparent), its outline and shadow.
STYLES = """el => {
  const style = getComputedStyle(el);
  let behind = el.parentElement;
  const clear = /rgba\\(0, 0, 0, 0\\)|transparent/;
  while (behind && clear.test(getComputedStyle(behind).backgroundColor)) {
    behind = behind.parentElement;
  }
  const shadow = style.boxShadow.match(/rgba?\\([^)]*\\)/);
  return {
    color: style.color,
    background: style.backgroundColor,
    behind: behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)',
    outline: style.outlineColor, outlineWidth: parseFloat(style.outlineWidth),
    outlineStyle: style.outlineStyle, shadow: shadow ? shadow[0] : null,
    focusVisible: el.matches(':focus-visible'),
  };
}"""


def ring_contrast(page, selector):
    """The focus ring of ``selector`` (focused from the keyboard): the better contrast of
    its two colours (the dark outline, the light halo) against the background it is on."""
    page.keyboard.press("Tab")  # keyboard modality: a programmatic focus then shows the ring
    element = page.locator(selector).first
    element.focus()
    styles = element.evaluate(STYLES)
    assert styles["focusVisible"], selector
    assert styles["outlineStyle"] != "none" and styles["outlineWidth"] >= 2, styles
    behind = rgb(styles["behind"])
    colours = [rgb(styles["outline"])] + ([rgb(styles["shadow"])] if styles["shadow"] else [])
    return max(contrast(colour, behind) for colour in colours if colour)


# --- layout figures ---

NO_SIDEWAYS = "[document.documentElement.scrollWidth, window.innerWidth]"
#: The rows the header's visible items take: items whose vertical extents overlap share one.
HEADER_ROWS = """() => {
  const items = [...document.querySelectorAll('.header-bar > *')]
    .map(el => el.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0)
    .sort((a, b) => a.top - b.top);
  const rows = [];
  for (const r of items) {
    const last = rows[rows.length - 1];
    if (last && r.top < last.bottom - 2) { last.bottom = Math.max(last.bottom, r.bottom); }
    else { rows.push({top: r.top, bottom: r.bottom}); }
  }
  return rows.length;
}"""


def assert_fits(page, path):
    width, viewport = page.evaluate(NO_SIDEWAYS)
    assert width <= viewport, f"{path} scrolls sideways: {width} > {viewport}"
    rows = page.evaluate(HEADER_ROWS)
    assert rows <= 2, f"{path}: the header takes {rows} rows"


@pytest.fixture(scope="module")
def featured(live_site):
    """Two featured products (one of them unpublished) and a featured category, chosen as
    the desk keeps them: ``(shown product, hidden product)`` names."""
    shown, hidden = "mug-cafe", "monstera-variegata"
    with live_site.edit() as site:
        folder = site["products"]
        assert not folder[hidden].published
        products.choose_featured(site, [folder[shown].pid, folder[hidden].pid], ["cacti"])
    yield shown, hidden
    with live_site.edit() as site:
        products.choose_featured(site, [], [])


def test_home_shows_featured_and_new_arrivals_never_hidden(
    new_context, featured, browser_log, screenshot
):
    shown, hidden = featured
    for viewport, name in ((PHONE, "390"), (WIDE, "1280")):
        page = new_context(viewport=viewport).new_page()
        page.goto("/nl/")
        links = page.locator("#featured .product-card a")
        expect(links).to_have_count(1)
        assert links.first.get_attribute("href").endswith(f"/nl/products/{shown}")
        arrivals = page.locator("#new-arrivals .product-card")
        assert arrivals.count() >= 4
        assert page.locator(f"a[href$='/products/{hidden}']").count() == 0
        assert page.locator(".featured-categories a[href*='category=cacti']").count() == 1
        assert page.locator(".promises li").count() == 3
        screenshot(page, f"home-{name}")
    browser_log.assert_clean()


def test_header_search_finds_a_product(new_context, browser_log):
    page = new_context(viewport=NARROW).new_page()
    page.goto("/nl/")
    search = page.get_by_role("search")
    box = search.get_by_role("searchbox")
    # Labelled (the label's text is translated: "Search products").
    assert page.locator("label[for=site-search-q]").inner_text().strip()
    box.fill("schoonmoedersstoel")
    search.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/nl/products/\?q=schoonmoedersstoel$"))
    found = page.locator(".results .product-card a")
    expect(found).to_have_count(1)
    assert found.get_attribute("href").endswith("/nl/products/echinocactus-grusonii")
    browser_log.assert_clean()


def test_narrow_pages_fit_and_the_header_takes_two_rows(new_context, browser_log, screenshot):
    page = new_context(viewport=NARROW).new_page()
    for path in ("/nl/", "/nl/products/", "/nl/products/mug-cafe", "/nl/cart", "/nl/checkout"):
        if path == "/nl/cart":
            page.goto("/nl/products/mug-cafe")
            page.locator(
                "form.add-to-cart button[type=submit], form[action$='/cart'] button"
            ).first.click()
            page.wait_for_url(re.compile(r"/nl/"))
        page.goto(path)
        assert_fits(page, path)
        if path == "/nl/cart":
            assert page.locator("table.cart tbody tr").count() == 1
            remove = page.locator("table.cart td.remove button").first.bounding_box()
            assert remove["x"] + remove["width"] <= NARROW["width"], remove
            screenshot(page, "cart-320")
        if path == "/nl/checkout":
            screenshot(page, "checkout-320")
    # The review: its line table stacked, the terms' label one sentence beside its box.
    page.fill("input[name=name]", "An Janssens")
    page.fill("input[name=email]", "an@example.be")
    page.fill("input[name=phone]", "+32 470 12 34 56")
    page.fill("#checkout-delivery-street", "Veldstraat 10")
    page.fill("#checkout-delivery-postcode", "9000")
    page.fill("#checkout-delivery-city", "Gent")
    page.locator("form.checkout button[type=submit]").click()
    terms = page.locator(".terms label")
    expect(terms).to_be_visible()
    assert_fits(page, "review")
    box = page.locator(".terms input").bounding_box()
    label = terms.bounding_box()
    assert label["x"] > box["x"] + box["width"] and label["y"] < box["y"] + box["height"]
    assert {a.evaluate("a => getComputedStyle(a).display") for a in terms.locator("a").all()} == {
        "inline"
    }
    screenshot(page, "review-320")
    browser_log.assert_clean()


def test_first_listing_product_is_on_the_first_screen(new_context, browser_log, screenshot):
    for viewport, name in ((PHONE, "390"), (WIDE, "1280")):
        page = new_context(viewport=viewport).new_page()
        page.goto("/nl/products/")
        top = page.locator(".results .product-card").first.bounding_box()["y"]
        assert top < viewport["height"], f"first product at {top} px at {name} px"
        # The filters: behind their disclosure on the phone, shown on the wide screen.
        search = page.locator(".filters input[name=q]")
        assert search.is_visible() == (viewport is WIDE)
        screenshot(page, f"listing-{name}")
    page = new_context(viewport=PHONE).new_page()
    page.goto("/nl/products/")
    page.locator(".filters-toggle > summary").click()
    expect(page.locator(".filters input[name=q]")).to_be_visible()
    browser_log.assert_clean()


def test_menu_opens_without_javascript(new_context, browser_log):
    page = new_context(viewport=NARROW, java_script_enabled=False).new_page()
    page.goto("/nl/")
    login = page.locator(".menu a.login")
    expect(login).to_be_hidden()
    page.locator(".menu > summary").click()
    expect(login).to_be_visible()
    expect(page.locator(".menu nav.languages a[hreflang=fr]")).to_be_visible()
    assert page.evaluate(HEADER_ROWS) <= 2  # the open menu lies over the page
    login.click()
    page.wait_for_url(re.compile(r"/nl/login$"))
    browser_log.assert_clean()


def test_everything_in_the_header_shows_on_a_wide_screen(new_context, browser_log):
    page = new_context(viewport=WIDE).new_page()
    page.goto("/nl/")
    for selector in (".menu a.login", ".shopnav a", ".languages a[hreflang=en]", ".cart-link"):
        expect(page.locator(selector).first).to_be_visible()
    expect(page.locator(".menu > summary")).to_be_hidden()
    assert page.evaluate(HEADER_ROWS) <= 2
    browser_log.assert_clean()


def test_focus_ring_and_switcher_contrast(new_context, browser_log):
    for viewport in (NARROW, WIDE):
        page = new_context(viewport=viewport).new_page()
        page.goto("/nl/products/")
        assert ring_contrast(page, ".logo") >= 3  # on the header's green
        assert ring_contrast(page, ".cart-link") >= 3
        assert ring_contrast(page, ".results .product-card a") >= 3  # on a white card
        assert ring_contrast(page, "#site-search-q") >= 3
        page.goto("/nl/")
        assert ring_contrast(page, ".promises a") >= 3  # on the sand page
    # The current language: its text on its box, its box on the header.
    page.goto("/nl/")
    current = page.locator('nav.languages a[aria-current="true"]')
    styles = current.evaluate(STYLES)
    text, box, header = rgb(styles["color"]), rgb(styles["background"]), rgb(styles["behind"])
    assert contrast(text, box or header) >= 4.5, styles
    if box:
        assert contrast(box, header) >= 3, styles
    browser_log.assert_clean()
