"""Policy pages with revisions, publication, scheduling and the translation board (issue 3)."""

from datetime import timedelta

import pytest

from shopcms.web.clock import site_timezone
from tests.conftest import PASSWORD, login


@pytest.fixture
def editor(site, app):
    site.add_account("editor@example.be", roles=("editor",))
    login(app, "editor@example.be", PASSWORD)
    return app


def clock(site):
    return site.registry.shopcms_clock


def public_text(app, path):
    return app.get(path).html.select_one("article.page").get_text(" ", strip=True)


def edit(app, page, lang, title, body, button="save", note="", effective=""):
    form = app.get(f"/nl/manage/pages/{page}/edit?lang={lang}").forms["revision"]
    form["title"] = title
    form["body"] = body
    form["note"] = note
    form["effective"] = effective
    return form.submit(button, status="*")


def publish_now(app, page, lang):
    detail = app.get(f"/nl/manage/pages/{page}/")
    form = [
        f
        for f in detail.forms.values()
        if f.action.endswith("/publish") and f["lang"].value == lang
    ][0]
    return form.submit(status=303)


def last_transaction(site):
    return site.registry._zodb_databases[""].lastTransaction()


def test_draft_leaves_the_public_page_alone_and_publishing_changes_it(site, editor):
    app = editor
    before = public_text(app, "/fr/privacy")
    old_version = app.get("/fr/privacy").html.select_one("p.version time").text

    response = edit(
        app,
        "privacy",
        "fr",
        "Déclaration de confidentialité",
        "## Nouveau\n\nUn texte entièrement revu.",
        note="Revu",
    )
    assert response.status_int == 303
    assert public_text(app, "/fr/privacy") == before  # the draft is not public

    clock(site).advance(days=3)
    publish_now(app, "privacy", "fr")
    page = app.get("/fr/privacy")
    assert "Un texte entièrement revu." in page.text
    assert page.html.select_one("p.version time").text != old_version

    versions = app.get("/fr/privacy/versions")
    links = [a["href"] for a in versions.html.select("ol.versions a")]
    assert links == ["/fr/privacy/versions/2", "/fr/privacy/versions/1"]
    old = app.get("/fr/privacy/versions/1")
    assert old.html.select_one("p.old-version") is not None
    assert (
        old.html.select_one("article.page")
        .get_text(" ", strip=True)
        .endswith(before.split("Version")[-1][-40:])
    )
    assert "Un texte entièrement revu." not in old.text
    # Other languages are untouched.
    assert "Un texte entièrement revu." not in app.get("/nl/privacy").text


def test_published_revision_has_a_stable_id_and_hash(site, editor):
    edit(editor, "privacy", "en", "Privacy statement", "New text.", button="publish")
    revision = site.read(lambda root: root["pages"]["privacy"].in_force("en", clock(site)()))
    assert revision.id == "privacy:en:2"
    assert len(revision.text_hash) == 64


def test_scheduled_revision_takes_over_at_its_time_without_any_request(site, editor):
    app = editor
    tz = site_timezone(site.registry)
    when = (clock(site)() + timedelta(hours=2)).astimezone(tz).strftime("%Y-%m-%dT%H:%M")
    response = edit(
        app,
        "terms",
        "nl",
        "Algemene voorwaarden",
        "Nieuwe voorwaarden.",
        button="publish",
        effective=when,
    )
    assert response.status_int == 303
    assert "Nieuwe voorwaarden." not in app.get("/nl/terms").text
    detail = app.get("/nl/manage/pages/terms/")
    assert detail.html.select_one(".scheduled-box") is not None

    written = last_transaction(site)
    clock(site).advance(hours=1, minutes=30)
    assert "Nieuwe voorwaarden." not in app.get("/nl/terms").text
    clock(site).advance(hours=1)
    assert "Nieuwe voorwaarden." in app.get("/nl/terms").text
    assert last_transaction(site) == written  # nothing was written to make it happen


def test_a_time_in_the_past_is_refused_and_nothing_is_saved(site, editor):
    tz = site_timezone(site.registry)
    past = (clock(site)() - timedelta(days=1)).astimezone(tz).strftime("%Y-%m-%dT%H:%M")
    response = edit(editor, "terms", "en", "Terms", "Changed.", button="publish", effective=past)
    assert response.status_int == 400
    assert response.html.select_one("[role=alert]") is not None
    assert site.read(lambda root: root["pages"]["terms"].draft("en")) is None


def test_withdrawing_a_scheduled_revision(site, editor):
    tz = site_timezone(site.registry)
    when = (clock(site)() + timedelta(days=1)).astimezone(tz).strftime("%Y-%m-%dT%H:%M")
    edit(editor, "terms", "en", "Terms", "Later text.", button="publish", effective=when)
    detail = editor.get("/nl/manage/pages/terms/")
    form = [f for f in detail.forms.values() if f.action.endswith("/withdraw")][0]
    form.submit(status=303)
    clock(site).advance(days=2)
    assert "Later text." not in editor.get("/en/terms").text
    assert site.read(lambda root: root["pages"]["terms"].draft("en").body) == "Later text."


