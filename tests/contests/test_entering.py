"""Entering a contest as a visitor does: the form, the mail with its link (in the outbox
and through a real SMTP server), the confirmation, the counts; no GET writes.

The page views of a campaign tag are counted in memory by ``contests.response`` (not
here); what ``entries`` count, started and confirmed entries, is checked per tag and day.
"""

import datetime

import pytest

from shopcms.contests import guard
from shopcms.mail import send_queued
from shopcms.web.clock import now, site_timezone
from tests.contests.helpers import (
    ENTRANT,
    confirm,
    confirm_links,
    counts,
    enter,
    make_contest,
)
from tests.newsletter.helpers import find as find_subscription
from tests.outbox import queued


@pytest.fixture(autouse=True)
def _fresh_limits():
    guard.ENTRIES.clear()
    yield
    guard.ENTRIES.clear()


def today(site):
    return now(site.registry).astimezone(site_timezone(site.registry)).date().isoformat()


def test_an_entry_counts_once_its_mailed_link_is_followed(app, site, smtp):
    make_contest(site)
    sent = enter(app, "nl", tag="instagram-may").follow()
    assert sent.request.path == "/nl/contests/needles/sent"
    assert "anna@example.be" not in sent.text  # the page shows nobody's data
    # Stored, not counted yet: started under the tag of the link the visitor came by.
    assert counts(site)["confirmed"] == 0
    assert counts(site)["response"] == {("instagram-may", today(site)): (0, 1, 0)}

    assert send_queued(site.registry).sent == 1
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ("anna@example.be",)
    assert "Anna de Smet" in received.message["To"]
    [link] = confirm_links([("anna@example.be", received.message)], "anna@example.be")
    assert link.startswith("/nl/contests/needles/confirm?token=")

    page = app.get(link)  # a link scanner opening it changes nothing
    assert page.forms["contest-confirm"]
    assert counts(site)["confirmed"] == 0

    page.forms["contest-confirm"].submit("confirm", status=200)
    assert counts(site)["confirmed"] == 1
    assert counts(site)["response"] == {("instagram-may", today(site)): (0, 1, 1)}

    # The link is used up: following it again counts nothing.
    again = app.get(link)
    assert "contest-confirm" not in again.forms
    assert counts(site)["confirmed"] == 1
    assert counts(site)["response"] == {("instagram-may", today(site)): (0, 1, 1)}


def test_the_mail_is_in_the_language_of_the_page_entered_on(app, site):
    make_contest(site)
    enter(app, "fr", email="marie@example.be")
    [(to, message)] = queued(site)
    assert to == "marie@example.be"
    [link] = confirm_links([(to, message)], "marie@example.be")
    assert link.startswith("/fr/contests/needles/confirm?token=")
    assert "Combien d'aiguilles ?" in message.get_body(("plain",)).get_content()
    assert "/fr/contests/needles/rules" in message.get_body(("html",)).get_content()


def test_a_malformed_tag_counts_as_no_tag(app, site):
    make_contest(site)
    enter(app, "en", tag="<script>")
    assert counts(site)["response"] == {("", today(site)): (0, 1, 0)}


def test_the_newsletter_box_only_asks_for_a_subscription(app, site):
    make_contest(site)
    enter(app, "nl", email="no@example.be")
    assert find_subscription(site, "no@example.be") is None
    enter(app, "nl", email="yes@example.be", street="Dorpsstraat 1", newsletter=True)
    # Pending until the newsletter's own mail is confirmed; asked from the contest.
    assert find_subscription(site, "yes@example.be") == ("pending", "nl", "contest", None)
    # The entry's mail and the newsletter's confirmation, separately.
    subjects = [m["Subject"] for to, m in queued(site) if to == "yes@example.be"]
    assert len(subjects) == 2


