"""/{lang}/account/security: password, email address, the second factor of staff (issue 6,
acceptance 6 and 7), and the login's second step."""

import pyotp
import pytest
from cryptography.fernet import Fernet

from shopcms.privacy.vault import Vault, VaultError
from tests.accounts.test_registration import (
    link_in,
    local,
    logged_in,
    mails_to,
    plain,
    without_csrf,
)
from tests.conftest import PASSWORD, Browser, login

PAGE = "/nl/account/security"
NEW_PASSWORD = "a fresh and long passphrase"


def security_form(app, formid):
    return app.get(PAGE).forms[formid]


def change_password(app, current, new, status=303):
    form = security_form(app, "change-password")
    form["current"] = current
    form["password"] = new
    return form.submit("change_password", status=status)


def change_email(app, new, current=PASSWORD, status=303):
    form = security_form(app, "change-email")
    form["email"] = new
    form["current"] = current
    return form.submit("change_email", status=status)


def account(site, userid):
    return site.read(lambda root: root["customers"][userid])


def test_the_page_needs_a_login(app):
    page = app.get(PAGE, status=403)
    assert page.forms["login"]["came_from"].value == PAGE


def test_a_password_change_needs_the_current_one_and_follows_the_rules(site, app):
    site.add_account("careful@example.be")
    login(app, "careful@example.be", PASSWORD)
    wrong = change_password(app, "not my password", NEW_PASSWORD, status=400)
    assert "niet juist" in wrong.html.select_one("#password [role=alert]").text
    change_password(app, PASSWORD, "qwertyuiop", status=400)
    login(Browser(site.wsgi), "careful@example.be", PASSWORD)


def test_a_password_change_ends_the_other_sessions_and_old_cookies(site, app):
    site.add_account("mover@example.be")
    other = Browser(site.wsgi)
    login(app, "mover@example.be", PASSWORD)
    login(other, "mover@example.be", PASSWORD)
    mine_before, other_before = app.cookies["session"], other.cookies["session"]

    change_password(app, PASSWORD, NEW_PASSWORD).follow(status=200)
    # This browser stays logged in, in a fresh session; the other one is logged out.
    assert logged_in(app)
    app.get(PAGE, status=200)
    other.get(PAGE, status=403)
    # Replaying either old cookie gets the anonymous view.
    for cookie in (other_before, mine_before):
        replay = Browser(site.wsgi)
        replay.set_cookie("session", cookie)
        assert not logged_in(replay)
        replay.get(PAGE, status=403)
    login(Browser(site.wsgi), "mover@example.be", NEW_PASSWORD)
    login(Browser(site.wsgi), "mover@example.be", PASSWORD, status=400)


def test_wrong_current_passwords_count_toward_the_login_throttle(site, app):
    site.add_account("hijacked@example.be")
    login(app, "hijacked@example.be", PASSWORD)
    for _ in range(5):
        change_password(app, "guess guess", NEW_PASSWORD, status=400)
    change_password(app, PASSWORD, NEW_PASSWORD, status=429)


def test_an_email_change_waits_for_the_new_address_then_ends_old_sessions(site, app):
    userid = site.add_account("old@example.be")
    other = Browser(site.wsgi)
    login(app, "old@example.be", PASSWORD)
    login(other, "old@example.be", PASSWORD)
    other_before = other.cookies["session"]

    change_email(app, "wrong@example.be", current="not my password", status=400)
    assert mails_to(site, "wrong@example.be") == []
    change_email(app, "New@Example.be")
    [mail] = mails_to(site, "new@example.be")
    assert mail["Subject"] == "Bevestig uw nieuwe e-mailadres voor Soft Cactus"
    # Nothing changes until the link is used.
    assert account(site, userid).email == "old@example.be"
    login(Browser(site.wsgi), "old@example.be", PASSWORD)

    page = app.get(local(link_in(mail)))
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "new@example.be" in page.text
    page.forms["token"].submit("confirm", status=303).follow(status=200)
    assert account(site, userid).email == "new@example.be"
    assert logged_in(app)
    assert not logged_in(other)
    replay = Browser(site.wsgi)
    replay.set_cookie("session", other_before)
    assert not logged_in(replay)
    # The old address is told, in the owner's language.
    [notice] = mails_to(site, "old@example.be")
    assert "new@example.be" in plain(notice)
    login(Browser(site.wsgi), "new@example.be", PASSWORD)
    login(Browser(site.wsgi), "old@example.be", PASSWORD, status=400)
    # The link works once.
    Browser(site.wsgi).get(local(link_in(mail)), status=400)


def test_an_email_change_link_expires(site, app):
    userid = site.add_account("slowmove@example.be")
    login(app, "slowmove@example.be", PASSWORD)
    change_email(app, "later@example.be")
    form = app.get(local(link_in(mails_to(site, "later@example.be")[0]))).forms["token"]
    site.registry.shopcms_clock.advance(hours=24, minutes=1)
    form.submit("confirm", status=400)
    assert account(site, userid).email == "slowmove@example.be"


