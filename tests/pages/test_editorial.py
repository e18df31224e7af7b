"""The side-by-side diff, the translation board, the text an editor starts from and the
history."""

from datetime import UTC, datetime, timedelta

from shopcms.pages.editorial import (
    ACTION_TITLES,
    MISSING,
    OUTDATED,
    UP_TO_DATE,
    board_row,
    diff_rows,
    history_entries,
    revision_diff,
    starting_text,
)
from shopcms.pages.resources import Page, Pages

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_diff_rows_mark_added_removed_and_changed_lines():
    rows = diff_rows("same\nold line\ngone\n", "same\nnew line\n\nextra")
    kinds = [(r.kind, r.left, r.right) for r in rows]
    assert kinds[0] == ("equal", "same", "same")
    assert ("changed", "old line", "new line") in kinds
    assert any(k == "changed" and left == "gone" for k, left, _r in kinds)
    assert any(k in ("added", "changed") and right == "extra" for k, _l, right in kinds)


def make_page():
    pages = Pages()
    page = pages.add("p", Page(), send_events=False)
    for lang in ("nl", "fr", "en"):
        page.save_draft(lang, "t", "b", "", "x", T0)
        page.publish(lang, T0, actor="system:test")
    return page


def states(page, now):
    return {cell.lang: cell.state for cell in board_row(page, ("nl", "fr", "en"), now)}


def test_board_outdated_until_translated_and_translations_do_not_ping_pong():
    page = make_page()
    assert set(states(page, T0).values()) == {UP_TO_DATE}
    t1 = T0 + timedelta(hours=1)
    page.save_draft("nl", "t", "nieuw", "", "x", t1)
    page.publish("nl", t1, actor="system:test")
    assert states(page, t1) == {"nl": UP_TO_DATE, "fr": OUTDATED, "en": OUTDATED}
    t2 = T0 + timedelta(hours=2)
    page.save_draft("fr", "t", "nouveau", "", "x", t2, translates="nl")
    page.publish("fr", t2, actor="system:test")
    assert states(page, t2) == {"nl": UP_TO_DATE, "fr": UP_TO_DATE, "en": OUTDATED}
    # Any newer English revision counts as catching up.
    t3 = T0 + timedelta(hours=3)
    page.save_draft("en", "t", "new", "", "x", t3, translates="nl")
    page.publish("en", t3, actor="system:test")
    assert set(states(page, t3).values()) == {UP_TO_DATE}


def test_board_missing_language():
    page = make_page()
    del page.revisions["en"]
    assert states(page, T0)["en"] == MISSING


def test_a_scheduled_revision_counts_only_once_in_force():
    page = make_page()
    page.save_draft("nl", "t", "later", "", "x", T0)
    page.publish("nl", T0, actor="system:test", effective=T0 + timedelta(days=1))
    assert states(page, T0 + timedelta(hours=1))["fr"] == UP_TO_DATE
    assert states(page, T0 + timedelta(days=2))["fr"] == OUTDATED


def test_starting_text_is_the_draft_else_the_text_in_force():
    page = make_page()
    assert starting_text(page, "nl", T0) == {
        "title": "t",
        "description": "",
        "body": "b",
        "note": "",
    }
    page.save_draft("nl", "t2", "b2", "why", "x", T0, translates="fr", description="d2")
    assert starting_text(page, "nl", T0) == {
        "title": "t2",
        "description": "d2",
        "body": "b2",
        "note": "why",
        "translates": "fr",
    }
    # From the translation board: the text translates the language it came from.
    assert starting_text(page, "nl", T0, translating_from="en")["translates"] == "en"
    assert "translates" not in starting_text(page, "fr", T0, translating_from="fr")


def test_starting_a_missing_language_from_the_board_marks_the_translation():
    page = make_page()
    del page.revisions["en"]
    assert starting_text(page, "en", T0) == {}
    assert starting_text(page, "en", T0, translating_from="nl") == {"translates": "nl"}


def test_history_entries_are_newest_first_with_titles():
    page = make_page()
    entries = history_entries(page)
    assert len(entries) == 6
    assert entries[0]["lang"] == "en" and entries[0]["action"] == ACTION_TITLES["published"]
    assert entries[-1]["action"] == ACTION_TITLES["created"]


def test_revision_diff_compares_titles_then_texts():
    page = make_page()
    page.save_draft("nl", "t2", "b\nc", "", "x", T0)
    rows = revision_diff(page.revision("nl", 1), page.draft("nl"))
    assert [(r.kind, r.left, r.right) for r in rows] == [
        ("changed", "t", "t2"),
        ("equal", "b", "b"),
        ("added", None, "c"),
    ]
