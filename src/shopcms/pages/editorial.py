"""What editors see about pages: the side-by-side diff and the translation board."""

import difflib
from dataclasses import dataclass

MISSING, UP_TO_DATE, OUTDATED = "missing", "up-to-date", "outdated"


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
