"""What editors see about pages: the state of every page per language (the desk), one
page's languages, its history, the side-by-side diff and the translation board.

Everything here reads pages and shapes what the editorial desk shows; nothing writes.  The
rows are plain values (dicts and frozen dataclasses) that templates show as they are.
"""

import difflib
from dataclasses import dataclass

from shopcms.pages.content import LEGACY_NOTE, seed_note
from shopcms.web.i18n import _

MISSING, UP_TO_DATE, OUTDATED = "missing", "up-to-date", "outdated"

#: What each action of a page's log is called in its history.
ACTION_TITLES = {
    "created": _("Draft started"),
    "saved": _("Draft saved"),
    "published": _("Published"),
    "scheduled": _("Scheduled"),
    "withdrawn": _("Withdrawn"),
    "discarded": _("Draft discarded"),
}


def desk_rows(pages, languages, now):
    """The list of all pages: per page and language the revision in force, the draft and
    the scheduled revisions at ``now``."""
    return [
        {
            "name": name,
            "page": page,
            "cells": [
                {
                    "lang": lang,
                    "in_force": page.in_force(lang, now),
                    "draft": page.draft(lang),
                    "scheduled": page.scheduled(lang, now),
                }
                for lang in languages
            ],
        }
        for name, page in sorted(pages.items())
    ]


def language_sections(page, languages, now):
    """One page per language: in force, draft, scheduled, and every revision with its
    status at ``now``, newest first."""
    sections = []
    for lang in languages:
        revisions = sorted(page.all_revisions(lang), key=lambda r: r.number, reverse=True)
        sections.append(
            {
                "lang": lang,
                "in_force": page.in_force(lang, now),
                "draft": page.draft(lang),
                "scheduled": page.scheduled(lang, now),
                "revisions": [(r, page.status(r, now)) for r in revisions],
            }
        )
    return sections


def history_entries(page):
    """The page's log, newest first; ``action`` is a title to translate, ``who`` the actor
    as recorded (an account id or a system actor)."""
    return [
        {
            "when": when,
            "who": who,
            "lang": lang,
            "number": number,
            "action": ACTION_TITLES.get(action, action),
            "note": seed_note(lang) if note == LEGACY_NOTE else note,
        }
        for when, who, lang, number, action, note in reversed(page.log)
    ]


def starting_text(page, lang, now, translating_from=None):
    """What the editor of ``lang`` starts from: its draft, else the text in force, else
    nothing (an empty dict).

    The note and the language translated carry over from a draft only.  Arriving to
    translate from another language (``translating_from``, from the translation board)
    marks the text as a translation of that language, so that publishing it does not make
    that language outdated.
    """
    source = page.draft(lang) or page.in_force(lang, now)
    text = {}
    if source is not None:
        text = {
            "title": source.title,
            "description": source.description,
            "body": source.body,
            "note": "",
        }
    if source is not None and source.is_draft:
        text["note"] = source.note
        text["translates"] = source.translates or ""
    if translating_from and translating_from != lang:
        text["translates"] = translating_from
    return text


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff: ``kind`` is equal, removed, added or changed."""

    kind: str
    left: str | None
    right: str | None


def diff_rows(old, new):
    """Line-by-line side-by-side diff of two texts (the Markdown sources).

    The rows carry plain text: the template escapes it, so a diff can never run a script
    that an old or new text contains.
    """
    a, b = old.splitlines(), new.splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow("equal", x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True))
        elif tag == "delete":
            rows.extend(DiffRow("removed", x, None) for x in a[i1:i2])
        elif tag == "insert":
            rows.extend(DiffRow("added", None, y) for y in b[j1:j2])
        else:
            left, right = a[i1:i2], b[j1:j2]
            for k in range(max(len(left), len(right))):
                rows.append(
                    DiffRow(
                        "changed",
                        left[k] if k < len(left) else None,
                        right[k] if k < len(right) else None,
                    )
                )
    return rows


def revision_diff(old, new):
    """The rows of the diff between two revisions: their titles, then their texts."""
    return diff_rows(old.title, new.title) + diff_rows(old.body, new.body)


@dataclass(frozen=True)
class BoardCell:
    """The state of one language of one page on the translation board.

    ``newer`` is the language whose newer published text makes this one outdated (the text
    to translate from); None unless the state is ``outdated``.
    """

    lang: str
    state: str
    revision: object = None
    newer: str | None = None


def makes_outdated(newer, revision):
    """Does ``newer`` (in force in another language) leave ``revision`` behind?

    Yes when it took effect later and is a change of its own, unless ``revision`` is itself
    a translation of that very text (or a later one).  A translation that catches up with
    another language therefore never sends the original back to "outdated".
    """
    if newer.effective <= revision.effective or newer.translation_of is not None:
        return False
    source = revision.translation_of
    return not (source and source[0] == newer.lang and source[1] >= newer.number)


def board_row(page, languages, now):
    """One cell per language: missing, up to date, or outdated.

    A language is outdated when another language got a newer published revision of its own
    after the one in force here (:func:`makes_outdated`); it is up to date again once it
    gets a newer published revision.
    """
    in_force = {lang: page.in_force(lang, now) for lang in languages}
    cells = []
    for lang in languages:
        revision = in_force[lang]
        if revision is None:
            cells.append(BoardCell(lang, MISSING))
            continue
        newer = [
            other
            for other, other_revision in in_force.items()
            if other != lang
            and other_revision is not None
            and makes_outdated(other_revision, revision)
        ]
        if newer:
            newest = max(newer, key=lambda other: in_force[other].effective)
            cells.append(BoardCell(lang, OUTDATED, revision, newest))
        else:
            cells.append(BoardCell(lang, UP_TO_DATE, revision))
    return cells


def board(pages, languages, now):
    """The translation board: one row per page, one :func:`board_row` cell per language."""
    return [
        {"name": name, "page": page, "cells": board_row(page, languages, now)}
        for name, page in sorted(pages.items())
    ]
