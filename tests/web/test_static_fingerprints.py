"""Static files: their URLs carry a fingerprint of their content and are cached for a year;
a changed file gets a new URL (``shopcms.web.static``)."""

import hashlib
import re
from pathlib import Path

import webtest
from pyramid.config import Configurator
from pyramid.request import Request

import shopcms.web
from shopcms.web.static import ContentHashCacheBuster

YEAR = {"public", "max-age=31536000", "immutable"}
STATIC = Path(shopcms.web.__file__).parent / "static"


def directives(response):
    return {part.strip() for part in response.headers["Cache-Control"].split(",")}


def test_the_pages_link_their_static_files_by_fingerprint_cached_for_a_year(app):
    page = app.get("/nl/")
    links = [
        *(link["href"] for link in page.html.select("link[rel=stylesheet], link[rel=icon]")),
        *(script["src"] for script in page.html.select("script[src]")),
    ]
    # /favicon.ico is where browsers look for it, not a static file (tests/findability).
    links = [link for link in links if link != "/favicon.ico"]
    assert any("/static/style.css" in link for link in links)
    for link in links:
        found = re.fullmatch(r"/static/([\w.-]+)\?v=([0-9a-f]{12})", link)
        assert found, link
        name, token = found.groups()
        content = (STATIC / name).read_bytes()
        assert token == hashlib.sha256(content).hexdigest()[:12]
        served = app.get(link)
        assert served.body == content
        assert directives(served) == YEAR
    # Linked by hand, without its fingerprint or with an old one: an hour only.
    for url in ("/static/style.css", "/static/style.css?v=0123456789ab"):
        served = app.get(url)
        assert served.headers["Cache-Control"] == "max-age=3600"
    app.get("/static/missing.css?v=0123456789ab", status=404)


def fingerprinted_app(folder):
    """A Pyramid app serving ``folder`` as shopcms serves its static files."""
    config = Configurator()
    config.include("shopcms.web.static")
    config.add_fingerprinted_static_view("static", str(folder))
    return config.make_wsgi_app()


def test_a_changed_file_changes_its_url(tmp_path):
    style = tmp_path / "site.css"
    style.write_text("body { color: #222; }\n")
    wsgi = fingerprinted_app(tmp_path)
    request = Request.blank("/", base_url="http://shop.test")
    request.registry = wsgi.registry
    before = request.static_path(f"{tmp_path}/site.css")
    assert re.fullmatch(r"/static/site\.css\?v=[0-9a-f]{12}", before)
    assert request.static_path(f"{tmp_path}/site.css") == before  # stable while unchanged
    browser = webtest.TestApp(wsgi)
    assert directives(browser.get(before)) == YEAR

    style.write_text("body { color: #111; }\n")
    after = request.static_path(f"{tmp_path}/site.css")
    assert after != before and after.startswith("/static/site.css?v=")
    served = browser.get(after)
    assert served.text == "body { color: #111; }\n" and directives(served) == YEAR
    # The old URL now names a version no longer served: not kept for a year.
    assert browser.get(before).headers["Cache-Control"] == "max-age=3600"


def test_a_file_that_does_not_exist_gets_no_fingerprint(tmp_path):
    buster = ContentHashCacheBuster()
    assert buster.token(f"{tmp_path}/nothing.css") is None
