"""Every cookie is declared, the session cookie is safe, every page has the headers (6)."""

from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

import pytest

from shopcms.web.cookies import UndeclaredCookie
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login

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


def crawl(site, app, start, seen_cookies, limit=2000, pages=None):
    """Follow every same-site link from ``start``; returns the paths visited.

    ``pages``, a dict, receives each HTML page's response by path.
    """
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
        if pages is not None:
            pages[path] = response
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
    from tests.conftest import make_site, start_session

    site = make_site(tmp_path, **{"shopcms.cookies.secure": "true", "shopcms.hsts": "true"})
    try:
        https = {"wsgi.url_scheme": "https", "HTTP_HOST": "shop.example"}
        app = Browser(site.wsgi, extra_environ={**https, "HTTP_ORIGIN": "https://shop.example"})
        response = start_session(app)
        cookie = SimpleCookie()
        for header in response.headers.getall("Set-Cookie"):
            cookie.load(header)
        assert cookie["session"]["secure"] is True and cookie["cart"]["secure"] is True
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        site.close()


def test_undeclared_cookie_is_caught(app):
    with pytest.raises(UndeclaredCookie):
        app.get("/nl/test-undeclared-cookie")


def test_undeclared_cookie_is_dropped_when_not_strict(tmp_path):

    from tests.conftest import make_site

    site = make_site(tmp_path, **{"shopcms.cookies.strict": "false"})
    try:
        response = Browser(site.wsgi).get("/nl/test-undeclared-cookie")
        assert "tracker" not in response.headers.get("Set-Cookie", "")
    finally:
        site.close()


def test_login_and_manage_pages_are_not_cached(app):
    assert app.get("/nl/login").headers["Cache-Control"] == "no-store"
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert app.get("/nl/manage/customers/").headers["Cache-Control"] == "no-store"


# -- issue 7: the cookie choice, acceptance 1 and 3 -------------------------------------

#: The strictly necessary cookies: the only ones set without consent.
NECESSARY_COOKIES = {
    "session",
    "language",
    "cart",
    "wishlist",
    "compare",
    "cookie_consent",
    "device",
}
#: The cookies that need consent, and the feature that sets each.
OPTIONAL_COOKIES = {"recent": "viewing products", "known_visitor": "logging in"}
CUSTOMER = "crawler@example.be"


def use_the_shop(site, app, seen, lang="nl"):
    """What a visitor does besides following links: view products, fill the cart, the
    wishlist and the comparison, log in and out (every answer checked like the crawl's)."""
    for name in ("mug-cafe", "pot-creme", "echeveria-elegans"):
        page = app.get(f"/{lang}/products/{name}")
        check_response(site, page, seen)
    for target in ("cart", "wishlist", "compare"):
        page = app.get(f"/{lang}/products/aloe-vera")
        # WebTest lists a form with an id twice (by index and by id).
        forms = {id(f): f for f in page.forms.values()}.values()
        [form] = [f for f in forms if f.action == f"/{lang}/{target}"]
        answer = form.submit(status=303)
        check_response(site, answer, seen)
        check_response(site, answer.follow(), seen)
    answer = login(app, CUSTOMER, PASSWORD, lang=lang)
    check_response(site, answer, seen)
    check_response(site, answer.follow(), seen)
    token = app.get(f"/{lang}/").html.select_one(f"form[action='/{lang}/logout'] input")
    check_response(site, app.post(f"/{lang}/logout", {"csrf_token": token["value"]}), seen)


def cookie_table_names(app):
    page = app.get("/en/cookies")
    return {code.text for code in page.html.select("table.cookie-table tbody td:first-child code")}


def public_pages(pages):
    """The crawled HTML pages of the public site (the management area has no banner)."""
    return {path: page for path, page in pages.items() if "/manage" not in path}


def banner_choice(app, page, choice):
    from tests.privacy.test_cookie_banner import click_banner

    return click_banner(app, page, choice)


def test_a_crawl_without_consent_sets_only_strictly_necessary_cookies(site, app):
    site.add_account(CUSTOMER)
    seen, pages = {}, {}
    visited = crawl(site, app, "/", seen, pages=pages)
    assert {"/nl/cookie-settings", "/fr/cookies", "/en/products/", "/nl/login"} <= visited
    use_the_shop(site, app, seen)
    declared = site.registry.shopcms_cookies
    assert set(seen) <= NECESSARY_COOKIES
    assert {"session", "language", "cart", "wishlist", "compare"} <= set(seen)
    assert all(declared[name].category.value == "necessary" for name in NECESSARY_COOKIES)
    # The banner asks on every page of the public site (but the settings page, which is
    # the same choice in full), and every footer links to the cookie settings.
    for path, page in public_pages(pages).items():
        lang = path.split("/")[1]
        assert page.html.select_one(f"footer a[href='/{lang}/cookie-settings']"), path
        if not path.endswith("/cookie-settings"):
            assert page.html.select_one("section#cookie-banner"), path
    # Acceptance 3: every cookie the crawl met is in the cookie policy's table.
    assert set(seen) <= cookie_table_names(app)


def test_after_accepting_the_optional_cookies_appear_as_features_use_them(site, app):
    site.add_account(CUSTOMER)
    seen, pages = {}, {}
    banner_choice(app, app.get("/nl/"), "accept")
    crawl(site, app, "/", seen, pages=pages)
    use_the_shop(site, app, seen)
    assert set(OPTIONAL_COOKIES) <= set(seen)
    assert set(seen) <= NECESSARY_COOKIES | set(OPTIONAL_COOKIES)
    assert not any(page.html.select_one("section#cookie-banner") for page in pages.values())
    assert set(seen) <= cookie_table_names(app)


def test_after_refusing_no_optional_cookie_and_every_page_still_works(site, app):
    site.add_account(CUSTOMER)
    seen, pages = {}, {}
    banner_choice(app, app.get("/nl/"), "refuse")
    crawl(site, app, "/", seen, pages=pages)
    use_the_shop(site, app, seen)
    assert not set(seen) & set(OPTIONAL_COOKIES)
    assert {path for path, page in pages.items() if page.status_int != 200} == set()
    assert len(pages) > 100
    assert not any(page.html.select_one("section#cookie-banner") for page in pages.values())


def test_global_privacy_control_behaves_as_refusing(site):
    site.add_account(CUSTOMER)
    app = Browser(site.wsgi, extra_environ={"HTTP_SEC_GPC": "1"})
    # Whatever the visitor clicks, the signal refuses every optional category.
    banner_choice(app, app.get("/nl/products/"), "accept")
    seen, pages = {}, {}
    crawl(site, app, "/", seen, pages=pages)
    use_the_shop(site, app, seen)
    assert not set(seen) & set(OPTIONAL_COOKIES)
    assert {path for path, page in pages.items() if page.status_int != 200} == set()
