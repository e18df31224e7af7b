"""The shop's forms are deform forms: unique ids, a refused quantity answered with the form
again (400, the error summary linked to the field), tampered requests refused, and the
lists' "add to cart"."""

from collections import Counter

from tests.conftest import Browser, start_session
from tests.products.test_shop import add, post_list, product


def ids(page):
    return [element["id"] for element in page.html.select("[id]")]


def test_the_product_pages_forms_have_unique_ids(app):
    page = app.get("/nl/products/mug-cafe")
    forms = page.html.select("main form")
    # Add to cart, wishlist, compare, and the consent for the recently viewed.
    assert len(forms) == 4
    assert len({form["id"] for form in forms}) == len(forms)
    assert [name for name, count in Counter(ids(page)).items() if count > 1] == []
    # Each label points at its own field.
    for label in page.html.select("main form label[for]"):
        assert page.html.find(id=label["for"]) is not None


def test_the_cart_and_the_lists_pages_have_unique_ids(app, site):
    for name in ("mug-cafe", "pot-creme"):
        add(app, name)
        post_list(app, name, "wishlist")
        post_list(app, name, "compare")
    for path in ("/nl/cart", "/nl/wishlist", "/nl/compare"):
        page = app.get(path)
        assert [name for name, count in Counter(ids(page)).items() if count > 1] == [], path


def test_a_bad_quantity_in_the_cart_gets_the_form_again_with_its_error(app, site):
    add(app, "mug-cafe", qty=2)
    add(app, "pot-creme", qty=1)
    pid = product(site, "mug-cafe").pid
    cart = app.get("/nl/cart")
    form = cart.forms[f"cart-{pid}"]
    for bad in ("abc", "100", "-1", ""):
        form["qty"] = bad
        response = form.submit("update", status=400)
        summary = response.html.select_one(f"form#cart-{pid} .error-summary[role=alert]")
        assert summary is not None, bad
        link = summary.select_one("a")
        assert link["href"] == f"#cart-{pid}-qty"
        field = response.html.select_one(f"#cart-{pid}-qty")
        assert field["aria-invalid"] == "true"
        assert f"cart-{pid}-qty-error" in field["aria-describedby"]
        assert field["value"] == bad  # the visitor's input is kept
        # The rest of the cart is there as always.
        assert len(response.html.select("table.cart tbody tr")) == 2
    assert app.get("/nl/cart").html.select_one(f"#cart-{pid}-qty")["value"] == "2"
    form = app.get("/nl/cart").forms[f"cart-{pid}"]
    form["qty"] = "3"
    form.submit("update", status=303)
    assert app.get("/nl/cart").html.select_one(f"#cart-{pid}-qty")["value"] == "3"
    app.get("/nl/cart").forms[f"cart-remove-{pid}"].submit(status=303)
    assert len(app.get("/nl/cart").html.select("table.cart tbody tr")) == 1


def test_a_bad_quantity_on_the_product_page_gets_the_product_page_again(app, site):
    page = app.get("/nl/products/mug-cafe")
    form = page.forms["add-to-cart"]
    form["qty"] = "0"
    response = form.submit("add", status=400)
    assert response.html.select_one("h1").text == "Mok Café Cactus"
    summary = response.html.select_one("form#add-to-cart .error-summary")
    assert summary.select_one("a")["href"] == "#add-to-cart-qty"
    assert "cart" not in app.cookies


def test_tampered_list_posts_are_refused(app, site):
    token = app.get("/nl/products/mug-cafe").forms["add-to-cart"]["csrf_token"].value
    pid = product(site, "mug-cafe").pid
    for target, params in (
        ("cart", {"op": "add", "pid": "abc"}),
        ("cart", {"op": "steal", "pid": pid}),
        ("cart", {"op": "add", "pid": "0"}),
        ("wishlist", {"op": "set", "pid": pid}),
        ("compare", {"op": "add", "pid": "-4"}),
    ):
        response = app.post(f"/nl/{target}", {"csrf_token": token, **params}, status=400)
        assert response.html.select_one("h1").text.strip()
    app.post("/nl/cart", {"csrf_token": token, "op": "add", "pid": 999_999}, status=404)


def test_the_wishlist_and_the_comparison_put_a_product_in_the_cart(app, site):
    post_list(app, "mug-cafe", "wishlist")
    pid = product(site, "mug-cafe").pid
    wishlist = app.get("/nl/wishlist")
    answer = wishlist.forms[f"wishlist-cart-{pid}"].submit(status=303)
    assert answer.location.endswith("/nl/wishlist")
    assert app.get("/nl/cart").html.select_one(f'tr[data-pid="{pid}"]') is not None
    post_list(app, "pot-creme", "compare")
    other = product(site, "pot-creme").pid
    app.get("/nl/compare").forms[f"compare-cart-{other}"].submit(status=303)
    assert app.get("/nl/cart").html.select_one(f'tr[data-pid="{other}"]') is not None


def test_the_listing_search_keeps_the_bookmarkable_names(app):
    page = app.get("/nl/products/", {"category": "cacti", "q": "cactus", "sort": "price"})
    form = page.forms["search"]
    assert form.method.upper() == "GET" and form.action == "/nl/products/"
    assert [name for name, _field in form.submit_fields()] == [
        "q",
        "category",
        "min",
        "max",
        "sort",
    ]
    assert form["category"].value == "cacti" and form["sort"].value == "price"
    form["min"] = "5"
    result = form.submit()
    assert result.request.path_qs == "/nl/products/?q=cactus&category=cacti&min=5&max=&sort=price"


def test_remembered_forms_carry_each_visitors_own_token(site):
    """The product page's forms are rendered once and remembered: each visitor must still
    get their own session's token in them, and their own state (in the wishlist or not)."""
    first, second = Browser(site.wsgi), Browser(site.wsgi)
    for browser in (first, second):
        start_session(browser)
    post_list(first, "pot-creme", "wishlist")
    pages = [b.get("/nl/products/pot-creme") for b in (first, second)]
    tokens = [
        {i["value"] for i in page.html.select("form#wishlist-toggle input[name=csrf_token]")}
        for page in pages
    ]
    assert all(len(t) == 1 for t in tokens) and tokens[0] != tokens[1]
    for page, token in zip(pages, tokens, strict=True):
        # The token is this visitor's: the form it is in is accepted (sent by its browser).
        form = page.forms["wishlist-toggle"]
        assert form["csrf_token"].value == next(iter(token))
        form.submit(status=303)
    wanted = [
        page.html.select_one("form#wishlist-toggle input[name=op]")["value"] for page in pages
    ]
    assert wanted == ["remove", "add"]


def test_one_remembered_rendering_serves_every_product_with_its_own_values(app, site):
    """The product page's forms are rendered once for every product: each page must carry
    its own product id and its own address to come back to."""
    for name in ("pot-creme", "mug-cafe", "aloe-vera"):
        page = app.get(f"/nl/products/{name}")
        for formid in ("add-to-cart", "wishlist-toggle", "compare-toggle"):
            form = page.forms[formid]
            assert int(form["pid"].value) == product(site, name).pid, (name, formid)
            assert form["came_from"].value == f"/nl/products/{name}", (name, formid)
