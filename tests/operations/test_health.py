"""``/healthz`` and ``/readyz``: for a load balancer, outside everything a visitor meets."""

import json
import logging

import pytest
import transaction

from shopcms.statistics import get_recorder
from tests.conftest import Browser, make_site
from tests.operations import checks
from tests.storage.cluster import PostgresDatabase, ZEOServer


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path, **{"shopcms.statistics.respect_refusal": "false"})
    checks.declare(site)
    checks.STATE.update(stuck=False, waiting=2)
    yield site
    transaction.abort()
    site.close()


def assert_outside_everything(response):
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.content_type == "application/json"


def test_healthz_says_alive_and_touches_nothing(site):
    app = Browser(site.wsgi)
    for _ in range(3):
        response = app.get("/healthz")
        assert response.status_int == 200 and response.json == {"alive": True}
        assert_outside_everything(response)
    assert not app.cookies
    # Never counted, though everyone is counted on this site (respect_refusal = false),
    # and never looked up in the shared-page cache.
    assert get_recorder(site.registry).tally.events == 0
    assert site.page_cache.hits + site.page_cache.misses == 0
    app.get("/nl/products/mug-cafe")
    assert get_recorder(site.registry).tally.events == 1
    assert site.page_cache.misses == 1


def test_readyz_names_every_check(site):
    app = Browser(site.wsgi)
    response = app.get("/readyz")
    assert_outside_everything(response)
    body = response.json
    outbox = body["checks"].pop("outbox")  # the mail package's own (tests/mail)
    assert outbox["ok"] is True and outbox["critical"] is False
    company = body["checks"].pop("company")  # web.company's (tests/pages/test_company.py)
    assert company["critical"] is False
    assert body == {
        "ready": True,
        "failing": [],
        "checks": {
            "database": {"ok": True, "critical": True, "detail": "reachable"},
            "statistics": {"ok": True, "critical": False, "detail": "counting"},
            "test-outbox": {"ok": True, "critical": True, "detail": {"waiting": 2}},
        },
    }
    assert not app.cookies and get_recorder(site.registry).tally.events == 0


def test_a_failing_critical_check_makes_readyz_503(site):
    app = Browser(site.wsgi)
    checks.STATE["stuck"] = True
    response = app.get("/readyz", status=503)
    assert response.json["ready"] is False
    assert response.json["failing"] == ["test-outbox"]
    assert response.json["checks"]["test-outbox"]["detail"] == "3 mails wait for more than an hour"
    assert response.json["checks"]["database"]["ok"] is True
    assert app.get("/healthz").status_int == 200  # alive all the same
    checks.STATE["stuck"] = False
    assert app.get("/readyz").status_int == 200


def test_statistics_that_fail_are_reported_but_keep_the_process_ready(tmp_path):
    (tmp_path / "Statistics.fs").write_bytes(b"not a FileStorage" * 100)
    site = make_site(tmp_path)
    try:
        response = Browser(site.wsgi).get("/readyz")
        statistics = response.json["checks"]["statistics"]
        assert response.json["ready"] is True
        assert statistics["ok"] is False and statistics["critical"] is False
        assert "could not be opened" in statistics["detail"]
    finally:
        site.close()


def test_readyz_answers_503_when_the_zeo_server_is_gone(tmp_path):
    zeo = ZEOServer(tmp_path / "zeo")
    zeo.start()
    site = None
    try:
        site = make_site(tmp_path / "client", **zeo.settings(tmp_path / "client"))
        app = Browser(site.wsgi)
        assert app.get("/readyz").json["checks"]["database"]["detail"] == "reachable"
        assert app.get("/nl/").status_int == 200
        zeo.stop()
        response = app.get("/readyz", status=503)
        assert response.json["failing"] == ["database"]
        assert "not connected" in response.json["checks"]["database"]["detail"]
        assert json.loads(app.get("/healthz").text) == {"alive": True}
    finally:
        zeo.stop()
        if site is not None:
            site.close()


def test_readyz_answers_503_when_the_postgresql_database_is_gone(tmp_path):
    database = PostgresDatabase(tmp_path / "relstorage")
    database.start()
    site = None
    try:
        client = tmp_path / "client"
        site = make_site(client, **database.settings(client))
        app = Browser(site.wsgi)
        assert app.get("/readyz").json["ready"] is True
        assert app.get("/nl/").status_int == 200
        database.stop()  # dropped, its connections ended
        response = app.get("/readyz", status=503)
        assert response.json["failing"] == ["database"]
        assert app.get("/healthz").status_int == 200
    finally:
        database.stop()
        if site is not None:
            site.close()


def test_a_failing_check_is_logged_when_it_begins_and_ends_not_at_every_probe(site, caplog):
    caplog.set_level(logging.INFO, logger="shopcms.operations.health")
    app = Browser(site.wsgi)
    checks.STATE["stuck"] = True
    for _ in range(5):
        app.get("/readyz", status=503)
    checks.STATE["stuck"] = False
    for _ in range(3):
        app.get("/readyz")
    messages = [r.getMessage() for r in caplog.records if r.name == "shopcms.operations.health"]
    # The test sites set no company details: that check fails once, at the first probe.
    messages = [m for m in messages if not m.startswith("readiness check company ")]
    assert messages == [
        "readiness check test-outbox fails: 3 mails wait for more than an hour",
        "readiness check test-outbox passes again",
    ]
