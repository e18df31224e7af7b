"""Static files: their URLs carry a fingerprint of their content and are cached for a year;
a changed file gets a new URL (``shopcms.web.static``)."""

import hashlib
import re
from pathlib import Path
from unittest.mock import patch

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


def fingerprinted_app(folder, reload="true"):
    """A Pyramid app serving ``folder`` as shopcms serves its static files; ``reload``:
    its ``pyramid.reload_templates`` (a developer's files change while it runs)."""
    config = Configurator(settings={"pyramid.reload_templates": reload})
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


def test_in_production_a_files_fingerprint_is_computed_once(tmp_path):
    style = tmp_path / "site.css"
    style.write_text("body { color: #222; }\n")
    wsgi = fingerprinted_app(tmp_path, reload="false")
    request = Request.blank("/", base_url="http://shop.test")
    request.registry = wsgi.registry
    before = request.static_path(f"{tmp_path}/site.css")
    with patch("os.stat", side_effect=AssertionError("a stat on a page")):
        assert request.static_path(f"{tmp_path}/site.css") == before
    style.write_text("body { color: #111; }\n")  # changed without a restart: not seen
    assert request.static_path(f"{tmp_path}/site.css") == before
    restarted = fingerprinted_app(tmp_path, reload="false")
    request.registry = restarted.registry
    after = request.static_path(f"{tmp_path}/site.css")
    assert after != before and after.startswith("/static/site.css?v=")


def test_a_file_that_does_not_exist_gets_no_fingerprint(tmp_path):
    buster = ContentHashCacheBuster()
    assert buster.token(f"{tmp_path}/nothing.css") is None


def test_a_stylesheet_names_the_files_it_uses_by_fingerprint(tmp_path):
    """Static URLs change when their content does (acceptance 5), also through a stylesheet:
    an image it names gets a new URL, and so does the stylesheet, served immutable."""
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "logo.png").write_bytes(b"\x89PNG first")
    (tmp_path / "site.css").write_text(
        "a { background: url(logo.png); }\n"
        "b { background: url( 'img/dot.svg#x' ); }\n"
        'c { background: url("data:image/gif;base64,R0lGOD"); }\n'
        "d { background: url(https://elsewhere.example/x.png) url(/abs.png) url(gone.png); }\n"
    )
    wsgi = fingerprinted_app(tmp_path)
    browser = webtest.TestApp(wsgi)
    request = Request.blank("/", base_url="http://shop.test")
    request.registry = wsgi.registry

    def sheet():
        url = request.static_path(f"{tmp_path}/site.css")
        served = browser.get(url)
        assert directives(served) == YEAR
        return url, served.text

    def fingerprint(path):
        return hashlib.sha256((tmp_path / path).read_bytes()).hexdigest()[:12]

    url, text = sheet()
    assert f"url(logo.png?v={fingerprint('logo.png')})" in text
    assert f"url('img/dot.svg?v={fingerprint('img/dot.svg')}#x')" in text
    # Others' files, data, absolute paths and missing files are left as written.
    assert 'url("data:image/gif;base64,R0lGOD")' in text
    assert "url(https://elsewhere.example/x.png) url(/abs.png) url(gone.png)" in text
    # The stylesheet's token is the hash of what is served.
    assert url.endswith(hashlib.sha256(text.encode()).hexdigest()[:12])
    for found in re.findall(r"url\(\s*'?([\w/.]+\?v=\w+)", text):
        assert directives(browser.get(f"/static/{found}")) == YEAR

    (tmp_path / "logo.png").write_bytes(b"\x89PNG second, longer")
    changed_url, changed = sheet()
    assert changed_url != url and f"url(logo.png?v={fingerprint('logo.png')})" in changed
    assert browser.get(url).headers["Cache-Control"] == "max-age=3600"  # the old version


def test_shipped_scripts_and_stylesheets_name_static_files_only_through_fingerprints():
    """A shipped stylesheet's references all exist (so they are fingerprinted); no script
    or stylesheet writes a static path by hand (a page gives scripts their URLs)."""
    roots = sorted(Path(shopcms.web.__file__).parent.parent.glob("*/static"))
    assert STATIC in roots
    for root in roots:
        for path in [*root.rglob("*.js"), *root.rglob("*.css")]:
            text = path.read_text()
            assert not re.search(r"""['"(]/static[\w-]*/""", text), path
            for reference in re.findall(r"""url\(\s*['"]?([^'")\s]+)""", text):
                if not re.match(r"^(?:[a-z][a-z0-9+.-]*:|#)", reference, re.IGNORECASE):
                    assert (path.parent / reference.split("?")[0].split("#")[0]).is_file()
