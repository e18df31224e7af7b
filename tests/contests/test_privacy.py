"""Contest entries and the privacy rights (issue 15, privacy): an account's data export and a
guest's (the privacy desk, by email) list the entries made with the address, with the
contest's title, the answers, the estimate, when they were sent and confirmed and whether
they won; erasing the account or the guest's data deletes them (a winner's public line
goes too) while the counts stay, and after a pack the database file holds none of it."""

import json
import secrets
from datetime import UTC, datetime, timedelta

from shopcms.contests import privacy
from shopcms.mail import send_queued
from shopcms.newsletter.api import normalise_address
from shopcms.privacy.erasure import purge_history
from shopcms.tree.database import get_database
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.contests.privacy_helpers import (
    TAG,
    TRUE_VALUE,
    announced_contest,
    enter,
    new_contest,
    public_lines,
)
from tests.privacy.markers import found_in_database


def counts_and_lines(site, name):
    """What the erasure must leave of contest ``name``: its counts per (tag, day) and its
    public lines; and the number of its confirmed entries and the keys of its entries."""

    def read(root):
        contest = root["contests"][name]
        counts = {k: (c.started.value, c.confirmed.value) for k, c in contest.response.items()}
        return (
            counts,
            tuple(contest.public_winners),
            contest.confirmed_count.value,
            set(contest.entries),
        )

    return site.read(read)


def open_contest(site, name="spring"):
    now = datetime.now(UTC)
    with site.edit() as root:
        return new_contest(
            root, name, opens=now - timedelta(days=3), closes=now + timedelta(days=10)
        ).__name__


def test_an_accounts_export_lists_its_entries_and_deleting_the_account_erases_them(site, smtp):
    tag = secrets.token_hex(5)
    email = f"zqacct.{tag}@example.be"
    typed = f"ZqAcct.{tag}@Example.BE"  # as the customer typed it in the entry form
    site.add_account(email)
    # A contest announced, which the customer won; another still open, entered in French.
    planted = announced_contest(site, winners=2, losers=1, wrong=0, emails=[typed])
    [mine, other_winner] = planted.winners
    assert mine.email == typed
    open_contest(site)
    with site.edit() as root:
        contest = root["contests"]["spring"]
        sent = datetime.now(UTC) - timedelta(days=1)
        second = enter(contest, sent, answer="2", estimate=7, email=email, lang="fr")
    before = counts_and_lines(site, "cactus"), counts_and_lines(site, "spring")

    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    data = json.loads(app.get("/en/account/export.json").text)
    [won, entered] = data["contests"]
    assert won == won | {
        "contest": "cactus",
        "contest_title": "Raad de stekels",
        "name": mine.name,
        "street": mine.street,
        "postcode": "9000",
        "city": mine.city,
        "country": "BE",
        "email": typed,
        "language": "nl",
        "answer": "1",
        "answer_text": "Cactus",
        "estimate": TRUE_VALUE,
        "campaign": TAG,
        "winner": True,
        "disqualified": None,
        "prize_delivered": None,
    }
    assert won["sent"].startswith("20") and won["confirmed"] > won["sent"]  # ISO 8601
    assert entered == entered | {
        "contest": "spring",
        "contest_title": "Devinez les épines",  # in the language of the entry
        "name": second.name,
        "answer_text": "Varen",
        "estimate": 7,
        "winner": False,
    }
    # Nothing that only makes links work.
    nonces = site.read(
        lambda root: [
            root["contests"][n].entries[k].nonce
            for n, k in (("cactus", mine.key), ("spring", second.key))
        ]
    )
    assert [nonce for nonce in nonces if nonce in json.dumps(data)] == []
    readable = app.get("/en/account/export").html.select_one("#export-contests")
    text = readable.get_text(" ", strip=True)
    assert "Raad de stekels" in text and mine.street in text and "Your estimate" in text

    # The deletion page says the entries go; deleting the account makes it true.
    page = app.get("/en/account/delete")
    assert "contest entries" in page.html.select_one("main").get_text(" ", strip=True)
    form = page.forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete", status=200)

    (counts, lines, confirmed, keys), (spring_counts, _, spring_confirmed, spring_keys) = (
        counts_and_lines(site, "cactus"),
        counts_and_lines(site, "spring"),
    )
    (old_counts, old_lines, old_confirmed, old_keys), old_spring = before
    assert counts == old_counts and spring_counts == old_spring[0]  # never said who
    assert mine.key not in keys and keys == old_keys - {mine.key}
    assert spring_keys == old_spring[3] - {second.key}
    assert (confirmed, spring_confirmed) == (old_confirmed - 1, old_spring[2] - 1)
    # The announcement no longer names the erased winner; the other winner stays.
    assert old_lines == tuple(public_lines(planted))
    assert lines == tuple(public_lines(planted)[1:])
    assert other_winner.key in keys

    send_queued(site.registry)
    smtp.wait_for(1)  # the erasure's confirmation leaves; nothing else waits
    purge_history(get_database(site.registry))
    gone = [*mine.markers, *second.markers, normalise_address(typed)]
    assert found_in_database(site, gone) == []
    assert found_in_database(site, other_winner.markers) == sorted(other_winner.markers)


def test_a_guests_entries_at_the_privacy_desk(site):
    """Someone who entered without an account asks by mail: staff find the entries by the
    address, download them and erase them."""
    open_contest(site)
    typed = f"ZqGuest.{secrets.token_hex(5)}@Example.BE"
    with site.edit() as root:
        contest = root["contests"]["spring"]
        guest = enter(contest, datetime.now(UTC) - timedelta(hours=5), email=typed)
        bystander = enter(contest, datetime.now(UTC) - timedelta(hours=4))
    counts, _lines, confirmed, _keys = counts_and_lines(site, "spring")

    desk = Browser(site.wsgi)
    login(desk, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    find = desk.get("/en/manage/privacy/").forms["find"]
    find["email"] = typed.lower()  # the address as the guest wrote it in the letter
    found = find.submit("find", status=200)
    assert "Contest entries" in found.html.select_one("#guest-sections").get_text()
    data = json.loads(found.forms["guest-export"].submit(status=200).text)
    [entry] = data["contests"]
    assert (entry["name"], entry["email"], entry["street"]) == (guest.name, typed, guest.street)
    assert (entry["contest_title"], entry["answer_text"]) == ("Raad de stekels", "Cactus")

    erase = found.forms["guest-erase"]
    erase["note"] = "request by mail of 2026-12-06"
    erase.submit("erase", status=303)
    after, _lines, after_confirmed, keys = counts_and_lines(site, "spring")
    assert keys == {bystander.key}
    assert (after, after_confirmed) == (counts, confirmed - 1)
    purge_history(get_database(site.registry))
    assert found_in_database(site, [*guest.markers, normalise_address(typed)]) == []
    assert found_in_database(site, bystander.markers) == sorted(bystander.markers)


def test_an_address_that_never_entered_has_nothing_to_export_or_erase(site):
    open_contest(site)
    with site.edit() as root:
        enter(root["contests"]["spring"], datetime.now(UTC) - timedelta(hours=1))
    before = counts_and_lines(site, "spring")
    with site.edit() as root:
        assert privacy.export_guest(root, "nobody@example.be") is None
        assert privacy.export_guest(root, "not an address") is None
        now = datetime.now(UTC)
        assert privacy.erase_guest(root, "nobody@example.be", now, site.registry) is None
    assert counts_and_lines(site, "spring") == before
