"""``shopcms retention INI``: from cron, quiet unless it did something; statistics older
than 25 months become monthly totals; login session ids past the absolute timeout go; the
main database is packed, so that what was erased leaves its history too."""

import time
from datetime import date, timedelta

import transaction

from shopcms import cli, main
from shopcms.accounts.throttle import get_login_throttle
from shopcms.mail import compose_waiting
from shopcms.statistics.report import add_counts, open_statistics, report
from shopcms.web.clock import now, site_timezone
from tests.cli.test_cli_import_payments import write_ini
from tests.conftest import Browser, Site, app_settings, make_site
from tests.outbox import intents


def test_retention_rolls_up_old_statistics_and_forgets_old_sessions(tmp_path, capsys):
    site = make_site(tmp_path)
    today = now(site.registry).astimezone(site_timezone(site.registry)).date()
    old = date(today.year - 3, today.month, 1)  # a whole month more than 25 months ago
    recent = today - timedelta(days=400)
    with open_statistics(site.registry) as statistics:
        for day, visits in ((old, 3), (old + timedelta(days=1), 4), (recent, 5)):
            add_counts(statistics, day, "visits", "", visits)
            add_counts(statistics, day, "pages", "home", visits)
    userid = site.add_account("an@example.be")
    with site.edit() as root:
        sessions = root["customers"][userid].sessions
        sessions["stale"] = int(time.time()) - 13 * 3600  # past the 12-hour default
        sessions["current"] = int(time.time()) - 600
    throttle = get_login_throttle(site.registry)
    # (The recent one first: the old one's write then finds nothing expired to delete.)
    throttle.failed("recent@example.be", "192.0.2.2", time.time() - 600)
    throttle.failed("gone@example.be", "192.0.2.1", time.time() - 2 * 86400)  # past the day
    transaction.abort()
    site.close()
    ini = write_ini(tmp_path / "shop.ini", tmp_path)

    assert cli.main(["retention", ini]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"statistics: 2 day(s) of {old.isoformat()[:7]} rolled up into the month",
        "sessions: 1 login session id(s) older than 43200 s removed",
        "login counters: 2 expired counter(s) removed",
    ]
    # Cron-friendly: a second run has nothing to do and says nothing.
    assert cli.main(["retention", ini]) == 0
    assert capsys.readouterr().out == ""

    site = make_site_again(tmp_path)
    try:
        with open_statistics(site.registry) as statistics:
            everything = report(statistics, old, today)
            assert [row.day for row in everything.days] == [recent]
            assert [(row.month, row.visits) for row in everything.months] == [(old, 7)]
            assert (everything.visits, everything.pages) == (12, {"home": 12})
        sessions = site.read(lambda root: dict(root["customers"][userid].sessions))
        assert set(sessions) == {"current"}
        throttle = get_login_throttle(site.registry)
        gone = throttle.keys("gone@example.be", "192.0.2.1")
        recent = throttle.keys("recent@example.be", "192.0.2.2")
        # The account and address counted two days ago are gone; the recent ones kept.
        assert set(throttle.counters.read(gone + recent)) == set(recent)
    finally:
        site.close()


def make_site_again(tmp_path):
    """The application on the database the command changed (not a fresh copy)."""
    return Site(main({}, **app_settings(tmp_path)))


def test_retention_packs_away_what_was_erased_from_the_main_database(tmp_path, capsys):
    """A reset asked for an address without an account: the sender forgets the address at
    once, but the database's earlier versions keep it until the daily pack removes them."""
    site = make_site(tmp_path)
    address = "nobody-here@example.be"
    form = Browser(site.wsgi).get("/nl/reset").forms["reset"]
    form["email"] = address
    form.submit("send", status=200)
    assert [intent["address"] for intent in intents(site)] == [address]
    compose_waiting(site.registry)  # the sender: no account, nothing to send, forgotten
    assert intents(site) == []
    site.close()
    data = tmp_path / "Data.fs"
    assert address.encode() in data.read_bytes()  # still in an earlier version
    ini = write_ini(tmp_path / "shop.ini", tmp_path)
    with open(ini, "a") as out:
        out.write("shopcms.retention.history_days = 0\n")

    assert cli.main(["retention", ini]) == 0
    assert capsys.readouterr().out == ""  # quiet: from cron
    assert address.encode() not in data.read_bytes()
