"""Dependencies of cached pages: the records a skeleton rendering read (warm cache or not),
and the records each transaction changed, here and in other processes."""

import time

import transaction
import ZODB
from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from ZODB.FileStorage import FileStorage

from shopcms.web import dependencies
from shopcms.web._ring import MARKER_PREFIX, Recording
from shopcms.web.personal import SKELETON


def filled(db, count):
    conn = db.open()
    root = conn.root()
    root["tree"] = OOBTree()
    for i in range(count):
        root[i] = PersistentMapping(v=i)
        root["tree"][i] = PersistentMapping(v=i)
    transaction.commit()
    return conn


def test_a_recording_sees_objects_read_from_a_warm_cache_and_only_those():
    db = ZODB.DB(None)
    conn = filled(db, 200)
    root = conn.root()
    for i in range(200):
        root[i]["v"]  # every object is in the cache, none will be loaded
    recording = Recording(conn)
    root[5]["v"]
    root["tree"][7]["v"]
    oids = recording.stop()
    assert oids is not None
    assert {root._p_oid, root[5]._p_oid, root["tree"]._p_oid, root["tree"][7]._p_oid} <= oids
    assert root[6]._p_oid not in oids and root["tree"][8]._p_oid not in oids
    assert not any(oid.startswith(MARKER_PREFIX) for oid, _o in conn._cache.lru_items())
    db.close()


def test_a_recording_sees_loads_of_ghosts_too():
    db = ZODB.DB(None)
    filled(db, 50).close()
    conn = db.open()
    conn.cacheMinimize()
    recording = Recording(conn)
    loaded = conn.root()[3]
    loaded["v"]
    assert {conn.root()._p_oid, loaded._p_oid} <= recording.stop()
    db.close()


def test_nested_recordings_notes_and_ignored_records():
    db = ZODB.DB(None)
    conn = filled(db, 20)
    root = conn.root()

    class Request:
        environ = {SKELETON: True}

    request = Request()
    dependencies.start(request, conn)
    root[1]["v"]
    dependencies.ignore(request, root[2])
    root[2]["v"]
    with dependencies.recorded(request) as inner:
        root[3]["v"]
        dependencies.note(request, {b"remembered"})
    dependencies.finish(request)
    oids = request.environ[dependencies.DEPENDENCIES]
    assert inner[0] == {root._p_oid, root[3]._p_oid, b"remembered"}
    assert {root[1]._p_oid, root[3]._p_oid, b"remembered"} <= oids
    assert root[2]._p_oid not in oids
    db.close()


def test_a_trimmed_cache_makes_the_oids_unknown_never_wrong():
    db = ZODB.DB(None)
    conn = filled(db, 20)
    recording = Recording(conn)
    conn.root()[1]["v"]
    conn.cacheMinimize()  # ghostifies everything, the marker too
    assert recording.stop() is None
    db.close()


def test_the_cost_grows_with_what_is_read_not_with_the_cache():
    db = ZODB.DB(None, cache_size=10_000)
    conn = filled(db, 3_000)
    root = conn.root()
    for i in range(3_000):
        root[i]["v"]
    best = float("inf")
    for _ in range(20):
        started = time.perf_counter()
        recording = Recording(conn)
        for i in range(100):
            root[i]["v"]
        oids = recording.stop()
        best = min(best, time.perf_counter() - started)
    assert len(oids) == 101
    whole = time.perf_counter()
    conn._cache.lru_items()
    whole = time.perf_counter() - whole
    assert best < whole  # reading 100 objects' worth, not 6,000
    db.close()


# -- watching -----------------------------------------------------------------------------


def wait_for(poll, wanted, timeout=5.0):
    found = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        changed = poll()
        assert changed is not dependencies.EVERYTHING
        found |= changed
        if wanted <= found:
            return found
        time.sleep(0.02)
    return found


def test_the_watcher_reports_this_processes_commits(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))
    conn = filled(db, 10)
    watcher = dependencies.watch(db)
    assert watcher.poll() is dependencies.EVERYTHING
    assert watcher.poll() == frozenset()
    conn.root()[3]["v"] = 33
    transaction.commit()
    assert watcher.poll() == {conn.root()[3]._p_oid}
    assert watcher.poll() == frozenset()
    watcher.close()
    db.close()


def test_the_watcher_reports_other_processes_commits_through_zeo(tmp_path):
    import ZEO

    address, stop = ZEO.server(path=str(tmp_path / "Data.fs"))
    try:
        writer_db = ZEO.DB(address)
        reader_db = ZEO.DB(address)
        tm = transaction.TransactionManager()
        conn = writer_db.open(transaction_manager=tm)
        conn.root()["a"] = PersistentMapping(v=1)
        conn.root()["b"] = PersistentMapping(v=1)
        tm.commit()
        watcher = dependencies.watch(reader_db)
        assert watcher.poll() is dependencies.EVERYTHING
        conn.root()["b"]["v"] = 2
        tm.commit()
        oid = conn.root()["b"]._p_oid
        assert oid in wait_for(watcher.poll, {oid})
        watcher.close()
        writer_db.close()
        reader_db.close()
    finally:
        stop()


# -- the application ----------------------------------------------------------------------


class Renderer:
    """Skeleton renderings through the application (under the page cache), and what they
    read; and the watcher's view of the commits since."""

    def __init__(self, site):
        from webtest import TestApp

        self.site = site
        self.environ = {}
        inner = site.page_cache.app

        def capture(environ, start_response):
            self.environ = environ
            return inner(environ, start_response)

        self.app = TestApp(capture, extra_environ={SKELETON: True})
        self.watcher = dependencies.watch(site.registry._zodb_databases[""])
        self.watcher.poll()

    def __call__(self, url):
        self.app.get(url)
        return self.environ[dependencies.DEPENDENCIES]

    def changed(self):
        return self.watcher.poll()


