"""Prometheus metrics: never public by default; behind a bearer token or on a port of
their own; the counts move with the requests."""

import urllib.request

import pytest
import transaction
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Browser, make_site
from tests.operations import checks
from tests.storage.cluster import free_port
from tests.web import testviews

TOKEN = "a-metrics-token-" + "x" * 24


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path, **{"shopcms.metrics.token": TOKEN, "retry.attempts": "3"})
    yield site
    transaction.abort()
    site.close()


def scrape(app):
    response = app.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    return parse(response.text)


def parse(text):
    """``{(sample name, sorted labels): value}``."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def test_no_metrics_without_a_token(tmp_path):
    site = make_site(tmp_path)
    try:
        app = Browser(site.wsgi)
        response = app.get("/metrics", status=404)
        assert "shopcms_requests" not in response.text
    finally:
        site.close()


def test_the_token_is_required(site):
    app = Browser(site.wsgi)
    response = app.get("/metrics", status=401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "shopcms_requests" not in response.text
    app.get("/metrics", headers={"Authorization": "Bearer wrong"}, status=401)
    app.get("/metrics", headers={"Authorization": TOKEN}, status=401)
    assert scrape(app)


def test_requests_and_latency_are_counted_by_route(site):
    app = Browser(site.wsgi)
    before = scrape(app)
    site.page_cache.max_bytes = 0  # every request rendered (a visitor with cookies is not)
    for _ in range(3):
        app.get("/nl/products/mug-cafe", headers={"Cookie": "x=1"})
    app.get("/nl/no-such-page", status=404)
    app.get("/nl/login")
    after = scrape(app)
    product = {"route": "public:product/", "method": "GET", "status": "200"}
    moved = value(after, "shopcms_requests_total", **product) - value(
        before, "shopcms_requests_total", **product
    )
    assert moved == 3
    assert value(after, "shopcms_requests_total", route="public:error", method="GET", status="404")
    login = {"route": "public:site/login", "method": "GET", "status": "200"}
    assert value(after, "shopcms_requests_total", **login)
    latency = value(after, "shopcms_request_duration_seconds_count", route="public:product/")
    assert latency == 3
    assert value(after, "shopcms_request_duration_seconds_sum", route="public:product/") > 0
    # Probes are not requests of the shop; no label holds a path or a product's name.
    app.get("/healthz")
    labels = {dict(labels).get("route") for _name, labels in scrape(app)}
    assert not any(label and ("mug" in label or "healthz" in label) for label in labels)


def test_page_cache_hits_and_misses(site):
    app = Browser(site.wsgi)
    before = scrape(app)
    for _ in range(3):
        app.get("/nl/products/mug-cafe")
    after = scrape(app)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("shopcms_page_cache_requests_total", result="miss") == 1
    assert moved("shopcms_page_cache_requests_total", result="hit") == 2
    assert moved("shopcms_requests_total", route="page_cache", method="GET", status="200") == 2
    assert value(after, "shopcms_page_cache_pages") >= 1


def test_page_cache_declined_by_reason(site):
    app = Browser(site.wsgi)
    app.get("/nl/products/mug-cafe")
    before = scrape(app)
    # Credentials are never answered from a kept page: the application answers, counted.
    app.get("/nl/products/mug-cafe", headers={"Authorization": "Basic eDp5"}, status="*")
    after = scrape(app)
    name, labels = "shopcms_page_cache_declined_total", {"reason": "credentials"}
    assert value(after, name, **labels) - value(before, name, **labels) == 1


def test_conflicts_and_retries(site):
    app = Browser(site.wsgi)
    token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
    testviews.ATTEMPTS.clear()
    app.post("/nl/test-conflict", {"csrf_token": token}, status=503)
    assert len(testviews.ATTEMPTS) == 3
    samples = scrape(app)
    assert value(samples, "shopcms_zodb_conflicts_total") == 3  # two retried, the last not
    assert value(samples, "shopcms_request_retries_total", reason="ConflictError") == 2


def test_declared_gauges(site):
    checks.declare(site)
    assert value(scrape(Browser(site.wsgi)), "shopcms_test_outbox_messages") == 7


def test_metrics_on_a_port_of_their_own(tmp_path):
    port = free_port()
    site = make_site(tmp_path, **{"shopcms.metrics.port": str(port)})
    try:
        app = Browser(site.wsgi)
        app.get("/nl/products/mug-cafe", headers={"Cookie": "x=1"})
        app.get("/metrics", status=404)  # not on the site's own port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            samples = parse(response.read().decode())
        labels = {"route": "public:product/", "method": "GET", "status": "200"}
        assert value(samples, "shopcms_requests_total", **labels) == 1
    finally:
        site.close()
    # Closing the application frees the port.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)
