"""The page a visitor meets while the database cannot be reached (``shopcms.web.outage``),
in process: 503 with ``Retry-After``, no traceback, and no cookie from the failed request."""

import logging

import pytest

from tests.conftest import Browser, make_site


@pytest.fixture
def app(tmp_path):
    site = make_site(tmp_path, **{"pyramid.includes": "tests.web.testviews tests.production.probe"})
    yield Browser(site.wsgi)
    site.close()


@pytest.mark.parametrize("kind", ["zeo", "postgres"])
def test_a_disconnected_storage_answers_503_with_retry_after(app, kind, caplog):
    with caplog.at_level(logging.WARNING):
        page = app.get(f"/en/test-storage-down?kind={kind}", status=503)
    assert page.headers["Retry-After"] == "10"
    assert "Set-Cookie" not in page.headers  # the failed request's cart cookie is not sent
    assert "The shop is briefly unavailable" in page.text
    assert "Traceback" not in page.text
    assert "database unavailable on GET /en/test-storage-down" in caplog.text
    assert "unexpected error" not in caplog.text  # not the 500 page's log line
    # The database is back: the next request is served.
    assert app.get("/en/products/").status_code == 200


def test_a_request_that_gave_up_after_conflicts_sets_no_cookie(app):
    page = app.get("/en/test-storage-down?kind=conflict", status=503)
    assert page.headers["Retry-After"]
    assert "Set-Cookie" not in page.headers
