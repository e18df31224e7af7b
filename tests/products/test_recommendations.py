"""Recommendations: only for a customer who consented, from their own orders and recently
viewed products, never stored, never on a shared page."""

from shopcms.privacy.purposes import PERSONALISATION
from tests.conftest import PASSWORD, Browser, login
from tests.orders.test_checkout import add_to_cart, place

PRODUCT_LINK = "/nl/products/"


def customer(site, email):
    """A new browser logged in as a new customer ``email``."""
    site.add_account(email)
    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    return app


def buy(app, *names):
    for name in names:
        add_to_cart(app, name)
    place(app)


def forms(page):
    """The page's forms, each once (WebTest also files a form with an id under its id)."""
    return [form for key, form in page.forms.items() if isinstance(key, int)]


def set_personalisation(app, given):
    page = app.get("/nl/account/privacy")
    [form] = [
        f
        for f in forms(page)
        if f.action == "/nl/account/consent"
        and f["purpose"].value == PERSONALISATION
        and f["op"].value in ("give", "withdraw")
    ]
    assert form["op"].value == ("give" if given else "withdraw")
    form.submit(status=303)


def recommended(page):
    """The product names in the page's "Recommended for you" block, or None without one."""
    block = page.html.select_one("section.recommended")
    if block is None:
        return None
    return [a["href"].removeprefix(PRODUCT_LINK) for a in block.select(".product-card a")]


def categories(site, names):
    return site.read(lambda root: {c for name in names for c in root["products"][name].categories})


def last_transaction(site):
    return site.registry._zodb_databases[""].lastTransaction()


def test_recommendations_need_the_personalisation_consent(site):
    app = customer(site, "an@example.be")
    buy(app, "echeveria-elegans")  # succulents
    assert recommended(app.get("/nl/")) is None
    assert recommended(app.get("/nl/products/aloe-vera")) is None

    set_personalisation(app, True)
    before = last_transaction(site)
    home = recommended(app.get("/nl/"))
    on_product = recommended(app.get("/nl/products/aloe-vera"))
    # Computed for the page, never stored: the GETs wrote nothing.
    assert last_transaction(site) == before
    assert home and len(home) <= 4
    # From the category of what was bought.
    assert all("succulents" in categories(site, [name]) for name in home)
    assert "echeveria-elegans" not in home  # already bought
    assert on_product and "aloe-vera" not in on_product  # not the product shown

    set_personalisation(app, False)
    assert recommended(app.get("/nl/")) is None
    assert recommended(app.get("/nl/products/aloe-vera")) is None


def test_recommendations_come_from_the_customers_own_data_only(site):
    first = customer(site, "an@example.be")
    buy(first, "mammillaria-elongata")  # cacti
    set_personalisation(first, True)
    assert categories(site, recommended(first.get("/nl/"))) & {"cacti"}

    second = customer(site, "bo@example.be")
    set_personalisation(second, True)
    # Nothing bought, nothing viewed: nothing to go on, and the first customer's orders
    # are not used.
    assert recommended(second.get("/nl/")) is None
    buy(second, "terracotta-pot-12")  # pots
    mine = recommended(second.get("/nl/"))
    assert mine and "pots" in categories(site, mine)
    assert not any("cacti" in categories(site, [name]) for name in mine)


def test_recently_viewed_products_count_with_the_cookie_consent(site):
    app = customer(site, "an@example.be")
    set_personalisation(app, True)
    app.get("/nl/products/monstera-deliciosa")
    assert recommended(app.get("/nl/")) is None  # without cookie consent nothing was kept
    page = app.get("/nl/products/monstera-deliciosa")
    form = page.forms["allow-personalisation"]
    assert form.action == "/nl/cookie-consent"
    form.submit(status=303)
    app.get("/nl/products/monstera-deliciosa")
    found = recommended(app.get("/nl/"))
    assert found and "monstera-deliciosa" not in found  # shown under "recently viewed"
    assert categories(site, found) & {"houseplants"}


def test_a_product_the_customer_may_not_see_is_never_recommended(site):
    hidden = "monstera-variegata"  # an unpublished houseplant
    clock = site.registry.shopcms_clock
    with site.edit() as root:
        # Make it the newest houseplant, the first a recommendation would pick.
        product = root["products"][hidden]
        product.created = clock()
        root.catalog.index_resource(product)
    app = customer(site, "an@example.be")
    buy(app, "pilea-peperomioides")  # houseplants
    set_personalisation(app, True)
    found = recommended(app.get("/nl/"))
    assert found and hidden not in found
    app.get(f"/nl/products/{hidden}", status=404)


def test_a_shared_product_page_never_carries_recommendations(site):
    app = customer(site, "an@example.be")
    buy(app, "echeveria-elegans")
    set_personalisation(app, True)
    assert recommended(app.get("/nl/products/aloe-vera"))
    cache = site.page_cache
    for _visit in range(2):  # rendered, then served from the shared cache
        page = Browser(site.wsgi).get("/nl/products/aloe-vera")
        assert "Set-Cookie" not in page.headers
        assert recommended(page) is None
        assert len(cache) == 1
