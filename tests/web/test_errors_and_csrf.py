"""CSRF on every unsafe request, error pages, no tracebacks, the commit veto (acceptance 3)."""

import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login, start_session

TRACEBACK_MARKERS = ("Traceback", 'File "', "RuntimeError", "secret internal detail")


def _assert_readable_400(response, heading):
    assert response.status_int == 400
    assert response.content_type == "text/html"
    assert response.html.select_one("h1").text == heading
    assert response.html.select_one("header .logo").text == "Soft Cactus"  # in the layout
    for marker in TRACEBACK_MARKERS:
        assert marker not in response.text


@pytest.mark.parametrize("path", ["/nl/login", "/nl/logout", "/nl/test-write-ok", "/fr/login"])
def test_post_without_token_gets_a_readable_400(app, path):
    start_session(app)  # the browser holds a session (with its token) but does not send it
    response = app.post(path, {"email": "a@b.be", "password": "x" * 10}, status=400)
    heading = "Ce formulaire a expiré" if path.startswith("/fr/") else "Dit formulier is verlopen"
    _assert_readable_400(response, heading)


def test_post_from_a_browser_that_refuses_cookies_says_why(app):
    response = app.post("/fr/login", {"email": "a@b.be", "password": "x" * 10}, status=400)
    _assert_readable_400(response, "Cookies nécessaires")


def test_post_with_a_wrong_token_gets_400_and_changes_nothing(site, app):
    app.get("/nl/login")  # a session with a real token exists now
    app.post("/nl/test-write-ok", {"csrf_token": "forged"}, status=400)
    assert site.read(lambda root: getattr(root, "test_marker", None)) is None


def test_role_change_without_token_is_refused(site, app):
    userid = site.add_account("c@example.be")
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    app.post(
        f"/nl/manage/customers/{userid}/roles", {"role": "admin", "action": "grant"}, status=400
    )
    assert site.read(lambda root: root["customers"][userid].roles) == {"customer"}


def test_token_in_header_is_accepted_for_scripts(site, app):
    token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
    app.post("/nl/test-write-ok", headers={"X-CSRF-Token": token}, status=204)
    assert site.read(lambda root: root.test_marker) == "written"


def test_a_4xx_answer_aborts_the_transaction(site, app):
    token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
    app.post("/nl/test-write-then-fail", {"csrf_token": token}, status=400)
    assert site.read(lambda root: getattr(root, "test_marker", None)) is None


@pytest.mark.parametrize(
    "path,heading",
    [
        ("/nl/bestaat-niet", "Pagina niet gevonden"),
        ("/fr/nexiste-pas", "Page introuvable"),
        ("/en/does-not-exist", "Page not found"),
        ("/nl/pages/nope/deeper", "Pagina niet gevonden"),
    ],
)
def test_not_found_in_the_right_language(app, path, heading):
    response = app.get(path, status=404)
    assert response.html.select_one("h1").text == heading
    assert response.html.select_one("html")["lang"] == path.split("/")[1]


def test_not_found_outside_the_language_tree_negotiates(app):
    response = app.get("/nothing-here", headers={"Accept-Language": "fr"}, status=404)
    assert response.html.select_one("h1").text == "Page introuvable"


def test_a_conflict_that_outlives_the_retries_says_nothing_was_saved(tmp_path):
    from tests.conftest import make_site
    from tests.web import testviews

    site = make_site(tmp_path, **{"retry.attempts": "3"})
    try:
        app = Browser(site.wsgi)
        token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
        testviews.ATTEMPTS.clear()
        response = app.post("/nl/test-conflict", {"csrf_token": token}, status=503)
        assert len(testviews.ATTEMPTS) == 3  # retried, then given up
        assert response.headers["Retry-After"] == "5"
        assert "Er is niets bewaard" in response.text
        assert site.read(lambda root: getattr(root, "test_marker", None)) is None
    finally:
        site.close()


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_unexpected_errors_show_the_500_page_without_traceback(app, lang):
    response = app.get(f"/{lang}/test-boom", status=500)
    assert response.html.select_one("p.status").text == "500"
    assert response.html.select_one("html")["lang"] == lang
    for marker in TRACEBACK_MARKERS:
        assert marker not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/nl/__class__",
        "/nl/__dict__",
        "/nl/data",
        "/nl/catalog",
        "/nl/customers/by_email",
        "/nl/pages/__parent__",
        "/nl/pages/about/titles",
        "/nl/add",
        "/nl/customers",
    ],
)
def test_traversal_exposes_no_attributes_or_methods(app, path):
    app.get(path, status=404)


def test_customers_are_not_public(site, app):
    userid = site.add_account("private@example.be")
    response = app.get(f"/nl/customers/{userid}", status=404)
    assert "private@example.be" not in response.text
