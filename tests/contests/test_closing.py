"""Closing a contest and its winners, as the judges (the contest's owner, administrators)
do it: closing by POST with the tie-breaker's true value and by ``shopcms close-contest``,
refused before the closing time, never by a GET; the ranking with the reason for each place;
a disqualification moves the next entry up; confirming queues a prize notice in each
winner's language; the announcement shows first name, initial and town only."""

import pytest
import transaction

from shopcms import cli, main
from shopcms.contests.workflow import ANNOUNCED, CLOSED, CONFIRMED, PUBLISHED
from tests.cli.test_cli_import_payments import write_ini
from tests.conftest import Browser, Site, app_settings, make_site
from tests.contests.desk_helpers import add_entry, contest_of, editor, make_contest
from tests.outbox import queued

DESK = "/en/manage/contests/"


def owned_contest(site, app, **options):
    """A contest owned by the logged-in editor, with four confirmed entries: Anna (6 from
    1240), Jean (10 from it, on the other side), Piet (wrong answer), Marie (6 from it too,
    confirmed later than Anna)."""
    uid = editor(site, app)
    make_contest(site, owner=uid, **options)
    add_entry(site, "cactus", "Anna de Smet", estimate=1234, minute=1, city="Gent")
    add_entry(site, "cactus", "Jean Dupont", estimate=1250, minute=2, lang="fr", city="Liège")
    add_entry(site, "cactus", "Piet Peeters", answer="0", estimate=1240, minute=3)
    add_entry(site, "cactus", "Marie Claes", estimate=1246, minute=4, city="Namen")
    return uid


def close(app, value="1240", status=303):
    form = app.get(f"{DESK}cactus/").forms["contest-close"]
    form["true_value"] = value
    return form.submit("close", status=status)


def ranking_rows(app):
    page = app.get(f"{DESK}cactus/ranking")
    return [
        (
            row["data-place"],
            row.select_one(".entrant").contents[0].strip(),
            row.select_one(".reason").text.strip(),
        )
        for row in page.html.select("table.ranking tbody tr")
    ]


def test_judges_close_by_post_and_see_the_ranking_with_reasons(site, app):
    owned_contest(site, app)
    page = close(app, value="", status=400)
    assert "Required" in page.text or "required" in page.text
    assert contest_of(site).workflow_state == PUBLISHED
    ranking = close(app).follow()
    assert "The contest is closed. Check the ranking." in ranking.text
    contest = contest_of(site)
    assert contest.workflow_state == CLOSED and contest.true_value == 1240
    assert contest.workflow_history[-1].actor == contest.owner
    assert ranking_rows(app) == [
        ("1", "Anna de Smet", "same distance, confirmed earlier"),
        ("2", "Marie Claes", "closer estimate: 6 from 1240"),
        ("3", "Jean Dupont", "last ranked: 10 from 1240"),
        ("", "Piet Peeters", "wrong answer"),
    ]
    winners = app.get(f"{DESK}cactus/ranking").html.select('tr[data-wins="yes"]')
    assert [row["data-place"] for row in winners] == ["1"]


def test_closing_is_refused_before_the_closing_time(site, app):
    uid = editor(site, app)
    make_contest(site, owner=uid, closes=2)
    add_entry(site, "cactus", "Anna de Smet", estimate=1234, minute=1)
    page = app.get(f"{DESK}cactus/")
    assert "contest-close" not in page.forms
    assert "The contest can be closed after its closing time." in page.text
    token = page.forms["logout"]["csrf_token"].value
    refused = app.post(f"{DESK}cactus/close", {"csrf_token": token, "true_value": "5"}, status=400)
    assert "it can be closed only after its closing time" in refused.text
    contest = contest_of(site)
    assert contest.workflow_state == PUBLISHED and contest.true_value is None


def test_a_get_never_closes(site, app):
    owned_contest(site, app)
    for path in (f"{DESK}cactus/close", f"{DESK}cactus/close?true_value=1240"):
        assert app.get(path, expect_errors=True).status_int in (404, 405)
    app.get(f"{DESK}cactus/ranking", status=400)  # nothing to rank yet: says so, changes nothing
    contest = contest_of(site)
    assert contest.workflow_state == PUBLISHED and contest.true_value is None


def test_disqualifying_moves_the_next_entry_up_and_requalifying_undoes_it(site, app):
    owned_contest(site, app)
    close(app)
    page = app.get(f"{DESK}cactus/ranking")
    anna = page.html.select_one("tr[data-place='1']")["data-key"]
    form = page.forms[f"disqualify-{anna}"]
    page = form.submit("disqualify", status=400)  # the reason is required
    assert "Give the reason for the disqualification." in page.text
    assert contest_of(site).entries[anna].disqualified is None
    form = app.get(f"{DESK}cactus/ranking").forms[f"disqualify-{anna}"]
    form["reason"] = "Employee of the shop"
    form.submit("disqualify", status=303)
    assert ranking_rows(app) == [
        ("1", "Marie Claes", "closer estimate: 6 from 1240"),
        ("2", "Jean Dupont", "last ranked: 10 from 1240"),
        ("", "Piet Peeters", "wrong answer"),
        ("", "Anna de Smet", "disqualified: Employee of the shop"),
    ]
    app.get(f"{DESK}cactus/ranking").forms[f"requalify-{anna}"].submit("requalify", status=303)
    assert ranking_rows(app)[0][:2] == ("1", "Anna de Smet")