def test_both_boxes_are_required_and_the_newsletter_box_is_not_ticked(app, site):
    make_contest(site)
    form = app.get("/en/contests/needles").forms["contest-entry"]
    assert form["newsletter"].checked is False
    for field, value in ENTRANT.items():
        form["contest-entry-answer" if field == "answer" else field] = value
    page = form.submit("enter", status=400)
    assert "Only people aged 18 or older may take part." in page.text
    assert "Please accept the contest rules to take part." in page.text
    assert counts(site)["entries"] == 0 and queued(site) == []


def test_only_residents_of_the_contests_countries_may_enter(app, site):
    make_contest(site, countries=("BE",))
    form = app.get("/en/contests/needles").forms["contest-entry"]
    assert [value for value, *__ in form["country"].options] == ["BE"]
    page = enter(app, "en", country="BE", postcode="9000")
    assert page.status_int == 303
    form = app.get("/en/contests/needles").forms["contest-entry"]
    for field, value in {**ENTRANT, "email": "jan@example.nl", "postcode": "1011 AB"}.items():
        form["contest-entry-answer" if field == "answer" else field] = value
    form["country"].force_value("NL")
    form["adult"] = form["rules"] = True
    refused = form.submit("enter", status=400)
    assert "Residents of this country cannot take part in this contest." in refused.text
    assert counts(site)["entries"] == 1


def test_too_many_entries_from_one_client_answer_429(app, site):
    make_contest(site)
    guard.ENTRIES.limit = 2
    try:
        enter(app, "en", email="one@example.be", street="Dorpsstraat 1")
        enter(app, "en", email="two@example.be", street="Dorpsstraat 2")
        page = enter(app, "en", email="three@example.be", street="Dorpsstraat 3", status=429)
    finally:
        guard.ENTRIES.limit = guard.PER_HOUR
    assert "sent too often from your connection" in page.text
    assert counts(site)["entries"] == 2


def test_a_draft_is_not_public(app, site):
    make_contest(site, "secret-draft", state="draft")
    for path in ("", "/rules", "/sent", "/confirm?token=x"):
        app.get(f"/nl/contests/secret-draft{path}", status=404)
    listing = app.get("/nl/contests/")
    assert "secret-draft" not in listing.text


def test_the_contest_page_shows_no_form_before_opening_or_after_closing(app, site):
    when = now(site.registry)
    day = datetime.timedelta(days=1)
    make_contest(site, "later", opens=when + day, closes=when + 2 * day)
    make_contest(site, "over", opens=when - 2 * day, closes=when - day)
    later = app.get("/en/contests/later")
    assert "contest-entry" not in later.forms
    assert "not open yet" in later.text
    over = app.get("/en/contests/over")
    assert "contest-entry" not in over.forms
    assert "This contest is closed" in over.text


def test_the_announcement_shows_the_winners_public_lines_only(app, site):
    make_contest(site)
    enter(app, "nl")
    [link] = confirm_links(queued(site), "anna@example.be")
    confirm(app, link)
    with site.edit() as root:
        contest = root["contests"]["needles"]
        contest.public_winners = (("Anna S.", "Gent"),)
        contest.workflow_state = "announced"
    page = app.get("/nl/contests/needles")
    assert "Anna S., Gent" in page.text
    for private in ("Smet", "Kerkstraat", "anna@example.be", "9000", "1240"):
        assert private not in page.text


def test_no_get_writes(app, site):
    make_contest(site)
    enter(app, "nl")
    [link] = confirm_links(queued(site), "anna@example.be")
    database = site.registry._zodb_databases[""]
    before = database.lastTransaction()
    for lang in ("nl", "fr", "en"):
        app.get(f"/{lang}/contests/")
        app.get(f"/{lang}/contests/needles")
        app.get(f"/{lang}/contests/needles?c=instagram-may")
        app.get(f"/{lang}/contests/needles/rules")
        app.get(f"/{lang}/contests/needles/sent")
    app.get(link)
    app.get("/nl/contests/needles/confirm?token=forged", status=400)
    assert database.lastTransaction() == before
