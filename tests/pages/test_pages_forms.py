"""The forms of the editorial desk: each is a deform form; invalid input answers 400 with
the error summary linking to the field; the button forms refuse tampered values; and every
address in pages is made from the resource tree, the public ones unchanged."""

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from shopcms.web.clock import site_timezone
from tests.conftest import PASSWORD, login

PAGES = Path(__file__).resolve().parents[2] / "src" / "shopcms" / "pages"


@pytest.fixture
def editor(site, app):
    site.add_account("editor@example.be", roles=("editor",))
    login(app, "editor@example.be", PASSWORD)
    return app


def token(response):
    return response.html.select_one("input[name=csrf_token]")["value"]


def summary_links(response, formid):
    """The fields the error summary of ``formid`` links to."""
    summary = response.html.select_one(f"form#{formid} [role=alert]")
    assert summary is not None, f"no error summary in form {formid}"
    return [a["href"] for a in summary.select("a")]


def local_time(site, **delta):
    when = site.registry.shopcms_clock() + timedelta(**delta)
    return when.astimezone(site_timezone(site.registry)).strftime("%Y-%m-%dT%H:%M")


# -- a new page ---------------------------------------------------------------------


def test_add_page_posted_empty_marks_the_type(editor):
    page = editor.get("/nl/manage/pages/add")
    response = editor.post("/nl/manage/pages/add", {"csrf_token": token(page)}, status=400)
    assert summary_links(response, "add-page") == ["#add-page-kind"]


@pytest.mark.parametrize("name", ["", "Bad Name", "_x", "add", "board", "about"])
def test_add_page_with_a_missing_bad_reserved_or_taken_name_marks_the_name(site, editor, name):
    count = site.read(lambda root: len(root["pages"]))
    form = editor.get("/nl/manage/pages/add").forms["add-page"]
    form["kind"] = "page"
    form["name"] = name
    response = form.submit("add", status=400)
    assert summary_links(response, "add-page") == ["#add-page-name"]
    assert response.html.select_one("#add-page-name")["aria-invalid"] == "true"
    if name in ("", "board"):
        expected = "Kies een naam." if name == "" else "Deze naam is voorbehouden."
        assert expected in response.html.select_one("#add-page-name-error").text
    assert site.read(lambda root: len(root["pages"])) == count


def test_add_an_existing_policy_page_marks_the_type(editor):
    form = editor.get("/nl/manage/pages/add").forms["add-page"]
    form["kind"] = "privacy"
    response = form.submit("add", status=400)
    assert summary_links(response, "add-page") == ["#add-page-kind"]


# -- a revision ---------------------------------------------------------------------


def test_revision_posted_empty_marks_title_and_text_and_saves_nothing(site, editor):
    form = editor.get("/nl/manage/pages/about/edit?lang=en").forms["revision"]
    form["title"] = ""
    form["body"] = ""
    response = form.submit("save", status=400)
    assert summary_links(response, "revision") == ["#revision-title", "#revision-body"]
    assert site.read(lambda root: root["pages"]["about"].draft("en")) is None


@pytest.mark.parametrize("effective", ["tomorrow", "past"])
def test_revision_with_a_bad_or_past_time_marks_the_time(site, editor, effective):
    form = editor.get("/nl/manage/pages/about/edit?lang=en").forms["revision"]
    form["body"] = "Changed."
    form["effective"] = local_time(site, days=-1) if effective == "past" else effective
    response = form.submit("publish", status=400)
    assert summary_links(response, "revision") == ["#revision-effective"]
    if effective == "past":
        error = response.html.select_one("#revision-effective-error").text
        assert "Kies een tijdstip in de toekomst, of publiceer nu." in error
    assert site.read(lambda root: root["pages"]["about"].draft("en")) is None


def test_revision_with_an_unknown_language_to_translate_is_refused(site, editor):
    page = editor.get("/nl/manage/pages/about/edit?lang=en")
    form = page.forms["revision"]
    form["translates"].force_value("de")
    response = form.submit("save", status=400)
    assert summary_links(response, "revision") == ["#revision-translates"]


def test_translating_a_missing_language_from_the_board_marks_the_translation(site, editor):
    with site.edit() as root:
        del root["pages"]["about"].revisions["en"]
    board = editor.get("/nl/manage/pages/board")
    row = [tr for tr in board.html.select("tbody tr") if tr.th.text.strip() == "about"][0]
    assert row.th.a["href"] == "/nl/manage/pages/about/"
    link = row.select_one('td[data-lang="en"] a')["href"]
    assert link == "/nl/manage/pages/about/edit?lang=en&compare=nl"
    assert editor.get(link).forms["revision"]["translates"].value == "nl"


# -- comparing two revisions --------------------------------------------------------


