"""Every cookie is declared, the session cookie is safe, every page has the headers (6)."""

from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

import pytest

from shopcms.privacy.cookies import UndeclaredCookie
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def check_response(site, response, seen_cookies):
    declared = site.registry.shopcms_cookies
    for header in response.headers.getall("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            assert name in declared, f"undeclared cookie {name!r} on {response.request.path}"
            seen_cookies[name] = morsel
    if response.content_type == "text/html":
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (name, response.request.path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "<script>" not in response.text  # no inline script anywhere
        # Standards mode in every browser: the layout's doctype reaches every page.
        assert response.text.lstrip().startswith("<!DOCTYPE html>"), response.request.path


def crawl(site, app, start, seen_cookies, limit=2000):
    """Follow every same-site link from ``start``; returns the paths visited."""
    todo, visited = [start], set()
    while todo and len(visited) < limit:
        path = todo.pop()
        if path in visited:
            continue
        visited.add(path)
        response = app.get(path, status="*")
        assert response.status_int < 500, path
        check_response(site, response, seen_cookies)
        if response.status_int in (301, 302, 303):
            todo.append(urlsplit(urljoin("http://localhost" + path, response.location)).path)
            continue
        if response.content_type != "text/html":
            continue
        for link in response.html.select("a[href], link[href]"):
            url = urlsplit(urljoin("http://localhost" + path, link["href"]))
            if url.netloc == "localhost" and not url.path.startswith("/static/"):
                todo.append(url.path)
    return visited


def test_crawl_of_public_pages_and_login_sets_only_declared_cookies(site, app):
    seen = {}
    visited = crawl(site, app, "/", seen)
    assert {
        "/nl/",
        "/fr/",
        "/en/",
        "/nl/privacy",
        "/fr/cookies",
        "/en/terms",
        "/nl/login",
    } <= visited
    # Log in and out through the real forms, then crawl as a logged-in admin too.
    response = login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    check_response(site, response, seen)
    visited |= crawl(site, app, "/nl/manage/", seen)
    assert "/nl/manage/customers/" in visited
    token = app.get("/nl/").html.select_one("form[action='/nl/logout'] input[name=csrf_token]")[
        "value"
    ]
    check_response(site, app.post("/nl/logout", {"csrf_token": token}, status=303), seen)

    session = seen["session"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"


def test_anonymous_browsing_sets_no_cookie_at_all(app):
    for path in ("/nl/", "/fr/privacy", "/en/terms", "/nl/pages/about", "/nl/nope"):
        response = app.get(path, status="*")
        assert response.headers.getall("Set-Cookie") == [], path


def test_secure_flag_in_production_settings(tmp_path):
    from tests.conftest import make_site

    site = make_site(tmp_path, **{"shopcms.cookies.secure": "true", "shopcms.hsts": "true"})
    try:
        from webtest import TestApp

        app = TestApp(site.wsgi)
        response = app.get("/nl/login")
        cookie = SimpleCookie()
        cookie.load(response.headers["Set-Cookie"])
        assert cookie["session"]["secure"] is True
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        site.close()


def test_undeclared_cookie_is_caught(app):
    with pytest.raises(UndeclaredCookie):
        app.get("/nl/test-undeclared-cookie")


def test_undeclared_cookie_is_dropped_when_not_strict(tmp_path):
    from webtest import TestApp

    from tests.conftest import make_site

    site = make_site(tmp_path, **{"shopcms.cookies.strict": "false"})
    try:
        response = TestApp(site.wsgi).get("/nl/test-undeclared-cookie")
        assert "tracker" not in response.headers.get("Set-Cookie", "")
    finally:
        site.close()


def test_login_and_manage_pages_are_not_cached(app):
    assert app.get("/nl/login").headers["Cache-Control"] == "no-store"
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert app.get("/nl/manage/customers/").headers["Cache-Control"] == "no-store"
