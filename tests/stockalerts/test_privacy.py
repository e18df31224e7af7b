"""The alerts and the privacy rights: an account's and a guest's alerts in their export,
gone after their erasure; the daily retention deletes the expired ones."""

import json
from datetime import timedelta

from shopcms import cli
from shopcms.stockalerts import alerts
from shopcms.web.clock import now
from tests.cli.test_cli_import_payments import write_ini
from tests.cli.test_cli_retention import make_site_again
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site
from tests.stockalerts.helpers import OUT, ask, customer, stored


def test_an_accounts_alerts_are_exported_and_erased_with_it(site):
    app = customer(site, "eva@example.be")
    ask(app, "eva@example.be", lang="fr")
    [alert] = json.loads(app.get("/nl/account/export.json").text)["stock_alerts"]
    assert (alert["email"], alert["language"]) == ("eva@example.be", "fr")
    assert alert["product"] == "Cailloux vivants" and alert["confirmed"].startswith("20")
    assert "eva@example.be" in app.get("/nl/account/export").text

    form = app.get("/nl/account/delete").forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete", status=200)
    assert stored(site) == {}


def test_a_guests_alerts_are_exported_and_erased_at_the_privacy_desk(site):
    ask(Browser(site.wsgi), "Gast@Example.be", lang="en")
    desk = Browser(site.wsgi)
    login(desk, ADMIN_EMAIL, ADMIN_PASSWORD)
    find = desk.get("/en/manage/privacy/").forms["find"]
    find["email"] = "gast@example.be"
    found = find.submit("find", status=200)
    [alert] = json.loads(found.forms["guest-export"].submit(status=200).text)["stock_alerts"]
    assert (alert["email"], alert["confirmed"]) == ("Gast@Example.be", None)

    erase = found.forms["guest-erase"]
    erase["note"] = "request by mail"
    erase.submit("erase", status=303)
    assert stored(site) == {}


def test_retention_deletes_unconfirmed_alerts_after_7_days_and_confirmed_after_12_months(
    tmp_path, capsys
):
    site = make_site(tmp_path)
    day = timedelta(days=1)
    try:
        today = now(site.registry)
        with site.edit() as root:
            folder, pid = root["stockalerts"], root["products"][OUT].pid
            alerts.ask(folder, pid, "old@example.be", "nl", today - 8 * day)
            alerts.ask(folder, pid, "young@example.be", "nl", today - 6 * day)
            alerts.ask(folder, pid, "kept@example.be", "nl", today - 300 * day, account="x")
            alerts.ask(folder, pid, "stale@example.be", "nl", today - 366 * day, account="y")
    finally:
        site.close()
    ini = write_ini(tmp_path / "shop.ini", tmp_path)

    assert cli.main(["retention", ini]) == 0
    assert "stock alerts: 2 alert(s) past their retention deleted" in capsys.readouterr().out

    site = make_site_again(tmp_path)
    try:
        assert stored(site) == {"young@example.be": False, "kept@example.be": True}
    finally:
        site.close()
