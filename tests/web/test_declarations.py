"""What views and capabilities declare, and what the request machinery makes of it.

- A page is private unless its view is declared shared: the browser never stores it.
- A page whose address carries a secret sends no referrer, and its forms carry the session's
  token (browsers send ``Origin: null`` from such a page).
- A visitor without a session is shown forms with the stateless token: no session starts.
- The site's theme replaces a package's template (and a widget template) by name.
- The capabilities contribute to every page without the machinery knowing them: the cart
  count, the cookie banner, the footer's links.
"""

from pathlib import Path

import pytest

from shopcms.web.templates import packages_with_templates
from tests.conftest import Browser, make_site, start_session

SRC = Path(__file__).resolve().parents[2] / "src" / "shopcms"


def test_a_page_not_declared_shared_is_never_stored(app):
    for path in ("/nl/cookie-settings", "/nl/cart", "/nl/login", "/nl/does-not-exist"):
        response = app.get(path, status="*")
        assert response.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in response.headers


def test_a_shared_page_keeps_its_validator_and_a_static_file_its_freshness(app):
    product = app.get("/nl/products/mug-cafe")
    assert product.headers["Cache-Control"] == "no-cache" and product.headers["ETag"]
    css = app.get("/static/style.css")
    assert css.cache_control.max_age == 3600


def test_a_logged_in_visitor_gets_no_shared_page(site, app):
    from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login

    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    product = app.get("/nl/products/mug-cafe")
    assert product.headers["Cache-Control"] == "no-store" and "ETag" not in product.headers


def test_showing_a_form_to_a_visitor_without_a_session_starts_none(app):
    for path in ("/nl/login", "/nl/register", "/nl/cookie-settings", "/nl/products/mug-cafe"):
        page = app.get(path)
        assert "Set-Cookie" not in page.headers, path
        tokens = {i["value"] for i in page.html.select("input[name=csrf_token]")}
        assert tokens and all(token.startswith("s.") for token in tokens), path


def test_a_visitor_with_a_session_uses_its_token(app):
    start_session(app)
    tokens = {i["value"] for i in app.get("/nl/login").html.select("input[name=csrf_token]")}
    assert tokens and not any(token.startswith("s.") for token in tokens)


def test_a_secret_address_sends_no_referrer_and_keeps_its_forms_in_a_session(app):
    page = app.get("/nl/reset/password", {"token": "not-a-valid-token"}, status="*")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    elsewhere = app.get("/nl/login")
    assert elsewhere.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_package_ships_its_templates():
    assert {"web", "accounts", "pages", "products", "orders", "privacy", "home"} <= set(
        packages_with_templates()
    )


def test_the_theme_replaces_a_template_and_a_widget_by_name(tmp_path):
    theme = tmp_path / "theme"
    (theme / "web" / "deform").mkdir(parents=True)
    layout = (SRC / "web" / "templates" / "layout.pt").read_text(encoding="utf-8")
    (theme / "web" / "layout.pt").write_text(
        layout.replace(
            '<main id="main"', '<p id="theme-marker">Soft Cactus theme</p><main id="main"'
        )
    )
    widget = (SRC / "web" / "templates" / "deform" / "textinput.pt").read_text(encoding="utf-8")
    (theme / "web" / "deform" / "textinput.pt").write_text(
        widget.replace('<input type="text"', '<input data-theme="yes" type="text"')
    )
    site = make_site(tmp_path, **{"shopcms.templates": str(theme)})
    try:
        browser = Browser(site.wsgi)
        page = browser.get("/nl/login")
        assert page.html.select_one("#theme-marker").text == "Soft Cactus theme"
        assert page.html.select_one("#login-email")["data-theme"] == "yes"
        # What the theme does not hold comes from the package.
        assert browser.get("/nl/products/").html.select(".product-card")
    finally:
        site.close()


def test_a_theme_folder_that_does_not_exist_stops_the_start(tmp_path):
    with pytest.raises(FileNotFoundError):
        make_site(tmp_path, **{"shopcms.templates": str(tmp_path / "missing")})


def test_the_capabilities_fill_the_layout(site, app):
    page = app.get("/fr/")
    footer = [a["href"] for a in page.html.select("footer nav a")]
    assert footer[:3] == ["/fr/privacy", "/fr/cookies", "/fr/terms"]
    assert footer[-1] == "/fr/cookie-settings"  # privacy's link comes last
    assert page.html.select_one("#cookie-banner") is not None  # privacy's banner
    start_session(app, lang="fr")  # adds a mug to the cart
    assert "(1)" in app.get("/fr/").html.select_one(".cart-link").text  # products' count
