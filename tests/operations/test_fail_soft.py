"""D4: the statistics are optional: a statistics database that is corrupt or cannot be
reached leaves the shop serving every page, is logged once, and the statistics page names
the problem."""

import logging
import time

import pytest
import transaction
from ZEO.Exceptions import ClientDisconnected

from shopcms.statistics import get_recorder
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login, make_site
from tests.crawl import crawl, webtest_fetch
from tests.storage.cluster import ZEOServer, free_port

LANGUAGES = ("nl", "fr", "en")
OPENING_FAILED = "the statistics database could not be opened"


@pytest.fixture
def broken_site(tmp_path, caplog):
    # A FileStorage begins with the magic b"FS21"; anything else is a corrupt file.
    (tmp_path / "Statistics.fs").write_bytes(b"GARBAGE!" + bytes(range(256)) * 64)
    caplog.set_level(logging.INFO)
    # Everyone would be counted, were the statistics working.
    site = make_site(tmp_path, **{"shopcms.statistics.respect_refusal": "false"})
    yield site
    transaction.abort()
    site.close()


def errors_logged(caplog):
    """The errors logged since the test's set-up began (the site starts in a fixture)."""
    records = caplog.get_records("setup") + caplog.get_records("call")
    return [r for r in records if r.levelno >= logging.ERROR]


def test_a_corrupt_statistics_database_leaves_every_page_served(broken_site, caplog):
    assert get_recorder(broken_site.registry) is None  # nothing is recorded
    app = Browser(broken_site.wsgi)
    statuses = crawl(webtest_fetch(app), [f"/{lang}/" for lang in LANGUAGES])
    failing = {address: status for address, status in statuses.items() if status != 200}
    assert not failing
    products = [a for a in statuses if "/products/" in a]
    assert len(statuses) > 50 and len(products) > 10, sorted(statuses)
    # Logged once, at start, with the reason; not per request.
    errors = errors_logged(caplog)
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert "statistics database could not be opened" in errors[0].getMessage()
    assert "FileStorageFormatError" in errors[0].getMessage() or "header" in errors[0].getMessage()


def test_the_statistics_page_names_the_problem(broken_site):
    app = Browser(broken_site.wsgi)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    page = app.get("/en/manage/statistics/")
    notice = page.html.find(id="statistics-problem")
    assert notice is not None and notice.get("role") == "alert"
    text = " ".join(notice.get_text().split())
    assert "could not be opened when the site started: nothing is being counted" in text
    assert "Statistics.fs" in text  # the error itself, for whoever repairs it
    # The page itself still works: the range form and an (empty) report.
    assert page.html.find(id="total-visits").get_text() == "0"
    # The dashboard, the charts and the file still answer.
    assert app.get("/en/manage/").status_int == 200
    assert app.get("/en/manage/statistics/statistics.csv").status_int == 200
    assert app.get("/en/manage/statistics/visits.svg").status_int == 200


def test_a_sound_statistics_database_shows_no_problem(tmp_path):
    site = make_site(tmp_path)
    try:
        app = Browser(site.wsgi)
        login(app, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
        page = app.get("/en/manage/statistics/")
        assert page.html.find(id="statistics-problem") is None
        assert get_recorder(site.registry) is not None
    finally:
        site.close()


def test_an_unreachable_statistics_server_leaves_the_shop_serving(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    # A ZEO statistics server that is down: nothing listens on the port.
    uri = f"zeo://127.0.0.1:{free_port()}?storage=statistics&wait_timeout=2"
    site = make_site(tmp_path, **{"zodbconn.uri.statistics": uri})
    try:
        assert get_recorder(site.registry) is None
        app = Browser(site.wsgi)
        for lang in LANGUAGES:
            assert app.get(f"/{lang}/").status_int == 200
            assert app.get(f"/{lang}/products/mug-cafe").status_int == 200
        errors = errors_logged(caplog)
        assert len(errors) == 1 and OPENING_FAILED in errors[0].getMessage()
        login(app, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
        notice = app.get("/en/manage/statistics/").html.find(id="statistics-problem")
        assert "ClientDisconnected" in notice.get_text()
    finally:
        site.close()


def test_statistics_that_cannot_be_saved_any_more_are_shown_and_reported(tmp_path, caplog):
    """The statistics' ZEO server stops while the shop runs: pages are served, the counts
    wait, the flusher logs it once, /readyz reports it (without failing) and the
    statistics page says since when."""
    zeo = ZEOServer(tmp_path / "zeo")
    (zeo.filestorage / "Data.fs").unlink()  # a new, empty statistics storage
    zeo.start()
    site = None
    try:
        uri = f"zeo://127.0.0.1:{zeo.port}?storage=1&wait_timeout=1"
        (tmp_path / "shop").mkdir()
        settings = {
            "zodbconn.uri.statistics": uri,
            "shopcms.statistics.respect_refusal": "false",
            "shopcms.statistics.flush_interval": "0.2",
        }
        site = make_site(tmp_path / "shop", **settings)
        recorder = get_recorder(site.registry)
        app = Browser(site.wsgi)
        app.get("/en/products/mug-cafe")
        assert recorder.flush(everything=True) is True
        assert app.get("/readyz").json["checks"]["statistics"]["ok"] is True

        zeo.stop()
        app.get("/en/products/mug-cafe")  # the flusher thread tries every 0.2 s
        deadline = time.monotonic() + 30
        while recorder.failing_since is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)  # more attempts, each waiting 1 s for the server
        with pytest.raises(ClientDisconnected):
            recorder.flush(everything=True)
        with recorder._flush_lock:  # no flush under way: the counts are back, to be saved
            assert recorder.tally.counts
        failures = [r for r in errors_logged(caplog) if "could not be saved" in r.getMessage()]
        assert len(failures) == 1

        ready = app.get("/readyz").json
        assert ready["ready"] is True and ready["checks"]["statistics"]["ok"] is False
        assert "could not be saved since" in ready["checks"]["statistics"]["detail"]
        login(app, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
        notice = app.get("/en/manage/statistics/").html.find(id="statistics-problem")
        text = " ".join(notice.get_text().split())
        assert "The statistics could not be saved since" in text and "ClientDisconnected" in text
        assert app.get("/en/").status_int == 200
    finally:
        zeo.stop()
        if site is not None:
            site.close()
