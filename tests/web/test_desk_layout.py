"""The management desk's own frame (``shopcms.web.desk``, ``desk.pt``): a sidebar of what
the role may do, breadcrumbs from the traversal lineage, no shop header."""

import pytest

from tests.conftest import PASSWORD, Browser, login


def staff(site, role):
    app = Browser(site.wsgi)
    site.add_account(f"desk-{role}@example.be", roles=(role,))
    login(app, f"desk-{role}@example.be", PASSWORD)
    return app


def sidebar(page):
    """The sections of the wide sidebar: ``{name: (href, aria-current)}``."""
    nav = page.html.find("nav", id="desk-nav")
    return {
        next(c for c in a["class"] if c.startswith("desk-section-"))[13:]: (
            a["href"],
            a.get("aria-current"),
        )
        for a in nav.find("ul", class_="desk-sections").find_all("a")
    }


def test_an_editor_sees_the_content_sections_and_not_the_orders_or_accounts(site):
    editor = staff(site, "editor")
    page = editor.get("/nl/manage/products/")
    sections = sidebar(page)
    assert {"dashboard", "products", "categories", "pages", "board", "newsletter"} <= set(sections)
    assert not {"orders", "reviews", "accounts", "privacy"} & set(sections)
    assert sections["products"] == ("/nl/manage/products/", "page")
    assert sections["pages"][1] is None
    # The small screens' disclosure holds the same links.
    menu = page.html.find("nav", id="desk-nav").find("details")
    assert menu.find("summary") is not None
    assert len(menu.find_all("a")) == len(sections)


def test_the_order_desk_sees_orders_and_no_content_or_statistics(site):
    desk = staff(site, "orders")
    sections = sidebar(desk.get("/nl/manage/orders/"))
    assert sections["orders"][1] == "page"
    assert not {"products", "pages", "statistics", "accounts"} & set(sections)


def test_an_administrator_sees_every_section(site):
    admin = staff(site, "admin")
    sections = sidebar(admin.get("/en/manage/"))
    assert {
        "dashboard",
        "products",
        "pages",
        "orders",
        "reviews",
        "newsletter",
        "contests",
        "statistics",
        "accounts",
        "privacy",
    } <= set(sections)
    assert sections["dashboard"] == ("/en/manage/", "page")


def test_the_desk_has_no_shop_header_but_its_own_top_bar(site):
    page = staff(site, "editor").get("/nl/manage/products/")
    assert page.html.find("header", class_="site-header") is None
    assert not page.html.select("a[href='/nl/cart'], a[href='/nl/wishlist'], a[href='/nl/compare']")
    top = page.html.find("header", class_="desk-top")
    assert top.find("a", class_="desk-shop")["href"] == "/nl/"
    assert top.find("form", id="logout") is not None
    assert top.find("nav", class_="languages") is not None
    assert page.html.find("main", id="main").find("h1") is not None


def test_breadcrumbs_follow_the_lineage_with_titles(site):
    page = staff(site, "editor").get("/nl/manage/products/mammillaria-elongata/edit")
    crumbs = page.html.find("nav", class_="breadcrumbs")
    assert crumbs["aria-label"]
    links = crumbs.find_all("a")
    assert [a["href"] for a in links] == [
        "/nl/manage/",
        "/nl/manage/products/",
        # A product's page in the desk is its editor.
        "/nl/manage/products/mammillaria-elongata/edit",
    ]
    # Titles, not names: the folder is named by its section, the product by its title.
    assert links[2].text.strip() != "mammillaria-elongata"
    assert sidebar(page)["products"][1] == "page"


def test_the_board_is_the_current_section_not_the_pages(site):
    sections = sidebar(staff(site, "editor").get("/nl/manage/pages/board"))
    assert sections["board"][1] == "page"
    assert sections["pages"][1] is None


def test_a_refused_page_names_nothing_of_what_was_asked(site):
    page = staff(site, "moderator").get("/nl/manage/products/mammillaria-elongata/edit", status=403)
    assert page.html.find("nav", class_="breadcrumbs") is None
    assert "mammillaria" not in page.html.find("main").get_text().lower()
    title = site.read(lambda root: root["products"]["mammillaria-elongata"].titles["nl"])
    assert title not in page.text


@pytest.mark.parametrize("path", ["/nl/manage/", "/nl/manage/products/"])
def test_a_visitor_under_manage_sees_the_shops_layout(app, path):
    page = app.get(path, status=(200, 403))
    assert page.html.find("nav", id="desk-nav") is None


def test_a_page_is_named_by_its_title_in_the_breadcrumbs(site):
    page = staff(site, "editor").get("/en/manage/pages/about/edit?lang=en")
    crumbs = page.html.find("nav", class_="breadcrumbs").find_all("a")
    assert [a["href"] for a in crumbs] == [
        "/en/manage/",
        "/en/manage/pages/",
        "/en/manage/pages/about",
    ]
    title = site.read(lambda root: root["pages"]["about"].revisions["en"][-1].title)
    assert crumbs[2].text.strip() == title != "about"
    # A view of the page (edit): the page's crumb is a link, not the current page.
    assert crumbs[2].get("aria-current") is None
    assert staff_get_ok(site, crumbs[2]["href"])


def staff_get_ok(site, path):
    return staff(site, "admin").get(path).status_int == 200