def test_winners_get_mail_in_their_language_and_are_announced_by_first_name_and_town(site, app):
    owned_contest(site, app, winners=2)
    close(app)
    assert queued(site) == []
    page = app.get(f"{DESK}cactus/ranking")
    page.forms["contest-confirm-winners"].submit("confirm", status=303)
    contest = contest_of(site)
    assert contest.workflow_state == CONFIRMED
    mails = dict(queued(site))
    assert sorted(mails) == ["anna.1@example.be", "marie.4@example.be"]
    anna = mails["anna.1@example.be"]
    html = anna.get_body(("html",)).get_content()
    assert 'lang="nl"' in html and "Cactuswedstrijd" in html and "Een grote cactus" in html
    assert "Kerkstraat 2" in anna.get_body(("plain",)).get_content()  # where the prize goes
    assert "Cactuswedstrijd" in str(anna["Subject"])
    # Confirmed winners stay fixed: nobody is disqualified any more.
    assert not [
        name for name in app.get(f"{DESK}cactus/ranking").forms if str(name).startswith("disq")
    ]

    page = app.get(f"{DESK}cactus/ranking")
    page.forms["contest-announce"].submit("announce", status=303)
    contest = contest_of(site)
    assert contest.workflow_state == ANNOUNCED
    assert contest.public_winners == (("Anna S.", "Gent"), ("Marie C.", "Namen"))
    preview = app.get(f"{DESK}cactus/preview?lang=nl").html.select_one("section.winners")
    assert [li.text for li in preview("li")] == ["Anna S., Gent", "Marie C., Namen"]

    # The prize delivered (its date starts the 60 days after which the data go).
    key = contest.winner_keys[0]
    app.get(f"{DESK}cactus/ranking").forms[f"delivered-{key}"].submit("delivered", status=303)
    assert contest_of(site).entries[key].prize_delivered is not None


def test_the_french_winner_gets_french_mail(site, app):
    owned_contest(site, app, winners=3)
    close(app)
    app.get(f"{DESK}cactus/ranking").forms["contest-confirm-winners"].submit("confirm")
    jean = dict(queued(site))["jean.2@example.be"]
    html = jean.get_body(("html",)).get_content()
    assert 'lang="fr"' in html and "Concours cactus" in html and "Un grand cactus" in html
    assert "Cactuswedstrijd" not in html


def test_the_public_page_announces_first_name_initial_and_town_only(site, app):
    owned_contest(site, app)
    close(app)
    app.get(f"{DESK}cactus/ranking").forms["contest-confirm-winners"].submit("confirm")
    app.get(f"{DESK}cactus/ranking").forms["contest-announce"].submit("announce")
    visitor = Browser(site.wsgi)
    page = visitor.get("/nl/contests/cactus")
    assert "Anna S." in page.text and "Gent" in page.text
    for secret in ("de Smet", "anna.1@example.be", "Kerkstraat", "Marie", "Jean", "Piet", "1234"):
        assert secret not in page.text


def test_the_command_closes_a_contest(tmp_path, capsys):
    site = make_site(tmp_path)
    make_contest(site, owner=None)
    add_entry(site, "cactus", "Anna de Smet", estimate=1234, minute=1)
    make_contest(site, "later", closes=3)
    transaction.abort()
    site.close()
    ini = write_ini(tmp_path / "shop.ini", tmp_path)

    assert cli.main(["close-contest", ini, "later", "--true-value", "1240"]) == 2
    assert "only after its closing time" in capsys.readouterr().err
    assert cli.main(["close-contest", ini, "nothing", "--true-value", "1240"]) == 2
    assert "no contest named 'nothing'" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # the true value is required
        cli.main(["close-contest", ini, "cactus"])
    capsys.readouterr()
    assert cli.main(["close-contest", ini, "cactus", "--true-value", "1240"]) == 0
    assert capsys.readouterr().out.strip() == (
        "contest cactus: closed with true value 1240; 1 confirmed entries"
    )
    assert cli.main(["close-contest", ini, "cactus", "--true-value", "1240"]) == 2

    site = make_site_again(tmp_path)
    contest = contest_of(site)
    assert contest.workflow_state == CLOSED and contest.true_value == 1240
    assert contest.workflow_history[-1].actor == "cli"
    assert contest_of(site, "later").workflow_state == PUBLISHED
    site.close()


def make_site_again(tmp_path):
    """The application on the database the command changed (not a fresh copy)."""
    return Site(main({}, **app_settings(tmp_path)))