def board_states(app):
    board = app.get("/nl/manage/pages/board")
    row = [tr for tr in board.html.select("tbody tr") if tr.th.text.strip() == "privacy"][0]
    return {td["data-lang"]: td["data-state"] for td in row.select("td")}


def test_translation_board_marks_other_languages_outdated(site, editor):
    app = editor
    assert board_states(app) == {"nl": "up-to-date", "fr": "up-to-date", "en": "up-to-date"}
    clock(site).advance(minutes=1)
    edit(app, "privacy", "nl", "Privacyverklaring", "Nieuwe tekst.", button="publish")
    assert board_states(app) == {"nl": "up-to-date", "fr": "outdated", "en": "outdated"}

    board = app.get("/nl/manage/pages/board")
    link = board.html.select_one('tr td[data-lang="fr"] a')["href"]
    assert link == "/nl/manage/pages/privacy/edit?lang=fr&compare=nl"
    page = app.get(link)
    assert "Nieuwe tekst." in page.html.select_one("aside.compare").text

    # The French translation, made from the board, brings fr up to date and does not send
    # the Dutch original back to "outdated".
    clock(site).advance(minutes=1)
    form = page.forms["revision"]
    assert form["translates"].value == "nl"
    form["body"] = "Nouveau texte."
    form.submit("publish", status=303)
    assert board_states(app) == {"nl": "up-to-date", "fr": "up-to-date", "en": "outdated"}

    # A change of its own in English makes both others outdated.
    clock(site).advance(minutes=1)
    edit(app, "privacy", "en", "Privacy statement", "Own change.", button="publish")
    assert board_states(app) == {"nl": "outdated", "fr": "outdated", "en": "up-to-date"}


def test_board_shows_a_missing_translation(site, editor):
    with site.edit() as root:
        del root["pages"]["about"].revisions["en"]
    board = editor.get("/nl/manage/pages/board")
    row = [tr for tr in board.html.select("tbody tr") if tr.th.text.strip() == "about"][0]
    assert row.select_one('td[data-lang="en"]')["data-state"] == "missing"


def test_diff_shows_what_was_added_and_removed(site, editor):
    with site.edit() as root:
        old_body = root["pages"]["cookies"].in_force("en", clock(site)()).body
    first_line = next(line for line in old_body.splitlines() if line.strip())
    new_body = old_body.replace(first_line, "") + "\nA brand new closing line.\n"
    edit(editor, "cookies", "en", "Cookie policy", new_body, button="publish")
    diff = editor.get("/nl/manage/pages/cookies/diff?lang=en&a=1&b=2")
    removed = [d.text for d in diff.html.select("table.diff del")]
    added = [i.text for i in diff.html.select("table.diff ins")]
    assert first_line in removed
    assert "A brand new closing line." in added
    assert "Cookie policy" not in removed  # unchanged lines are not marked


def test_history_records_who_did_what(site, editor):
    edit(editor, "terms", "fr", "Conditions", "Brouillon.", note="Essai")
    history = editor.get("/nl/manage/pages/terms/history")
    first = history.html.select("table.history tbody tr")[0].get_text(" ", strip=True)
    assert "editor@example.be" in first and "FR" in first and "Essai" in first


def test_hreflang_names_only_the_languages_a_page_has(site, app):
    with site.edit() as root:
        del root["pages"]["about"].revisions["fr"]
    page = app.get("/nl/pages/about")
    assert {link["hreflang"] for link in page.html.select("link[rel=alternate]")} == {
        "nl",
        "en",
        "x-default",
    }


def test_policy_page_under_pages_moves_to_its_short_url(app):
    response = app.get("/en/pages/privacy", status=301)
    assert response.location.endswith("/en/privacy")


def test_editor_can_create_a_new_page(site, editor):
    form = editor.get("/nl/manage/pages/add").forms["add-page"]
    form["kind"] = "page"
    form["name"] = "faq"
    response = form.submit("add", status=303)
    assert response.location.endswith("/nl/manage/pages/faq/edit?lang=nl")
    edit(editor, "faq", "nl", "Veelgestelde vragen", "Antwoorden.", button="publish")
    assert "Antwoorden." in editor.get("/nl/pages/faq").text


@pytest.mark.parametrize("name", ["add", "board", "Bad Name", "_x"])
def test_reserved_or_bad_page_names_are_refused(editor, name):
    form = editor.get("/nl/manage/pages/add").forms["add-page"]
    form["kind"] = "page"
    form["name"] = name
    assert form.submit("add", status=400).html.select_one(".alert-danger, [role=alert]")
