"""Dates of versions: a version alone on its day shows its date; two on one day show their
times too (site's time zone, the reader's language), in the public versions list, on a
version's own page and in the desk's history."""

from datetime import UTC, datetime

import pytest

from tests.conftest import PASSWORD, login

# Brussels is UTC+1 in winter: 09:15 and 13:40 UTC are 10:15 and 14:40 there.
ALONE = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
MORNING = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
AFTERNOON = datetime(2026, 3, 2, 13, 40, tzinfo=UTC)


def publish_at(site, when, title, lang="nl", name="privacy"):
    with site.edit() as root:
        page = root["pages"][name]
        page.save_draft(lang, title, f"Tekst {title}", "", "system:test", when)
        return page.publish(lang, when, actor="system:test").number


@pytest.fixture
def versions(site):
    """Three earlier versions of the Dutch privacy statement: one alone on 10 January, two
    on 2 March; their numbers by moment."""
    return {
        when: publish_at(site, when, title)
        for when, title in ((ALONE, "Januari"), (MORNING, "Ochtend"), (AFTERNOON, "Middag"))
    }


def listed_dates(app, path):
    page = app.get(path).html
    return {
        int(li.select_one("a")["href"].rsplit("/", 1)[1]): li.select_one("time").get_text()
        for li in page.select("ol.versions li")
    }


def test_the_versions_list_shows_the_time_only_where_two_share_a_day(app, versions):
    dates = listed_dates(app, "/nl/privacy/versions")
    assert dates[versions[ALONE]] == "10 januari 2026"
    assert dates[versions[MORNING]] == "2 maart 2026, 10:15"
    assert dates[versions[AFTERNOON]] == "2 maart 2026, 14:40"


def test_the_list_speaks_the_readers_language(site, app):
    publish_at(site, MORNING, "Matin", lang="fr")
    publish_at(site, AFTERNOON, "Après-midi", lang="fr")
    dates = sorted(listed_dates(app, "/fr/privacy/versions").values())
    assert "2 mars 2026, 10:15" in dates
    assert "2 mars 2026, 14:40" in dates


def test_a_versions_own_page_tells_it_apart_from_its_neighbour_of_that_day(app, versions):
    page = app.get(f"/nl/privacy/versions/{versions[AFTERNOON]}").html
    assert page.select_one("p.version time").get_text() == "2 maart 2026, 14:40"
    page = app.get(f"/nl/privacy/versions/{versions[ALONE]}").html
    assert page.select_one("p.version time").get_text() == "10 januari 2026"


def test_the_desk_history_shows_times_only_on_a_day_with_several_entries(site, app, versions):
    site.add_account("editor@example.be", roles=("editor",))
    login(app, "editor@example.be", PASSWORD)
    page = app.get("/nl/manage/pages/privacy/history").html
    times = {
        cell.select_one("time")["datetime"]: cell.get_text(strip=True)
        for cell in page.select("table.history tbody td:first-child")
    }
    # Each version is saved and published at one moment: two entries, one day, with times.
    assert times[AFTERNOON.isoformat()] == "2 mrt 2026, 14:40"
    assert times[ALONE.isoformat()] == "10 jan 2026, 10:00"


def test_an_entry_alone_on_its_day_in_the_desk_history_shows_its_date(site, app):
    with site.edit() as root:
        root["pages"]["privacy"].log.append((ALONE, "system:test", "nl", 1, "published", ""))
    site.add_account("editor@example.be", roles=("editor",))
    login(app, "editor@example.be", PASSWORD)
    page = app.get("/nl/manage/pages/privacy/history").html
    cells = page.select("table.history tbody td:first-child")
    alone = [c for c in cells if c.select_one("time")["datetime"] == ALONE.isoformat()]
    assert [c.get_text(strip=True) for c in alone] == ["10 jan 2026"]


def test_a_note_the_loader_wrote_reads_in_the_pages_language(site, app):
    """The seed loader's revisions carry a note in their own language; one stored by an
    earlier release in English ("content/ changed") is shown as that language's."""
    from shopcms.pages.content import LEGACY_NOTE, LOADER, SEED_NOTES

    with site.edit() as root:
        page = root["pages"]["privacy"]
        page.save_draft("nl", "Oud", "Tekst", LEGACY_NOTE, LOADER, MORNING)
        old = page.publish("nl", MORNING, actor=LOADER).number
    page = app.get("/nl/privacy/versions").html
    [item] = [li for li in page.select("ol.versions li") if li.a["href"].endswith(f"/{old}")]
    assert item.select_one(".note").get_text() == f": {SEED_NOTES['nl']}"
    assert "content/" not in page.select_one("ol.versions").get_text()