def test_an_email_change_to_a_taken_address_answers_the_same(site):
    site.add_account("taken@example.be")
    texts = []
    for mine, wanted in (("a@example.be", "taken@example.be"), ("b@example.be", "free@example.be")):
        site.add_account(mine)
        client = Browser(site.wsgi)
        login(client, mine, PASSWORD)
        answer = change_email(client, wanted).follow()
        # Apart from the addresses themselves, the two answers are the same.
        texts.append(without_csrf(answer.text).replace(mine, "ME").replace(wanted, "NEW"))
    assert texts[0] == texts[1]
    # The owner of the taken address hears of it; nobody gets a link to take it.
    [notice] = mails_to(site, "taken@example.be")
    assert "token=" not in plain(notice)


# -- the second factor ---------------------------------------------------------------


def turn_on_second_factor(site, app):
    """Turn the second factor on through the page; returns the secret it showed."""
    setup = security_form(app, "totp-start").submit("totp_start", status=200)
    assert setup.html.select_one("img.qr")["src"].startswith("data:image/svg+xml")
    secret = setup.html.select_one("code.secret").text
    form = setup.forms["totp-on"]
    form["code"] = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    refused = form.submit("totp_on", status=400)
    form = refused.forms["totp-on"]
    form["code"] = pyotp.TOTP(secret).at(site.registry.shopcms_clock())
    form.submit("totp_on", status=303)
    return secret


def code(site, secret, step=0):
    return pyotp.TOTP(secret).at(site.registry.shopcms_clock(), counter_offset=step)


def second_step(app, value, status=303):
    form = app.get("/nl/login/code").forms["login-code"]
    form["code"] = value
    return form.submit("login", status=status)


@pytest.fixture
def staff(site, app):
    userid = site.add_account("staff@example.be", roles=("editor",))
    login(app, "staff@example.be", PASSWORD)
    return userid


def test_customers_are_not_offered_the_second_factor(site, app):
    site.add_account("shopper@example.be")
    login(app, "shopper@example.be", PASSWORD)
    page = app.get(PAGE)
    assert "totp-start" not in page.forms
    token = page.forms["change-password"]["csrf_token"].value
    app.post(PAGE, {"csrf_token": token, "totp_start": "totp_start"}, status=404)


def test_staff_turn_on_the_second_factor_and_login_asks_for_the_code(site, app, staff):
    secret = turn_on_second_factor(site, app)
    # Stored sealed: the database alone does not hold the secret.
    sealed = account(site, staff).totp_secret
    assert secret.encode() not in sealed
    with pytest.raises(VaultError):
        Vault([Fernet.generate_key()]).open(sealed)
    assert site.registry.shopcms_vault.open(sealed) == secret

    browser = Browser(site.wsgi)
    asked = login(browser, "staff@example.be", PASSWORD, status=200)
    assert asked.forms["login-code"].action == "/nl/login/code"
    # Half logged in is not logged in.
    assert not logged_in(browser)
    browser.get("/nl/manage/", status=403)
    # The step after the one used to turn it on (a used code is never taken again); read
    # once, so that the replay below is the same code even across a 30-second boundary.
    used = code(site, secret, 1)
    wrong = second_step(browser, "123456" if used != "123456" else "654321", 400)
    assert wrong.html.select_one("[role=alert]")
    done = second_step(browser, used)
    assert done.location.endswith("/nl/manage/")
    browser.get("/nl/manage/", status=200)

    # The same code again, in another browser: refused.
    replay = Browser(site.wsgi)
    login(replay, "staff@example.be", PASSWORD, status=200)
    second_step(replay, used, status=400)


def test_wrong_codes_count_toward_the_login_throttle(site, app, staff):
    secret = turn_on_second_factor(site, app)
    browser = Browser(site.wsgi)
    login(browser, "staff@example.be", PASSWORD, status=200)
    right = code(site, secret, 1)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        second_step(browser, wrong, status=400)
    second_step(browser, right, status=429)
    assert not logged_in(browser)


def test_the_second_step_lapses(site, app, staff):
    secret = turn_on_second_factor(site, app)
    browser = Browser(site.wsgi)
    login(browser, "staff@example.be", PASSWORD, status=200)
    form = browser.get("/nl/login/code").forms["login-code"]
    site.registry.shopcms_clock.advance(minutes=6)
    form["code"] = code(site, secret)
    back = form.submit("login", status=303)
    assert back.location.endswith("/nl/login")
    assert not logged_in(browser)


def test_turning_the_second_factor_off_needs_password_and_code(site, app, staff):
    secret = turn_on_second_factor(site, app)
    form = security_form(app, "totp-off")
    form["current"] = PASSWORD
    form["code"] = "000000" if code(site, secret, 1) != "000000" else "111111"
    form.submit("totp_off", status=400)
    form = security_form(app, "totp-off")
    form["current"] = PASSWORD
    form["code"] = code(site, secret, 1)
    form.submit("totp_off", status=303)
    assert account(site, staff).totp_secret is None
    login(Browser(site.wsgi), "staff@example.be", PASSWORD)  # straight in again
