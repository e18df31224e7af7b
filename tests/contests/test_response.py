"""The response per campaign: a view of the contest page is counted in memory (the GET
writes nothing) and stored by the flush, on the timer's round; the desk shows the counts
per tag and day with totals and conversion, as a table, an SVG chart without script and a
CSV file; only editors and administrators see them."""

import time
import xml.etree.ElementTree as ET

import pytest
import transaction
from ZODB.POSException import ConflictError

from shopcms.contests import entries, response
from shopcms.tree import tallies
from shopcms.web.clock import now, site_timezone
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site
from tests.contests.response_helpers import new_contest

NAME = "stekels"
PAGE = f"/nl/contests/{NAME}"  # the public contest page
DESK = f"/en/manage/contests/{NAME}/"  # English: the tests read the msgids


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path)
    with site.edit() as root:
        new_contest(root, NAME, now(site.registry))
    yield site
    transaction.abort()
    site.close()


@pytest.fixture
def app(site):
    return Browser(site.wsgi)


def last_transaction(site):
    return site.registry._zodb_databases[""].lastTransaction()


def today(site):
    return now(site.registry).astimezone(site_timezone(site.registry)).date()


def stored(site, name=NAME):
    """``{(tag, day): (views, started, confirmed)}`` as stored."""

    def read(root):
        found = root["contests"][name].response
        return {
            key: (c.views.value, c.started.value, c.confirmed.value) for key, c in found.items()
        }

    return site.read(read)


def shown(site, name=NAME):
    """What the desk shows: stored plus not yet flushed, ``{(tag, day): (v, s, c)}``."""

    def read(root):
        rows = response.rows(site.registry, root["contests"][name])
        return {(r.tag, r.day.isoformat()): (r.views, r.started, r.confirmed) for r in rows}

    return site.read(read)


def test_a_view_is_counted_per_tag_without_a_write_and_stored_by_the_flush(site, app):
    before = last_transaction(site)
    cleaned = {"instagram-may": "instagram-may", "Facebook": "facebook", "": ""}
    for tag in ("instagram-may", "instagram-may", "Facebook", "", "<script>", "a" * 60):
        page = app.get(PAGE, {"c": tag} if tag else {})
        # The entry form carries the tag, cleaned as it is counted.
        assert page.forms["contest-entry"]["c"].value == cleaned.get(tag, "")
    assert last_transaction(site) == before, "a GET of the contest page wrote"
    assert stored(site) == {}
    day = today(site).isoformat()
    # The desk sees them before they are stored; a tag that is not one counts as none.
    expected = {
        ("", day): (3, 0, 0),
        ("facebook", day): (1, 0, 0),
        ("instagram-may", day): (2, 0, 0),
    }
    assert shown(site) == expected
    assert response.flush(site.registry) == 6
    assert stored(site) == expected
    assert response.flush(site.registry) == 0  # nothing counted twice
    app.get(PAGE, {"c": "facebook"})
    response.flush(site.registry)
    assert stored(site)[("facebook", day)] == (2, 0, 0)
    # The tally holds the contest's name, the tag and the day: nothing of the visitor.
    assert response.tally(site.registry).counts == {}


def test_counts_that_cannot_be_stored_stay_for_the_next_flush(site, app, monkeypatch, caplog):
    app.get(PAGE, {"c": "mail"})
    app.get(PAGE, {"c": "mail"})

    def conflicting(registry):
        raise ConflictError("another process stored its counts first")

    monkeypatch.setattr(tallies, "site_transaction", conflicting)
    assert response.flush(site.registry) == 0
    monkeypatch.undo()
    day = today(site).isoformat()
    assert stored(site) == {}
    assert shown(site) == {("mail", day): (2, 0, 0)}  # still shown, still waiting
    assert response.flush(site.registry) == 2
    assert stored(site) == {("mail", day): (2, 0, 0)}


def test_the_views_of_a_contest_removed_before_the_flush_are_dropped(site, app):
    app.get(PAGE, {"c": "mail"})
    with site.edit() as root:
        root["contests"].remove(NAME)
    assert response.flush(site.registry) == 1
    assert site.read(lambda root: NAME in root["contests"]) is False


def test_a_bot_inventing_tags_cannot_grow_the_tally_or_the_counts(site, app):
    for n in range(entries.MAX_TAGS + 30):
        app.get(PAGE, {"c": f"tag{n}"})
    tags = {tag for tag, _day in shown(site)}
    assert len(tags) == entries.MAX_TAGS + 1
    assert entries.OTHER_TAG in tags
    response.flush(site.registry)
    assert len({tag for tag, _day in stored(site)}) == entries.MAX_TAGS + 1


