"""Acceptance 6, the role matrix: only editors and administrators manage contests; nobody
reads entries but the administrators and the staff who close the contest (its owner); an
entrant's data never appear on a public page.

Every desk URL is tried by an anonymous visitor, a customer, a moderator, the order desk,
the editor who owns the contest, another editor (manages, but 403 on the ranking, closing
and the winners) and an administrator."""

import pytest

from shopcms.contests import closing
from shopcms.contests.workflow import ANNOUNCED, CLOSED
from shopcms.web.clock import now
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.contests.desk_helpers import OTHER_EDITOR, add_entry, contest_of, make_contest

DESK = "/nl/manage/contests/"
#: What editors and administrators may see (EDIT).
MANAGE_PAGES = ("", "add", "cactus/", "cactus/edit?lang=nl", "cactus/preview?lang=fr")
#: What only the contest's judges may see or do (JUDGE_CONTESTS).
JUDGE_PAGES = ("cactus/ranking",)
JUDGE_POSTS = ("close", "disqualify", "requalify", "confirm-winners", "announce", "delivered")
MANAGE_POSTS = ("publish", "unpublish")
#: What one entrant gave: none of it may show where it must not.
ENTRANT = ("de Smet", "anna.1@example.be", "Kerkstraat", "Piet", "peeters", "1234")

PEOPLE = {
    "customer": ("klant@example.be", ("customer",)),
    "moderator": ("moderator@example.be", ("moderator",)),
    "order desk": ("orders@example.be", ("orders",)),
    "owner": ("owner@example.be", ("editor",)),
    "other editor": (OTHER_EDITOR, ("editor",)),
}


@pytest.fixture
def people(site):
    """A closed contest of the owner with two confirmed entries; a browser per person."""
    ids = {who: site.add_account(email, roles=roles) for who, (email, roles) in PEOPLE.items()}
    make_contest(site, owner=ids["owner"])
    add_entry(site, "cactus", "Anna de Smet", estimate=1234, minute=1)
    add_entry(site, "cactus", "Piet Peeters", answer="0", estimate=1240, minute=2)
    with site.edit() as root:
        closing.close(root["contests"]["cactus"], 1240, now(site.registry), actor="test")
    browsers = {"anonymous": Browser(site.wsgi)}
    for who, (email, _roles) in PEOPLE.items():
        browsers[who] = Browser(site.wsgi)
        login(browsers[who], email, PASSWORD)
    browsers["admin"] = Browser(site.wsgi)
    login(browsers["admin"], ADMIN_EMAIL, ADMIN_PASSWORD)
    return browsers


def token(app):
    """The session's CSRF token (the header's logout form), or none for a visitor."""
    page = app.get("/nl/")
    form = page.forms.get("logout")
    return form["csrf_token"].value if form is not None else ""


def status(app, path):
    return app.get(DESK + path, expect_errors=True).status_int


def post_status(app, name):
    data = {"csrf_token": token(app), "key": "x", "reason": "x", "true_value": "1"}
    return app.post(f"{DESK}cactus/{name}", data, expect_errors=True).status_int


@pytest.mark.parametrize("who", ["anonymous", "customer", "moderator", "order desk"])
def test_nobody_but_editors_and_admins_enters_the_desk(site, people, who):
    app = people[who]
    for path in MANAGE_PAGES + JUDGE_PAGES:
        assert status(app, path) == 403, path
    for name in MANAGE_POSTS + JUDGE_POSTS:
        assert post_status(app, name) == 403, name
    contest = contest_of(site)
    assert contest.workflow_state == CLOSED and contest.winner_keys == ()


def test_another_editor_manages_but_never_sees_an_entrant(site, people):
    app = people["other editor"]
    for path in MANAGE_PAGES:
        page = app.get(DESK + path)
        for secret in ENTRANT:
            assert secret not in page.text, (path, secret)
    assert "See the ranking" not in app.get(f"{DESK}cactus/").text
    board = app.get("/nl/manage/pages/board").text
    assert not any(secret in board for secret in ENTRANT)
    for path in JUDGE_PAGES:
        assert status(app, path) == 403
    # The token is good (a manage action answers why it cannot be done, not 403) ...
    assert post_status(app, "publish") == 400
    # ... and still every judging action is forbidden.
    for name in JUDGE_POSTS:
        assert post_status(app, name) == 403, name
    contest = contest_of(site)
    assert contest.workflow_state == CLOSED and contest.winner_keys == ()
    assert all(entry.disqualified is None for entry in contest.entries.values())


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_the_owner_and_admins_judge(site, people, who):
    app = people[who]
    for path in MANAGE_PAGES:
        assert status(app, path) == 200, path
    ranking = app.get(f"{DESK}cactus/ranking")
    assert "Anna de Smet" in ranking.text and "anna.1@example.be" in ranking.text
    ranking.forms["contest-confirm-winners"].submit("confirm", status=303)
    app.get(f"{DESK}cactus/ranking").forms["contest-announce"].submit("announce", status=303)
    assert contest_of(site).workflow_state == ANNOUNCED


def test_no_public_page_shows_an_entrant(site, people):
    owner = people["owner"]
    owner.get(f"{DESK}cactus/ranking").forms["contest-confirm-winners"].submit("confirm")
    owner.get(f"{DESK}cactus/ranking").forms["contest-announce"].submit("announce")
    visitor = people["anonymous"]
    for lang in ("nl", "fr", "en"):
        for path in (
            "contests/",
            "contests/cactus",
            "contests/cactus/rules",
            "contests/cactus/sent",
        ):
            page = visitor.get(f"/{lang}/{path}", expect_errors=True)
            assert page.status_int < 500
            for secret in ENTRANT:
                assert secret not in page.text, (lang, path, secret)
