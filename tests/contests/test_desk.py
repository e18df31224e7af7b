"""The contests desk as an editor uses it: a contest created and written in Dutch and
French (image included), bad input refused with its message and nothing written, the
preview of a draft, publishing and back to draft, the list's phases and counts, the
dashboard's link, and the contests' rows on the translation board."""

import io
from datetime import timedelta

from PIL import Image
from webtest import Upload

from shopcms.contests.workflow import DRAFT, PUBLISHED
from shopcms.web.clock import now, site_timezone
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login
from tests.contests.desk_helpers import add_entry, contest_of, editor, make_contest

DESK = "/en/manage/contests/"  # English: the tests read the msgids


def png(colour="green"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def local(site, days):
    """A time ``days`` from now as typed in the shop's time zone."""
    moment = now(site.registry) + timedelta(days=days)
    return moment.astimezone(site_timezone(site.registry)).strftime("%Y-%m-%dT%H:%M")


def fill(site, form, **texts):
    values = {
        "introduction": "",
        "rules": "",
        "prizes": "",
        "image_alt": "",
        "accepted": "",
        "opens": local(site, 1),
        "closes": local(site, 20),
        "winners": "2",
        "correct": "2",
        **texts,
    }
    for name, value in values.items():
        form[name] = value
    form["contest-kind"] = "choice"
    for box in form.fields["checkbox"]:
        box.checked = box._value == "BE"
    return form


def board_cells(app, name):
    board = app.get("/en/manage/pages/board")
    row = board.html.select_one(f'section.board-section tr[data-name="{name}"]')
    return {td["data-lang"]: (td["data-state"], td.a["href"] if td.a else None) for td in row("td")}


def test_an_editor_creates_and_translates_a_contest(site, app):
    uid = editor(site, app)
    assert "No contests yet." in app.get(DESK).text
    form = app.get(f"{DESK}add").forms["new-contest"]
    form["name"] = "Cactus Quiz!"
    page = form.submit("add", status=400)
    assert "Use lower-case letters, digits and hyphens only" in page.text
    form = page.forms["new-contest"]
    form["name"] = "cactus-quiz"
    edit = form.submit("add", status=303).follow()
    assert edit.request.path_qs == f"{DESK}cactus-quiz/edit?lang=en"

    form = fill(
        site,
        app.get(f"{DESK}cactus-quiz/edit?lang=nl").forms["contest"],
        title="Cactusquiz",
        introduction="Raad en win.",
        question="Uit welk werelddeel komen cactussen?",
        choices="Afrika\nAmerika\nAzië",
        tiebreak="Hoeveel deelnemingen?",
        prizes="Een cactus",
        image_alt="Een bloeiende cactus",
    )
    form["upload"] = Upload("cactus.png", png(), "image/png")
    detail = form.submit("save", status=303).follow()
    assert "The contest was saved." in detail.text
    contest = contest_of(site, "cactus-quiz")
    assert contest.owner == uid and contest.workflow_state == DRAFT
    nl = contest.texts["nl"]
    assert nl.choices == ("Afrika", "Amerika", "Azië") and contest.correct_choice == 1
    assert nl.translation_of is None and nl.changed is not None
    assert contest.images["nl"]["large"][:2] == b"\xff\xd8"  # re-encoded as JPEG
    assert contest.winners == 2 and contest.countries == ("BE",)

    # The board: French and English missing, with the link to translate from Dutch.
    cells = board_cells(app, "cactus-quiz")
    assert cells["nl"] == ("up-to-date", None)
    assert cells["fr"] == ("missing", f"{DESK}cactus-quiz/edit?lang=fr&compare=nl")
    page = app.get(cells["fr"][1])
    assert "Uit welk werelddeel komen cactussen?" in page.html.select_one("aside").text
    form = fill(
        site,
        page.forms["contest"],
        title="Quiz cactus",
        question="De quel continent viennent les cactus ?",
        choices="Afrique\nAmérique",  # one choice short
        tiebreak="Combien de participations ?",
    )
    page = form.submit("save", status=400)
    assert "The other languages have 3 choices" in page.text
    assert "fr" not in contest_of(site, "cactus-quiz").texts
    form = page.forms["contest"]
    form["choices"] = "Afrique\nAmérique\nAsie"
    form.submit("save", status=303)
    contest = contest_of(site, "cactus-quiz")
    assert contest.texts["fr"].translation_of == ("nl", contest.texts["nl"].changed)
    assert board_cells(app, "cactus-quiz")["fr"][0] == "up-to-date"

    # A later change of the Dutch text sends French to "outdated", not the other way.
    site.registry.shopcms_clock.advance(minutes=5)
    form = app.get(f"{DESK}cactus-quiz/edit?lang=nl").forms["contest"]
    form["introduction"] = "Raad, schat en win."
    form.submit("save", status=303)
    cells = board_cells(app, "cactus-quiz")
    assert cells["nl"][0] == "up-to-date"
    assert cells["fr"] == ("outdated", f"{DESK}cactus-quiz/edit?lang=fr&compare=nl")


def test_bad_input_is_refused_with_its_message_and_nothing_written(site, app):
    editor(site, app)
    make_contest(site, published=False, langs=("nl",))
    before = contest_of(site).texts["nl"]
    form = fill(
        site,
        app.get(f"{DESK}cactus/edit?lang=nl").forms["contest"],
        title="Nieuw",
        question="Vraag?",
        choices="Een\nTwee",
        tiebreak="Hoeveel?",
        opens=local(site, 5),
        closes=local(site, 2),
    )
    page = form.submit("save", status=400)
    assert "The contest must close after it opens." in page.text
    form = page.forms["contest"]
    form["closes"] = local(site, 9)
    form["correct"] = "3"
    page = form.submit("save", status=400)
    assert "The number of the right choice is not one of the choices." in page.text
    form = page.forms["contest"]
    form["correct"] = "1"
    form["upload"] = Upload("cactus.png", b"<svg onload=alert(1)>", "image/png")
    page = form.submit("save", status=400)
    assert "This file is not a JPEG, PNG or WebP image." in page.text
    form = page.forms["contest"]
    form["contest-kind"] = "text"
    form["accepted"] = ""
    page = form.submit("save", status=400)
    assert "Give at least one accepted answer, one per line." in page.text
    form = page.forms["contest"]
    form["title"] = ""
    assert form.submit("save", status=400).html.select_one("#contest-title")["aria-invalid"]
    contest = contest_of(site)
    assert contest.texts["nl"] == before and "nl" not in contest.images
    app.get(f"{DESK}cactus/edit?lang=xx", status=400)


def test_the_preview_shows_a_draft_as_visitors_will_see_it(site, app):
    editor(site, app)
    make_contest(site, published=False)
    page = app.get(f"{DESK}cactus/preview?lang=fr")
    article = page.html.select_one("article.contest-preview")
    assert article["lang"] == "fr"
    assert article.h1.text == "Concours cactus"
    assert [li.text for li in article.select("ol li")] == ["Afrique", "Amérique", "Asie"]
    assert "Combien de participations recevrons-nous ?" in article.text
    assert "No purchase needed." in article.text
    # The public does not see a draft.
    app.reset()
    assert app.get("/fr/contests/cactus", expect_errors=True).status_int in (403, 404)


def test_publish_list_and_back_to_draft(site, app):
    editor(site, app)
    make_contest(site, published=False, opens=1, closes=10)
    detail = app.get(f"{DESK}cactus/")
    detail.forms["contest-publish"].submit("publish", status=303)
    assert contest_of(site).workflow_state == PUBLISHED
    listing = app.get(DESK)
    row = listing.html.select_one('tr[data-name="cactus"]')
    assert row["data-phase"] == "scheduled" and row.select_one(".confirmed").text == "0"
    app.get(f"{DESK}cactus/").forms["contest-unpublish"].submit("unpublish", status=303)
    assert contest_of(site).workflow_state == DRAFT

    # Once somebody entered, it stays published (and the list counts the entry).
    with site.edit() as root:
        contest = root["contests"]["cactus"]
        contest.opens = now(site.registry) - timedelta(days=1)
    app.get(f"{DESK}cactus/").forms["contest-publish"].submit("publish", status=303)
    add_entry(site, "cactus", "Anna de Smet")
    row = app.get(DESK).html.select_one('tr[data-name="cactus"]')
    assert row["data-phase"] == "open" and row.select_one(".confirmed").text == "1"
    assert "contest-unpublish" not in app.get(f"{DESK}cactus/").forms
    page = app.post(f"{DESK}cactus/unpublish", {"csrf_token": csrf(app)}, status=400)
    assert "People have entered already" in page.text
    assert contest_of(site).workflow_state == PUBLISHED


def csrf(app):
    """The CSRF token of the editor's session, from any form of the desk."""
    return app.get(f"{DESK}add").forms["new-contest"]["csrf_token"].value


def test_the_dashboard_leads_editors_and_admins_to_the_contests(site, app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    dashboard = app.get("/nl/manage/")
    assert dashboard.html.select_one("#contests-desk a")["href"] == "/nl/manage/contests/"
    app.reset()
    editor(site, app)
    assert app.get("/en/manage/").html.select_one("#contests-desk a") is not None


def test_a_closed_contest_leaves_the_board(site, app):
    editor(site, app)
    make_contest(site, langs=("nl",))
    assert board_cells(app, "cactus")["fr"][0] == "missing"
    with site.edit() as root:
        root["contests"]["cactus"].workflow_state = "closed"
    board = app.get("/en/manage/pages/board")
    assert board.html.select_one('section.board-section tr[data-name="cactus"]') is None