def test_compare_with_bad_versions_answers_400_with_the_form(editor):
    response = editor.get("/nl/manage/pages/privacy/diff?lang=en&a=x&b=99", status=400)
    assert summary_links(response, "compare-en") == ["#compare-en-a", "#compare-en-b"]
    assert response.html.select_one("table.diff") is None


def test_compare_form_on_the_page_shows_the_diff(site, editor):
    form = editor.get("/nl/manage/pages/privacy/edit?lang=en").forms["revision"]
    form["body"] = "Second text."
    form.submit("publish", status=303)
    page = editor.get("/nl/manage/pages/privacy")
    compare = page.forms["compare-en"]
    assert compare.method.upper() == "GET"
    assert (compare["a"].value, compare["b"].value) == ("1", "2")
    diff = compare.submit("show")
    assert "Second text." in [i.text for i in diff.html.select("table.diff ins")]


# -- the buttons on a page's languages ----------------------------------------------


@pytest.mark.parametrize(
    ("action", "values"),
    [
        ("publish", {}),
        ("publish", {"lang": "de"}),
        ("discard", {}),
        ("discard", {"lang": "de"}),
        ("withdraw", {}),
        ("withdraw", {"lang": "de", "number": "2"}),
        ("withdraw", {"lang": "en", "number": "x"}),
    ],
)
def test_button_forms_refuse_tampered_values(site, editor, action, values):
    form = editor.get("/nl/manage/pages/terms/edit?lang=en").forms["revision"]
    form["body"] = "Later."
    form["effective"] = local_time(site, days=1)
    form.submit("publish", status=303)
    form = editor.get("/nl/manage/pages/terms/edit?lang=en").forms["revision"]
    form["body"] = "Draft."
    form.submit("save", status=303)
    log = site.read(lambda root: len(root["pages"]["terms"].log))
    detail = editor.get("/nl/manage/pages/terms")
    editor.post(
        f"/nl/manage/pages/terms/{action}", {"csrf_token": token(detail), **values}, status=400
    )
    assert site.read(lambda root: len(root["pages"]["terms"].log)) == log


def test_the_forms_of_a_page_have_ids_of_their_own(site, editor):
    form = editor.get("/nl/manage/pages/terms/edit?lang=en").forms["revision"]
    form["body"] = "Later."
    form["effective"] = local_time(site, days=1)
    form.submit("publish", status=303)
    form = editor.get("/nl/manage/pages/terms/edit?lang=nl").forms["revision"]
    form["body"] = "Concept."
    form.submit("save", status=303)
    page = editor.get("/nl/manage/pages/terms")
    ids = Counter(tag["id"] for tag in page.html.select("[id]"))
    assert not [i for i, n in ids.items() if n > 1]
    assert {"publish-nl", "discard-nl", "withdraw-en-2", "compare-en"} <= set(page.forms)
    assert not page.html.select("main form:not([id])")


# -- addresses ----------------------------------------------------------------------


def test_public_page_links_keep_their_addresses(editor):
    privacy = editor.get("/nl/manage/pages/privacy")
    assert privacy.html.select_one("#lang-fr a[href='/fr/privacy']") is not None
    about = editor.get("/nl/manage/pages/about")
    assert about.html.select_one("#lang-en a[href='/en/pages/about']") is not None
    public = editor.get("/en/pages/about")
    assert public.html.select_one("p.version a")["href"] == "/en/pages/about/versions"
    versions = editor.get("/en/pages/about/versions")
    assert versions.html.select_one("ol.versions a")["href"] == "/en/pages/about/versions/1"


def test_desk_addresses_stay_as_they_were(site, editor):
    form = editor.get("/nl/manage/pages/about/edit?lang=en").forms["revision"]
    form["body"] = "Changed."
    assert form.submit("save", status=303).location.endswith("/nl/manage/pages/about/")
    desk = editor.get("/nl/manage/pages/")
    assert desk.html.select_one("table.pages a[href='/nl/manage/pages/about/']") is not None
    assert desk.html.select_one("a[href='/nl/manage/pages/board']") is not None
    page = editor.get("/nl/manage/pages/about/")
    assert page.html.select_one("a[href='/nl/manage/pages/']") is not None
    assert page.html.select_one("a[href='/nl/manage/pages/about/history']") is not None
    assert page.html.select_one("a[href='/nl/manage/pages/about/edit?lang=fr']") is not None


def test_no_address_is_assembled_from_strings():
    built = re.compile(r"""f["']/\{|(href|action|src)="/\$\{""")
    offenders = [
        str(path.relative_to(PAGES))
        for path in PAGES.rglob("*")
        if path.suffix in (".py", ".pt") and built.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert not [p for p in PAGES.rglob("*.pt") if "<form" in p.read_text(encoding="utf-8")]
