"""Password reset by a mailed link (issue 6, acceptance 6 and 7), and tokens kept out of logs."""

import configparser
import logging
from pathlib import Path

from tests.accounts.test_registration import (
    link_in,
    local,
    logged_in,
    mails_to,
    register,
    token_of,
    verified,
    without_csrf,
)
from tests.conftest import PASSWORD, ROOT, Browser, login

NEW_PASSWORD = "a fresh and long passphrase"


def ask_reset(app, address, lang="nl"):
    form = app.get(f"/{lang}/reset").forms["reset"]
    form["email"] = address
    return form.submit("send", status=200)


def reset_link(site, app, address):
    ask_reset(app, address)
    return link_in(mails_to(site, address)[-1])


def choose(app, link, password=NEW_PASSWORD, status=303):
    form = app.get(local(link)).forms["new-password"]
    form["password"] = password
    return form.submit("save", status=status)


def test_reset_answers_the_same_for_known_and_unknown_addresses(site):
    site.add_account("known@example.be")
    known = ask_reset(Browser(site.wsgi), "known@example.be")
    unknown = ask_reset(Browser(site.wsgi), "unknown@example.be")
    assert without_csrf(known.text) == without_csrf(unknown.text)
    [mail] = mails_to(site, "known@example.be")
    assert mail["Subject"] == "Kies een nieuw wachtwoord voor Soft Cactus"
    assert mails_to(site, "unknown@example.be") == []


def test_an_address_gets_at_most_five_account_mails_an_hour(site):
    # The forms answer the same for any address: without a cap anyone could fill a
    # stranger's mailbox.  The count is kept under a keyed hash, never the address.
    site.add_account("flooded@example.be")
    site.add_account("other@example.be")
    clock = site.registry.shopcms_clock
    for _ in range(7):
        ask_reset(Browser(site.wsgi), "Flooded@Example.be")
    ask_reset(Browser(site.wsgi), "other@example.be")
    assert len(mails_to(site, "flooded@example.be")) == 5
    assert len(mails_to(site, "other@example.be")) == 1
    remembered = site.registry.shopcms_account_mail_throttle._events
    assert len(remembered) == 2
    assert not any("example" in key for key in remembered)
    clock.advance(minutes=61)
    ask_reset(Browser(site.wsgi), "flooded@example.be")
    assert len(mails_to(site, "flooded@example.be")) == 6


def test_a_reset_sets_the_password_ends_every_session_and_logs_in(site, app):
    site.add_account("forgetful@example.be")
    elsewhere = Browser(site.wsgi)
    login(elsewhere, "forgetful@example.be", PASSWORD)
    old_cookie = elsewhere.cookies["session"]
    link = reset_link(site, app, "forgetful@example.be")

    page = app.get(local(link))
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.forms["new-password"]["token"].value == token_of(link)
    # The same rules as at registration; a refused password uses nothing up.
    choose(app, link, "iloveyou", status=400)
    done = choose(app, link)
    assert done.location.endswith("/nl/account/")
    assert logged_in(app)

    # The other browser is logged out, and its old cookie brings nothing back.
    assert not logged_in(elsewhere)
    elsewhere.set_cookie("session", old_cookie)
    assert not logged_in(elsewhere)
    login(Browser(site.wsgi), "forgetful@example.be", PASSWORD, status=400)
    login(Browser(site.wsgi), "forgetful@example.be", NEW_PASSWORD)


def test_a_reset_link_works_once_and_a_used_one_kills_the_earlier_ones(site, app):
    site.add_account("twice@example.be")
    first = reset_link(site, app, "twice@example.be")
    second = reset_link(site, app, "twice@example.be")
    form = app.get(local(second)).forms["new-password"]
    form["password"] = NEW_PASSWORD
    form.submit("save", status=303)
    stranger = Browser(site.wsgi)
    for link in (first, second):
        refused = stranger.get(local(link), status=400)
        assert refused.html.select_one("a[href='/nl/reset']")
    csrf = stranger.get("/nl/reset").forms["reset"]["csrf_token"].value
    stranger.post(
        "/nl/reset/password",
        {"csrf_token": csrf, "token": token_of(second), "password": "yet another passphrase"},
        status=400,
    )
    login(Browser(site.wsgi), "twice@example.be", NEW_PASSWORD)


def test_a_reset_link_expires_after_an_hour(site, app):
    site.add_account("slow@example.be")
    link = reset_link(site, app, "slow@example.be")
    form = app.get(local(link)).forms["new-password"]
    form["password"] = NEW_PASSWORD
    site.registry.shopcms_clock.advance(minutes=61)
    form.submit("save", status=400)
    app.get(local(link), status=400)
    login(Browser(site.wsgi), "slow@example.be", PASSWORD)


def test_a_reset_confirms_an_address_not_yet_verified(site, app):
    register(app, "lost-mail@example.be")
    link = reset_link(site, app, "lost-mail@example.be")
    choose(app, link)
    assert verified(site, "lost-mail@example.be")


def test_tokens_never_reach_the_log(site, app, caplog):
    caplog.set_level(logging.DEBUG)
    register(app, "logged@example.be")
    links = [link_in(mails_to(site, "logged@example.be")[0])]
    verify = app.get(local(links[0])).forms["token"]
    verify["password"] = PASSWORD
    verify.submit("confirm", status=303)
    links.append(reset_link(site, Browser(site.wsgi), "logged@example.be"))
    choose(Browser(site.wsgi), links[-1])
    moving = Browser(site.wsgi)
    login(moving, "logged@example.be", NEW_PASSWORD)
    form = moving.get("/nl/account/security").forms["change-email"]
    form["email"] = "moved@example.be"
    form["current"] = NEW_PASSWORD
    form.submit("change_email", status=303)
    links.append(link_in(mails_to(site, "moved@example.be")[0]))
    moving.get(local(links[-1])).forms["token"].submit("confirm", status=303)
    # Replays, forgeries and an unexpected error with a token in its address.
    app.get(local(links[0]), status=400)
    app.get(local(links[-1]) + "x", status=400)
    app.get(f"/nl/test-boom?token={token_of(links[0])}", status=500)
    assert any(record.levelno >= logging.ERROR for record in caplog.records)
    logged = caplog.text  # every record as formatted, tracebacks included
    for link in links:
        assert token_of(link) not in logged
        assert token_of(link)[:40] not in logged


def test_the_servers_log_no_request_addresses():
    """No access log (WSGI translogger) and no Pyramid debug logging of URLs: links in mails
    carry tokens in their query string."""
    for name in ("development.ini", "production.ini"):
        ini = configparser.ConfigParser(interpolation=None)
        ini.read(Path(ROOT) / name)
        values = [value.lower() for section in ini.values() for value in section.values()]
        assert not any("translogger" in value for value in values), name
        assert not any(section.startswith(("pipeline:", "filter:")) for section in ini), name
        for setting in ("pyramid.debug_notfound", "pyramid.debug_routematch"):
            assert ini["app:main"].get(setting, "false").lower() in ("false", "0", "no"), name
