"""Login, roles and the management area (acceptance 2, 4 and 5)."""

import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login


def test_admin_login_reaches_manage(app):
    response = login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert response.location.endswith("/nl/manage/")
    dashboard = response.follow(status=200)
    assert dashboard.html.select_one("h1").text == "Beheer"
    assert dashboard.headers["Cache-Control"] == "no-store"


def test_manage_shortcut_redirects_to_the_visitors_language(app):
    response = app.get("/manage/", headers={"Accept-Language": "fr"}, status=302)
    assert response.location.endswith("/fr/manage/")


def test_anonymous_gets_the_login_form_with_403_and_comes_back(app):
    response = app.get("/nl/manage/", status=403)
    form = response.forms["login"]
    assert form.action == "/nl/login"
    assert form["came_from"].value == "/nl/manage/"
    form["email"] = ADMIN_EMAIL
    form["password"] = ADMIN_PASSWORD
    back = form.submit("login", status=303)
    assert back.location.endswith("/nl/manage/")


def test_login_never_redirects_to_another_site(app):
    form = app.get("/nl/login?came_from=//evil.example/x").forms["login"]
    form["email"] = ADMIN_EMAIL
    form["password"] = ADMIN_PASSWORD
    response = form.submit("login", status=303)
    assert "evil.example" not in response.location


def test_customer_gets_403_in_manage(site, app):
    site.add_account("klant@example.be")
    login(app, "klant@example.be", PASSWORD)
    response = app.get("/nl/manage/", status=403)
    assert (
        "Toegang geweigerd" in response.text or response.html.select_one("p.status").text == "403"
    )
    app.get("/nl/manage/customers/", status=403)


def test_granting_editor_makes_the_user_an_editor(site, app):
    userid = site.add_account("redacteur@example.be")
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    listing = app.get("/nl/manage/customers/")
    row = [tr for tr in listing.html.select("tbody tr") if "redacteur@example.be" in tr.text][0]
    forms = row.select("form")
    editor_form = [f for f in forms if f.select_one("input[name=role]")["value"] == "editor"][0]
    assert editor_form.select_one("input[name=action]")["value"] == "grant"
    response = app.post(
        editor_form["action"],
        {
            "csrf_token": editor_form.select_one("input[name=csrf_token]")["value"],
            "role": "editor",
            "action": "grant",
        },
        status=303,
    )
    assert "redacteur@example.be" in response.follow().text
    assert site.read(lambda root: root["customers"][userid].roles) == {"customer", "editor"}

    app.post(
        "/nl/logout",
        {"csrf_token": app.get("/nl/").html.select_one("input[name=csrf_token]")["value"]},
        status=303,
    )
    login(app, "redacteur@example.be", PASSWORD)
    assert app.get("/nl/manage/", status=200).html.select_one("h1").text == "Beheer"


def test_admin_cannot_remove_own_admin_role(site, app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin_id = site.read(lambda root: root["customers"].find(ADMIN_EMAIL).__name__)
    token = app.get("/nl/manage/customers/").html.select_one("input[name=csrf_token]")["value"]
    app.post(
        f"/nl/manage/customers/{admin_id}/roles",
        {"csrf_token": token, "role": "admin", "action": "revoke"},
        status=400,
    )
    assert "admin" in site.read(lambda root: root["customers"][admin_id].roles)


def test_unknown_role_is_refused_and_nothing_changes(site, app):
    userid = site.add_account("x@example.be")
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    token = app.get("/nl/manage/customers/").html.select_one("input[name=csrf_token]")["value"]
    app.post(
        f"/nl/manage/customers/{userid}/roles",
        {"csrf_token": token, "role": "root", "action": "grant"},
        status=400,
    )
    assert site.read(lambda root: root["customers"][userid].roles) == {"customer"}


def test_passwords_are_stored_only_as_argon2id_hashes(site):
    userid = site.add_account("hash@example.be", password="my secret passphrase")
    stored = site.read(lambda root: root["customers"][userid].password_hash)
    assert stored.startswith("$argon2id$v=19$")
    assert "my secret passphrase" not in stored
    # Nothing else on the account holds the clear text either.
    account_state = site.read(lambda root: repr(root["customers"][userid].__getstate__()))
    assert "my secret passphrase" not in account_state


def test_wrong_password_and_unknown_email_get_the_same_answer(site, app):
    site.add_account("known@example.be")
    wrong = login(app, "known@example.be", "not the password", status=400)
    unknown = login(app, "nobody@example.be", "not the password", status=400)
    message = wrong.html.select_one("[role=alert]").text.strip()
    assert message == unknown.html.select_one("[role=alert]").text.strip()
    assert message == "Het e-mailadres of het wachtwoord is niet juist."


def test_five_wrong_passwords_lock_the_account_for_a_while(site, app):
    site.add_account("victim@example.be")
    for _ in range(5):
        login(app, "victim@example.be", "guess guess", status=400)
    # Even the right password is refused now, with a clear message.
    locked = login(app, "victim@example.be", PASSWORD, status=429)
    assert int(locked.headers["Retry-After"]) > 0
    assert "minu" in locked.html.select_one("[role=alert]").text
    # Another account from elsewhere is not affected by this lock.
    site.add_account("other@example.be")
    login(app, "other@example.be", PASSWORD, status=303)


def test_unknown_email_is_locked_the_same_way(app):
    for _ in range(5):
        login(app, "ghost@example.be", "guess guess", status=400)
    login(app, "ghost@example.be", "guess guess", status=429)


def test_many_failures_from_one_address_are_throttled(site, app):
    for i in range(20):
        login(app, f"spray{i}@example.be", "guess guess", status=400)
    site.add_account("fresh@example.be")
    login(app, "fresh@example.be", PASSWORD, status=429)


def test_logout_ends_the_session(app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    cookie_before = app.cookies["session"]
    token = app.get("/nl/").html.select_one("form[action='/nl/logout'] input[name=csrf_token]")[
        "value"
    ]
    app.post("/nl/logout", {"csrf_token": token}, status=303)
    app.get("/nl/manage/", status=403)
    # Replaying the cookie of the ended session does not bring it back.
    app.set_cookie("session", cookie_before)
    app.get("/nl/manage/", status=403)


def test_password_change_ends_other_sessions(site, app):

    userid = site.add_account("two@example.be", roles=("editor",))
    other = Browser(site.wsgi)
    login(app, "two@example.be", PASSWORD)
    login(other, "two@example.be", PASSWORD)
    with site.edit() as root:
        root["customers"][userid].set_password("a brand new passphrase")
    app.get("/nl/manage/", status=403)
    other.get("/nl/manage/", status=403)


@pytest.mark.parametrize("lang,title", [("fr", "Gestion"), ("en", "Management")])
def test_manage_speaks_the_staff_members_language(app, lang, title):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD, lang=lang)
    assert app.get(f"/{lang}/manage/").html.select_one("h1").text == title
