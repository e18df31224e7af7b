"""The management dashboard's figures: every page (plain and policy pages), every product,
the orders waiting, the back-in-stock alerts waiting, as each role may see them, with
plural forms (ngettext)."""

from shopcms.web.clock import now
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order


def staff(site, role):
    app = Browser(site.wsgi)
    site.add_account(f"dash-{role}@example.be", roles=(role,))
    login(app, f"dash-{role}@example.be", PASSWORD, lang="en")
    return app


def figure(page, id):
    return page.html.find(id=id).text.strip()


def test_the_dashboard_counts_every_page_and_product(site):
    pages = site.read(lambda root: len(root["pages"]))
    products = site.read(lambda root: len(root["products"]))
    # Policy pages are pages too: the count once showed only the plain ones ("Pages: 3").
    kinds = site.read(lambda root: {p.content_type for p in root["pages"].values()})
    assert kinds == {"page", "policy"}
    page = staff(site, "editor").get("/en/manage/")
    assert figure(page, "page-count") == f"{pages} pages"
    assert figure(page, "product-count") == f"{products} products"
    # An editor sees no order or account figures.
    assert page.html.find(id="orders-unpaid") is None
    assert page.html.find(id="account-count") is None


def test_a_hidden_product_still_counts_for_the_desk(site):
    products = site.read(lambda root: len(root["products"]))
    with site.edit() as root:
        product = root["products"]["mug-cafe"]
        product.set_visibility(False)
        product.changed()
    page = staff(site, "editor").get("/en/manage/")
    assert figure(page, "product-count") == f"{products} products"


def test_the_order_desk_sees_the_orders_waiting_in_singular_and_plural(site):
    with site.edit() as root:
        make_order(root)
        make_order(root, state="paid")
        make_order(root, state="paid")
    page = staff(site, "orders").get("/en/manage/")
    assert figure(page, "orders-unpaid") == "1 order awaits its payment."
    assert figure(page, "orders-to-ship") == "2 orders are ready to ship."
    assert page.html.find(id="page-count") is None


def test_the_administrator_sees_the_accounts(site):
    page = staff(site, "admin").get("/en/manage/")
    accounts = site.read(lambda root: len(root["customers"]))
    assert figure(page, "account-count") == f"{accounts} accounts"


def test_editors_see_how_many_alerts_wait_and_for_which_products_most(site):
    """Confirmed back-in-stock alerts are counted per product (never who); an unconfirmed
    guest's alert is not counted; the most awaited product comes first."""
    from shopcms.stockalerts import alerts

    when = now(site.registry)
    with site.edit() as root:
        folder, products = root["stockalerts"], root["products"]
        cactus, mug = products["echinocactus-grusonii"].pid, products["mug-cafe"].pid
        for n in range(3):
            alerts.ask(folder, cactus, f"klant{n}@example.be", "en", when, account=f"a{n}")
        alerts.ask(folder, mug, "klant9@example.be", "en", when, account="a9")
        alerts.ask(folder, mug, "gast@example.be", "en", when)  # not confirmed
    page = staff(site, "editor").get("/en/manage/")
    card = page.html.find(id="stock-alerts-card")
    assert figure(page, "stock-alerts-waiting") == (
        "4 confirmed alerts are waiting for their products to come back in stock."
    )
    rows = [" ".join(li.get_text(" ", strip=True).split()) for li in card.select("li")]
    assert rows[0].endswith(": 3") and rows[1].endswith(": 1") and len(rows) == 2
    assert card.select_one("a")["href"] == "/en/manage/products/echinocactus-grusonii/edit"
    assert "klant" not in card.get_text() and "gast" not in card.get_text()
    # The order desk, which does not edit products, sees no such card.
    assert staff(site, "orders").get("/en/manage/").html.find(id="stock-alerts-card") is None


def test_without_alerts_the_card_is_not_shown(site):
    page = staff(site, "editor").get("/en/manage/")
    assert page.html.find(id="stock-alerts-card") is None
