"""The product's edit page: a tab per language (in-page links to the language groups of
the form, enhanced by web/static/tabs.js), each with its translation state."""

from tests.conftest import PASSWORD, Browser, login

SEED_PRODUCT = "mammillaria-elongata"


def editor(site):
    app = Browser(site.wsgi)
    site.add_account("tabs-editor@example.be", roles=("editor",))
    login(app, "tabs-editor@example.be", PASSWORD)
    return app


def tabs(page):
    return page.html.select("ul.lang-tabs[data-tabs-for=product] a")


def test_each_language_has_a_tab_to_its_group_with_every_field(site):
    with site.edit() as root:
        product = root["products"][SEED_PRODUCT]
        product.set_texts("en", "", "")
        product.changed()
    page = editor(site).get(f"/nl/manage/products/{SEED_PRODUCT}/edit")
    links = tabs(page)
    assert [a["href"] for a in links] == ["#product-nl", "#product-fr", "#product-en"]
    for link in links:
        panel = page.html.find(id=link["href"][1:])
        assert panel.name == "fieldset" and "lang-panel" in panel["class"]
        # The group is a direct child of the form, so :target shows it alone without script.
        assert panel.parent.name == "form"
        # Rendered generically: every field of the language's group is in its tab.
        assert panel.find("input", attrs={"name": "title"}) is not None
        assert panel.find("textarea", attrs={"name": "description"}) is not None
    states = {a["data-lang"]: a.select_one(".lang-state")["class"] for a in links}
    assert "translated" in states["nl"] and "translated" in states["fr"]
    assert "missing" in states["en"]
    script = [s["src"] for s in page.html.find_all("script", src=True) if "tabs.js" in s["src"]]
    assert script
    # The form still saves every language (nothing depends on the tabs).
    page.forms["product"].submit("save", status=303)


def test_a_new_product_shows_every_language_missing(site):
    page = editor(site).get("/nl/manage/products/add")
    assert all("missing" in a.select_one(".lang-state")["class"] for a in tabs(page))
