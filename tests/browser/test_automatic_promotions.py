"""A price reduced by an automatic promotion passes axe-core (WCAG 2.2 AA) at 1280 and
320 px in a real browser, on the product page and in the listing, and a screen reader
reads which price is which (not only a crossed-out number).  A shop of its own
(``shop``), so the reduction does not leak into the other browser tests' site."""

from datetime import timedelta

from tests.browser.conftest import open_page
from tests.browser.test_stock_alerts import violations
from tests.promotions.helpers import CACTUS
from tests.promotions.test_automatic import automatic


def test_a_reduced_price_passes_axe_and_is_named(browser, browser_log, shop):
    site, base = shop
    automatic(site, starts=-timedelta(days=1))
    page = open_page(browser, browser_log, base, "fr-BE")
    try:
        states = {}
        for name, path in (("product", f"/fr/products/{CACTUS}"), ("listing", "/fr/products/")):
            page.goto(path)
            price = page.locator(".price.reduced").first
            assert price.locator(".visually-hidden").all_inner_texts() == [
                "Prix précédent",
                "Prix actuel",
            ]
            states[name] = violations(page)
        assert states == {"product": [], "listing": []}
    finally:
        page.context.close()