def oid_of(site, name):
    return site.read(lambda root: root["products"][name]._p_oid)


def test_a_skeleton_rendering_leaves_what_it_read_and_a_full_one_nothing(site):
    render = Renderer(site)
    render("/nl/products/mug-cafe")  # warms the connection's cache
    oids = render("/nl/products/mug-cafe")
    assert oid_of(site, "mug-cafe") in oids
    assert oid_of(site, "aloe-vera") not in oids
    from webtest import TestApp

    environ = {}
    inner = site.page_cache.app
    TestApp(lambda e, s: environ.update(e) or inner(e, s)).get("/nl/products/mug-cafe")
    assert dependencies.DEPENDENCIES not in environ


def test_registrations_and_sales_of_other_products_leave_pages_and_listings_cached(site):
    render = Renderer(site)
    category = site.read(lambda root: sorted(root["products"]["mug-cafe"].categories)[0])
    pages = {
        url: render(url)
        for url in (
            "/nl/products/mug-cafe",
            f"/nl/products/?category={category}",
            f"/nl/products/?category={category}",  # the second from the set memo
            "/nl/products/?q=mok",
            "/nl/products/?min=1&max=30&sort=price",
        )
    }
    assert all(oids for oids in pages.values())
    render.changed()
    site.add_account("new.customer@example.com")

    def sell(root):
        other = next(
            p
            for p in root["products"].values()
            if category not in p.categories and p.price > 30 and p.stock > 2
        )
        other.adjust_stock(-1)  # what a checkout does
        return other._p_oid

    sold = site.read(sell)
    changed = render.changed()
    assert sold in changed
    for url, oids in pages.items():
        assert not oids & changed, url


def test_a_sale_of_a_shown_product_reaches_its_page_and_the_listings_showing_it(site):
    from shopcms.products.stock import FEW_LEFT

    with site.edit() as root:
        root["products"]["mug-cafe"].stock = FEW_LEFT + 2
    render = Renderer(site)
    category = site.read(lambda root: sorted(root["products"]["mug-cafe"].categories)[0])
    page = render("/nl/products/mug-cafe")
    listing = render(f"/nl/products/?category={category}")
    render.changed()
    # A sale from plenty changes nothing the pages show ("in stock"): they stay.
    site.read(lambda root: root["products"]["mug-cafe"].adjust_stock(-1))
    changed = render.changed()
    assert not page & changed and not listing & changed
    # The next one leaves "only 5 left": the page shows it, and the listings showing it.
    site.read(lambda root: root["products"]["mug-cafe"].adjust_stock(-1))
    changed = render.changed()
    assert page & changed and listing & changed


def test_the_watcher_polls_relstorage_for_other_processes_commits(tmp_path):
    import contextlib

    from relstorage.adapters.postgresql import PostgreSQLAdapter
    from relstorage.options import Options
    from relstorage.storage import RelStorage

    from tests.storage.cluster import PostgresDatabase

    database = PostgresDatabase(tmp_path)
    with contextlib.closing(database.admin()) as admin, admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{database.dbname}"')
    database.created = True
    server = {**database.server, "dbname": database.dbname}
    dsn = " ".join(f"{k}='{v}'" for k, v in server.items())

    def open_db():
        options = Options(keep_history=False)
        return ZODB.DB(RelStorage(PostgreSQLAdapter(dsn=dsn, options=options), options=options))

    try:
        writer_db = open_db()
        reader_db = open_db()
        tm = transaction.TransactionManager()
        conn = writer_db.open(transaction_manager=tm)
        conn.root()["a"] = PersistentMapping(v=1)
        conn.root()["b"] = PersistentMapping(v=1)
        tm.commit()
        watcher = dependencies.watch(reader_db)
        assert watcher.poll() is dependencies.EVERYTHING
        watcher.poll()
        assert watcher.poll() == frozenset()
        conn.root()["b"]["v"] = 2
        tm.commit()
        assert conn.root()["b"]._p_oid in watcher.poll()
        assert watcher.poll() == frozenset()
        watcher.close()
        conn.close()
        writer_db.close()
        reader_db.close()
    finally:
        database.stop()


def test_a_listing_reads_the_products_it_shows_and_no_other(site):
    render = Renderer(site)
    category = site.read(lambda root: sorted(root["products"]["mug-cafe"].categories)[0])

    def products(root):
        everything = {p._p_oid: p for p in root["products"].values()}
        shown = {oid for oid, p in everything.items() if category in p.categories}
        return set(everything), shown

    everything, shown = site.read(products)
    assert 0 < len(shown) <= 24
    render(f"/nl/products/?category={category}")
    oids = render(f"/nl/products/?category={category}")
    read = oids & everything
    assert read <= shown  # (a hidden product of the category is neither shown nor read)
    assert len(read) >= len(shown) - 1
    assert "mug-cafe" in render.app.get(f"/nl/products/?category={category}").text


def test_a_listing_from_remembered_sets_depends_on_what_computing_them_read(site):
    render = Renderer(site)
    url = "/nl/products/?q=mok&min=1&max=90"
    render(url)  # warms the connection
    site.registry.shopcms_set_memo._entries.clear()
    computed = render(url)
    reused = render(url)
    assert site.registry.shopcms_set_memo._entries
    assert computed == reused
    generation = site.read(lambda root: root.catalog.generation._p_oid)
    assert generation not in reused
