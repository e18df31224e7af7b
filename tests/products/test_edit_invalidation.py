"""An editor's change reaches only the cached pages that show what changed (issue 18,
acceptance 3): the page cache drops a page when a record its skeleton rendering read changes
(``shopcms.web.dependencies``), so an edit made through the desk's real form must write no
record that every product page or listing reads (the products and categories folders keep
their changing modification time in records apart: ``shopcms.products.changes``)."""

from webtest import TestApp

from shopcms.web import dependencies
from shopcms.web.personal import SKELETON
from tests.conftest import PASSWORD, Browser, login

EDITED = "mammillaria-elongata"  # the seed product the editor changes
OTHER = "mug-cafe"  # another seed product, in none of EDITED's categories


class Pages:
    """Skeleton renderings through the application, what each read, and the watcher's view
    of the commits since."""

    def __init__(self, site):
        self.environ = {}
        inner = site.page_cache.app

        def capture(environ, start_response):
            self.environ = environ
            return inner(environ, start_response)

        self.app = TestApp(capture, extra_environ={SKELETON: True})
        self.watcher = dependencies.watch(site.registry._zodb_databases[""])

    def read(self, *urls):
        """``{url: oids}``: each rendered twice (the first warms the connection)."""
        read = {}
        for url in urls:
            self.app.get(url)
            self.app.get(url)
            oids = self.environ[dependencies.DEPENDENCIES]
            assert oids, url
            read[url] = oids
        self.watcher.poll()  # the changes from here on
        return read

    def dropped(self, read):
        """The urls of ``read`` whose records changed since :meth:`read`."""
        changed = self.watcher.poll()
        assert changed, "the edit changed nothing"
        return {url for url, oids in read.items() if oids & changed}


def editor(site):
    app = Browser(site.wsgi)
    site.add_account("edits@example.be", roles=("editor",))
    login(app, "edits@example.be", PASSWORD)
    return app


def categories(site, name):
    return site.read(lambda root: set(root["products"][name].categories))


def test_an_edit_drops_the_products_pages_and_the_listings_showing_it_only(site):
    desk = editor(site)
    form = desk.get(f"/nl/manage/products/{EDITED}/edit").forms["product"]
    shown, other = sorted(categories(site, EDITED))[0], sorted(categories(site, OTHER))[0]
    assert not categories(site, EDITED) & categories(site, OTHER)
    pages = Pages(site)
    read = pages.read(
        f"/nl/products/{OTHER}",
        f"/fr/products/{OTHER}",
        f"/nl/products/{EDITED}",
        f"/en/products/{EDITED}",
        f"/nl/products/?category={shown}",
        f"/nl/products/?category={other}",
    )
    # Not its title: a listing sorted by name reads the whole title index (see the end).
    form.set("description", "Een **nieuwe** beschrijving.", index=0)
    form["price"] = "9,95"
    form["stock"] = "3"
    form.submit("save", status=303)
    assert site.read(lambda root: root["products"][EDITED].stock) == 3
    assert pages.dropped(read) == {
        f"/nl/products/{EDITED}",
        f"/en/products/{EDITED}",
        f"/nl/products/?category={shown}",
    }
    assert "9,95" in pages.app.get(f"/nl/products/?category={shown}").text


def test_a_title_edit_leaves_the_other_products_pages(site):
    # (Listings sorted by name that do not show the product are dropped too, for now: the
    # catalog's sort reads the title index's reverse map and document count, which any
    # title change writes.)
    desk = editor(site)
    form = desk.get(f"/nl/manage/products/{EDITED}/edit").forms["product"]
    pages = Pages(site)
    read = pages.read(f"/nl/products/{OTHER}", f"/nl/products/{EDITED}")
    form.set("title", "Mammillaria met nieuwe naam", index=0)
    form.submit("save", status=303)
    assert pages.dropped(read) == {f"/nl/products/{EDITED}"}


def test_a_stock_change_and_hiding_through_the_desk_drop_no_other_product_page(site):
    desk = editor(site)
    pages = Pages(site)
    read = pages.read(f"/nl/products/{OTHER}", f"/nl/products/{EDITED}")
    form = desk.get(f"/nl/manage/products/{EDITED}/edit").forms["product"]
    form["stock"] = "0"
    form.submit("save", status=303)
    assert pages.dropped(read) == {f"/nl/products/{EDITED}"}
    read = pages.read(f"/nl/products/{OTHER}")
    desk.get(f"/nl/manage/products/{EDITED}/edit").forms["visibility"].submit(status=303)
    assert not site.read(lambda root: root["products"][EDITED].published)
    assert pages.dropped(read) == set()


def test_a_category_edit_drops_the_pages_showing_it_and_no_products_record(site):
    desk = editor(site)
    category = sorted(categories(site, EDITED))[0]
    pages = Pages(site)
    read = pages.read(f"/nl/products/{EDITED}", f"/nl/products/?category={category}")
    folders = site.read(lambda root: {root[name]._p_oid for name in ("products", "categories")})
    products = site.read(lambda root: {p._p_oid for p in root["products"].values()})
    form = desk.get(f"/nl/manage/categories/{category}/edit").forms["category"]
    form["nl"] = "Nieuwe titel"
    form.submit("save", status=303)
    changed = pages.watcher.poll()
    assert not changed & (folders | products)
    # Its title shows on its products' pages and in every listing's facets.
    assert {url for url, oids in read.items() if oids & changed} == set(read)
    assert "Nieuwe titel" in pages.app.get(f"/nl/products/{EDITED}").text


def test_a_new_word_in_a_description_drops_the_searches_for_it_only(site):
    desk = editor(site)
    form = desk.get(f"/nl/manage/products/{EDITED}/edit").forms["product"]
    pages = Pages(site)
    read = pages.read("/nl/products/?q=mok", "/nl/products/?q=zonnebloemzaad")
    form.set("description", "Een langere beschrijving, nu met zonnebloemzaad.", index=0)
    form.submit("save", status=303)
    assert pages.dropped(read) == {"/nl/products/?q=zonnebloemzaad"}
    assert EDITED in pages.app.get("/nl/products/?q=zonnebloemzaad").text
