"""The product page's "Recently viewed": the offer to remember them while the visitor has
not consented, the products once there are some, and nothing at all (not even its heading)
after consenting, until another product was viewed."""

from tests.conftest import Browser


def recent(page):
    """The product names of the page's "Recently viewed" section, or None without one."""
    section = page.html.select_one("section.recent")
    if section is None:
        return None
    return [a["href"].rsplit("/", 1)[1] for a in section.select(".product-card > a")]


def test_recently_viewed_shows_only_with_products(site):
    app = Browser(site.wsgi)
    page = app.get("/nl/products/aloe-vera")
    assert recent(page) == []  # the offer to remember them: its consent form
    page.forms["allow-personalisation"].submit(status=303)
    # Consented, and this is the only product viewed: no empty section.
    assert recent(app.get("/nl/products/aloe-vera")) is None
    assert recent(app.get("/nl/products/mug-cafe")) == ["aloe-vera"]
