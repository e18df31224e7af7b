"""Catalog pages for visitors without any cookie come from the page cache: each still gets
its own CSRF token, and any change of the content shows at once."""

from webtest import TestApp

from shopcms.pagecache import CSRF_PLACEHOLDER


def fresh(site):
    """A new visitor: no cookies at all."""
    return TestApp(site.wsgi)


def token(page):
    return page.html.select_one("form.add-to-cart input[name=csrf_token]")["value"]


def test_each_cookieless_visitor_gets_a_working_token_of_their_own(site):
    first, second = fresh(site), fresh(site)
    page_one = first.get("/nl/products/mug-cafe")
    page_two = second.get("/nl/products/mug-cafe")
    assert CSRF_PLACEHOLDER not in page_one.text
    assert token(page_one) != token(page_two)
    assert len(site.registry.shopcms_page_cache._pages) >= 1  # the second came from the cache
    form = [f for f in page_two.forms.values() if f.action == "/nl/cart"][0]
    form.submit(status=303)
    assert "Mok Café Cactus" in second.get("/nl/cart").text


def test_a_changed_product_shows_at_once(site):
    assert "13,50" in fresh(site).get("/nl/products/mug-cafe").text
    assert "13,50" in fresh(site).get("/nl/products/?category=gifts").text
    with site.edit() as root:
        mug = root["products"]["mug-cafe"]
        mug.set_price("11.00", mug.vat_rate)
        mug.changed()
    assert "11,00" in fresh(site).get("/nl/products/mug-cafe").text
    assert "11,00" in fresh(site).get("/nl/products/?category=gifts").text


def test_visitors_with_state_see_their_own_page(site):
    visitor = fresh(site)
    fresh(site).get("/nl/products/")  # cached for visitors without cookies
    page = visitor.get("/nl/products/mug-cafe")
    [f for f in page.forms.values() if f.action == "/nl/cart"][0].submit(status=303)
    listing = visitor.get("/nl/products/")
    assert listing.html.select_one(".cart-link .count").text == "(1)"
    assert fresh(site).get("/nl/products/").html.select_one(".cart-link .count") is None


def test_the_cache_is_bounded(site):
    cache = site.registry.shopcms_page_cache
    cache.max_entries = 3
    for query in ("a", "b", "c", "d", "e"):
        fresh(site).get("/nl/products/", {"q": query})
    assert len(cache._pages) == 3
