"""The alerts' page states pass axe-core (WCAG 2.2 AA) at 1280 and 320 px in a real
browser: the product page with the form, the form refused, the notice after asking, the
confirmation page and its answer.  (Chromium and axe-core as the browser tests use them:
skipped where they are missing, unless SHOPCMS_REQUIRE_BROWSER=1.)"""

import pytest

from tests.browser.conftest import (  # noqa: F401 (fixtures)
    browser,
    chromium_path,
    live_server,
    live_site,
    playwright,
)
from tests.outbox import queued
from tests.stockalerts.helpers import OUT, confirmation_link

AXE = __import__("tests.browser.test_accessibility", fromlist=["AXE"]).AXE
pytestmark = pytest.mark.browser  # with the browser tests (tests/browser marks its own)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page):
    """axe-core's violations on ``page`` at 1280 and at 320 px."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install-test)")
    found = []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
        result = page.evaluate("options => axe.run(document, options)", options)
        found += [(width, v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    return found


def test_the_alerts_pages_pass_axe(browser, live_server, live_site):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    try:
        states = {}
        page.goto(f"{live_server}/fr/products/{OUT}")
        states["form"] = violations(page)
        with page.expect_navigation():
            page.click("#stock-alert-notify")  # empty: refused, 400
        assert page.locator(".stock-alert-page").count() == 1
        states["refused"] = violations(page)
        page.fill("#stock-alert-email", "axe@example.be")
        with page.expect_navigation():
            page.click("#stock-alert-notify")
        assert page.locator("div.notice").count() == 1
        states["asked"] = violations(page)
        [(_, message)] = [m for m in queued(live_site) if m[0] == "axe@example.be"]
        page.goto(live_server + confirmation_link(message))
        states["confirm"] = violations(page)
        with page.expect_navigation():
            page.click("#stock-alert-confirm-confirm")
        states["confirmed"] = violations(page)
        assert states == {name: [] for name in states}
    finally:
        context.close()
