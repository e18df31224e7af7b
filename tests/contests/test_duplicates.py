"""Acceptance 3 of the contests: duplicates and bots are refused or not counted, with a
clear message where a person sees one.

- the same email twice (also in other capitals): refused, in the page's language;
- the same postal address written differently (case, spaces, "straat"/"str."): refused;
- an unconfirmed entry: stored, not counted (``confirmed_count``, the response's
  confirmed column), and gone at closing;
- an entry after closing, and a confirmation after closing: refused, not counted;
- a bot filling the honeypot: the same "check your mail" answer, nothing stored, no mail.

Each refusal answers 400 with the form again and the message at the head of its error
summary; the counts say the same.  The Dutch and English messages are asserted (the French
follow the same catalog).
"""

import datetime

import pytest

from shopcms.contests import entries, guard
from shopcms.web.clock import now
from tests.contests.helpers import (
    confirm,
    confirm_links,
    counts,
    enter,
    entry_form,
    make_contest,
)
from tests.outbox import queued

ALREADY = {
    "nl": "Met dit e-mailadres is al deelgenomen aan deze wedstrijd: één deelname per persoon.",
    "en": "This email address has already taken part in this contest: one entry per person.",
}
HOUSEHOLD = {
    "nl": "Er is al een deelname vanaf dit postadres bevestigd: één deelname per gezin.",
    "en": "An entry from this postal address has already been confirmed: one entry per household.",
}
NOT_OPEN = {
    "nl": "Deze wedstrijd staat niet open voor deelnames.",
    "en": "This contest is not open for entries.",
}
CLOSED_BEFORE = {
    "nl": "Deze wedstrijd werd afgesloten voordat uw deelname bevestigd was.",
    "en": "This contest closed before your entry was confirmed.",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    guard.ENTRIES.clear()
    yield
    guard.ENTRIES.clear()


def summary(page):
    """The text of the form's error summary (the message a person reads first)."""
    start = page.text.index('role="alert"')
    return page.text[start : page.text.index("</div>", start)]


def confirmed_entry(app, site, lang="nl", **typed):
    """Enter and follow the mailed link: a counted entry."""
    enter(app, lang, **typed)
    address = typed.get("email", "anna@example.be")
    link = confirm_links(queued(site), address)[-1]
    confirm(app, link)


def totals(site):
    found = counts(site)
    return found["confirmed"], found["confirmed_response"], found["started"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_same_email_twice_is_refused(app, site, lang):
    make_contest(site)
    confirmed_entry(app, site, lang)
    for email in ("anna@example.be", "ANNA@Example.BE", " Anna@example.be "):
        page = enter(app, lang, email=email, street="Molenstraat 1", status=400)
        assert ALREADY[lang] in summary(page)
    assert totals(site) == (1, 1, 1)  # refused entries are not even started
    assert counts(site)["entries"] == 1


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_same_address_written_differently_is_refused(app, site, lang):
    make_contest(site)
    confirmed_entry(app, site, lang, street="Kerkstraat 5")
    spellings = ("kerkstr. 5", "KERK STRAAT  5", "Kerkstraat  5", " kerkstraat 5 ")
    for number, street in enumerate(spellings):
        email = f"housemate{number}@example.be"
        page = enter(app, lang, email=email, street=street, city="GENT", status=400)
        assert HOUSEHOLD[lang] in summary(page)
    assert totals(site) == (1, 1, 1)
    # Another house in the same street is another household.
    enter(app, lang, email="neighbour@example.be", street="Kerkstraat 7")
    assert counts(site)["entries"] == 2


def test_two_unconfirmed_entries_of_one_household_the_first_confirmed_counts(app, site):
    make_contest(site)
    enter(app, "en", email="one@example.be", street="Kerkstraat 5")
    enter(app, "en", email="two@example.be", street="kerkstr. 5")
    first = confirm_links(queued(site), "one@example.be")[-1]
    second = confirm_links(queued(site), "two@example.be")[-1]
    confirm(app, first)
    page = confirm(app, second, status=400)
    assert HOUSEHOLD["en"] in page.text
    assert totals(site) == (1, 1, 2)


def test_an_unconfirmed_entry_is_not_counted(app, site):
    make_contest(site)
    enter(app, "nl")
    assert totals(site) == (0, 0, 1)
    # Entering again before confirming replaces the unconfirmed entry: one entry.
    enter(app, "nl", estimate="1300")
    assert counts(site)["entries"] == 1
    assert totals(site) == (0, 0, 2)

    def closed(root):
        contest = root["contests"]["needles"]
        assert contest.confirmed_entries() == []  # the ranking never sees it
        entries.close(contest, 1240)
        return len(contest.entries)

    assert site.read(closed) == 0  # deleted at closing: it never counted


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_entry_after_closing_is_refused(app, site, lang):
    make_contest(site)
    form = entry_form(app, lang)  # the page was opened while the contest was open
    with site.edit() as root:
        root["contests"]["needles"].closes = now(site.registry) - datetime.timedelta(minutes=1)
    for field, value in {"name": "Late Larry", "street": "Stationsstraat 3",
                         "postcode": "2000", "city": "Antwerpen", "country": "BE",
                         "email": "larry@example.be", "contest-entry-answer": "2",
                         "estimate": "1000", "adult": True, "rules": True}.items():  # fmt: skip
        form[field] = value
    page = form.submit("enter", status=400)
    assert NOT_OPEN[lang] in summary(page)
    assert counts(site)["entries"] == 0 and totals(site) == (0, 0, 0)
    assert queued(site) == []
    # And the page no longer shows the form.
    assert "contest-entry" not in app.get(f"/{lang}/contests/needles").forms


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_confirmation_after_closing_is_not_counted(app, site, lang):
    make_contest(site)
    enter(app, lang)
    [link] = confirm_links(queued(site), "anna@example.be")
    with site.edit() as root:
        root["contests"]["needles"].closes = now(site.registry) - datetime.timedelta(minutes=1)
    page = confirm(app, link, status=400)
    assert CLOSED_BEFORE[lang] in page.text
    assert totals(site) == (0, 0, 1)


def test_a_bot_filling_the_honeypot_stores_nothing_and_gets_no_mail(app, site):
    make_contest(site)
    page = app.get("/nl/contests/needles")
    form = page.forms["contest-entry"]
    # Hidden from people: visually hidden, hidden from screen readers, out of the tab
    # order, never filled in by the browser.
    honeypot = page.html.find(id="contest-entry-website")
    assert honeypot["tabindex"] == "-1" and honeypot["autocomplete"] == "off"
    wrapper = honeypot.find_parent("div")
    assert "visually-hidden" in wrapper["class"] and wrapper["aria-hidden"] == "true"
    for field, value in {"name": "Bot", "street": "Botstraat 1", "postcode": "1000",
                         "city": "Brussel", "country": "BE", "email": "bot@example.be",
                         "contest-entry-answer": "2", "estimate": "1",
                         "adult": True, "rules": True, "website": "http://spam.example"
                         }.items():  # fmt: skip
        form[field] = value
    answer = form.submit("enter", status=303)
    # The same answer as a person gets: nothing tells the bot it was found out.
    assert answer.location.endswith("/nl/contests/needles/sent")
    assert counts(site)["entries"] == 0 and totals(site) == (0, 0, 0)
    assert queued(site) == []
