"""The home page sells: the editors' featured products and categories (chosen on the desk at
``/{lang}/manage/storefront``), the newest products, the shop's promises; never a product
the visitor may not see."""

import pytest

from tests.conftest import PASSWORD, Browser, login, make_site

HIDDEN = "monstera-variegata"  # an unpublished product of the seed catalog


def editor(site):
    site.add_account("redactie@example.be", PASSWORD, roles=("editor",))
    app = Browser(site.wsgi)
    login(app, "redactie@example.be", PASSWORD)
    return app


def pid(site, name):
    return site.read(lambda root: root["products"][name].pid)


def cards(page, section):
    """The product names of the cards in ``section`` of the home page, in order."""
    return [a["href"].rsplit("/", 1)[1] for a in page.html.select(f"#{section} .product-card > a")]


def choose(app, products=(), categories=(), status=303):
    form = app.get("/nl/manage/storefront").forms["storefront"]
    for field in form.fields.get("checkbox", ()):
        field.checked = field._value in products or field._value in categories
    return form.submit("save", status=status)


def test_an_editor_chooses_what_the_home_page_features(site):
    app = editor(site)
    wanted = [pid(site, "aloe-vera"), pid(site, "mug-cafe"), pid(site, HIDDEN)]
    response = choose(app, [str(p) for p in wanted], ["pots", "cacti"])
    assert response.location.endswith("/nl/manage/storefront")
    # The form shows the choice again.
    form = app.get("/nl/manage/storefront").forms["storefront"]
    ticked = {f._value for f in form.fields["checkbox"] if f.checked}
    assert ticked == {*map(str, wanted), "pots", "cacti"}

    visitor = Browser(site.wsgi)
    home = visitor.get("/nl/")
    # In the catalog's title order; the hidden product never shows.
    featured = cards(home, "featured")
    assert sorted(featured) == ["aloe-vera", "mug-cafe"]
    assert HIDDEN not in home.text
    categories = [a["href"] for a in home.html.select(".featured-categories a")]
    # The categories in their own order (cacti before pots).
    assert categories == ["/nl/products/?category=cacti", "/nl/products/?category=pots"]
    # The new arrivals leave out what is featured.
    assert not set(cards(home, "new-arrivals")) & set(featured)


def test_a_product_hidden_after_it_was_chosen_disappears_from_the_home_page(site):
    choose(editor(site), [str(pid(site, "aloe-vera"))])
    assert cards(Browser(site.wsgi).get("/nl/"), "featured") == ["aloe-vera"]
    with site.edit() as root:
        root["products"]["aloe-vera"].set_visibility(False)
    home = Browser(site.wsgi).get("/nl/")
    assert home.html.select_one("#featured") is None
    assert "aloe-vera" not in home.text


def test_new_arrivals_are_the_newest_published_products(site):
    clock = site.registry.shopcms_clock
    with site.edit() as root:
        for name in ("pilea-peperomioides", HIDDEN):
            product = root["products"][name]
            product.created = clock()
            root.catalog.index_resource(product)
    arrivals = cards(Browser(site.wsgi).get("/nl/"), "new-arrivals")
    assert arrivals[0] == "pilea-peperomioides"
    assert HIDDEN not in arrivals
    assert len(arrivals) == 8


def test_the_free_delivery_threshold_is_the_checkouts(tmp_path):
    site = make_site(tmp_path, **{"shopcms.shipping.free_from": "75"})
    try:
        promises = Browser(site.wsgi).get("/nl/").html.select(".promises li")
        assert len(promises) == 3
        assert "75,00" in promises[0].text
    finally:
        site.close()


@pytest.mark.parametrize("roles", [None, ("customer",)])
def test_only_editors_choose(site, roles):
    app = Browser(site.wsgi)
    if roles:
        site.add_account("klant@example.be", PASSWORD, roles=roles)
        login(app, "klant@example.be", PASSWORD)
    response = app.get("/nl/manage/storefront", expect_errors=True)
    assert response.status_int in (403, 404) or "storefront" not in response.forms


def test_a_choice_outside_the_list_is_refused(site):
    app = editor(site)
    form = app.get("/nl/manage/storefront").forms["storefront"]
    fields = list(form.fields["checkbox"])
    fields[0].force_value("999999")
    fields[0].checked = True
    response = form.submit("save", status=400)
    assert response.html.select_one(".error-summary")
    assert site.read(lambda root: root["products"].featured_pids) == ()


def test_the_choice_is_posted_with_its_csrf_token(site):
    app = editor(site)
    form = app.get("/nl/manage/storefront").forms["storefront"]
    form["csrf_token"] = "forged"
    form.submit("save", status=400)
    assert site.read(lambda root: root["products"].featured_pids) == ()