def test_the_timer_stores_the_views(tmp_path):
    site = make_site(tmp_path, **{"shopcms.timer.interval": "0.05"})
    try:
        with site.edit() as root:
            new_contest(root, NAME, now(site.registry))
        Browser(site.wsgi).get(PAGE, {"c": "flyer"})  # the first request starts the timer
        deadline = time.monotonic() + 10
        while not stored(site):
            assert time.monotonic() < deadline, "the timer did not store the views"
            time.sleep(0.05)
        assert stored(site) == {("flyer", today(site).isoformat()): (1, 0, 0)}
    finally:
        response.flush(site.registry)
        from shopcms.operations.timer import get_timer

        get_timer(site.registry).stop()
        transaction.abort()
        site.close()


def text(cell):
    """A cell's text, its spaces (the number format's no-break space) as plain spaces."""
    return " ".join(cell.get_text().split())


def plant_counts(site):
    """Stored counts on two days and a view not yet flushed."""
    with site.edit() as root:
        contest = root["contests"][NAME]
        day = today(site)
        yesterday = day.fromordinal(day.toordinal() - 1)
        for tag, when, views, started, confirmed in (
            ("instagram-may", yesterday, 40, 6, 4),
            ("instagram-may", day, 10, 3, 1),
            ("", day, 50, 5, 5),
        ):
            counts = entries.counts(contest, tag, when)
            counts.views.change(views)
            counts.started.change(started)
            counts.confirmed.change(confirmed)
    return day, yesterday


def test_the_desk_shows_the_counts_per_tag_and_day_with_totals_and_conversion(site, app):
    day, yesterday = plant_counts(site)
    app.get(PAGE, {"c": "instagram-may"})  # not yet flushed: shown all the same
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    page = app.get(f"{DESK}response")
    html = page.html
    rows = {
        row["data-tag"]: [text(cell) for cell in row.select("th, td")]
        for row in html.select("#response-tags tbody tr")
    }
    assert rows == {
        "": ["(no tag)", "50", "5", "5", "10,0 %"],
        "instagram-may": ["instagram-may", "51", "9", "5", "9,8 %"],
    }
    footer = [text(cell) for cell in html.select("#response-tags tfoot tr > *")]
    assert footer == ["Total", "101", "14", "10", "9,9 %"]
    days = [
        (row["data-tag"], row["data-day"], row.select_one(".views").get_text(strip=True))
        for row in html.select("#response-days tbody tr")
    ]
    assert days == [
        ("", day.isoformat(), "50"),
        ("instagram-may", yesterday.isoformat(), "40"),
        ("instagram-may", day.isoformat(), "11"),
    ]
    chart = html.select_one("img.chart")
    assert chart["src"] == f"{DESK}response.svg"
    assert chart["alt"]
    assert html.select_one("#response-csv")["href"] == f"{DESK}response.csv"


def test_the_chart_is_an_svg_without_script_under_its_own_policy(site, app):
    plant_counts(site)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    chart = app.get(f"{DESK}response.svg")
    assert chart.content_type == "image/svg+xml"
    assert chart.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert chart.headers["Cache-Control"] == "no-store"
    root = ET.fromstring(chart.body)  # noqa: S314 (our own server's answer)
    assert not [e for e in root.iter() if str(e.tag).endswith("script")]
    assert b"<script" not in chart.body and b"javascript:" not in chart.body
    texts = " ".join(t for t in root.itertext())
    for legend in ("Page views", "Entries started", "Entries confirmed"):
        assert legend in texts
    assert "Response per day" in root.find("{http://www.w3.org/2000/svg}title").text


def test_an_empty_chart_says_nothing_was_counted(site, app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert b"Nothing counted yet" in app.get(f"{DESK}response.svg").body
    page = app.get(f"{DESK}response")
    assert page.html.select_one("#response-empty") is not None


def test_the_csv_file_holds_the_counts_per_tag_and_day(site, app):
    day, yesterday = plant_counts(site)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    answer = app.get(f"{DESK}response.csv")
    assert answer.content_type == "text/csv"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="stekels-response.csv"'
    assert answer.text.splitlines() == [
        "tag,day,views,started,confirmed",
        f",{day.isoformat()},50,5,5",
        f"instagram-may,{yesterday.isoformat()},40,6,4",
        f"instagram-may,{day.isoformat()},10,3,1",
    ]


def test_only_editors_and_administrators_see_the_response(site, app):
    plant_counts(site)
    paths = [f"{DESK}response", f"{DESK}response.svg", f"{DESK}response.csv"]
    for path in paths:
        assert app.get(path, status=403).forms.get("login") is not None
    for role in ("customer", "moderator", "orders"):
        visitor = Browser(site.wsgi)
        site.add_account(f"{role}@example.be", roles=(role,))
        login(visitor, f"{role}@example.be", PASSWORD)
        for path in paths:
            visitor.get(path, status=403)
    editor = Browser(site.wsgi)
    site.add_account("editor@example.be", roles=("editor",))
    login(editor, "editor@example.be", PASSWORD)
    before = last_transaction(site)
    for path in paths:
        editor.get(path, status=200)
    assert last_transaction(site) == before, "reading the response wrote"
