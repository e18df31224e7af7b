"""French punctuation spacing in the message catalog (``docs/translations.md``).

French puts a space before ``; : ! ?`` and inside ``« »``; a line must never break there,
so the space is a narrow no-break space, U+202F, throughout (before the colon too, where
the Imprimerie nationale would allow a full no-break space: one rule, easy to check).

- :func:`faults`: where ``text`` breaks the rule: a plain or full no-break space, or no
  space at all, before ``; : ! ?``, after ``«`` or before ``»``.  Not counted: what is not
  prose: HTML tags, addresses (``https://``, ``mailto:``), times and ratios (``09:00``),
  and a mark right after another (``?!``).  A placeholder (``${when}``) is a word.
- :func:`fix`: ``text`` with every fault mended.
- :func:`mend_catalog`, ``python -m shopcms.web.typography PO_FILE``: mends the msgstrs
  of a catalog in place (``make french-typography``), its msgids and lines untouched.

Text only: nothing here runs while serving pages.
"""

import logging
import re
import sys

log = logging.getLogger(__name__)

NNBSP = "\u202f"
_SPACES = " \u00a0\u202f"
_MARKS = ";:!?"
# What is not prose, left as it is: a tag, an address, a time or ratio.  A placeholder
# (``${when}``) holds none of the marks: it stands for a word, so "${when}:" is mended.
_SKIP = re.compile(
    r"<[^>]*>"
    r"|(?:https?|ftp)://\S*|mailto:\S*|www\.\S*"
    r"|\d+:\d+"
)


def _prose(text):
    """``(start, end)`` of the stretches of ``text`` that are prose (outside :data:`_SKIP`)."""
    start = 0
    for skipped in _SKIP.finditer(text):
        yield start, skipped.start()
        start = skipped.end()
    yield start, len(text)


def _mend(part, before):
    """One stretch of prose mended; ``before`` the character that precedes it."""
    out = []
    for char in part:
        previous = out[-1] if out else before
        if char in _MARKS and previous and previous not in _MARKS:
            if previous in _SPACES:
                out[-1] = NNBSP
            elif not previous.isspace():
                out.append(NNBSP)
        elif char == "»" and previous in _SPACES and previous:
            out[-1] = NNBSP
        elif char == "»" and previous and not previous.isspace():
            out.append(NNBSP)
        elif previous == "«" and char in _SPACES:
            char = NNBSP
        elif previous == "«" and not char.isspace():
            out.append(NNBSP)
        out.append(char)
    return "".join(out)


def fix(text):
    """``text`` with French spacing: U+202F before ``; : ! ?`` and inside ``« »``."""
    pieces, last = [], 0
    for start, end in _prose(text):
        pieces.append(text[last:start])
        before = pieces[-1][-1:] if pieces[-1] else (text[start - 1 : start] if start else "")
        pieces.append(_mend(text[start:end], before))
        last = end
    return "".join(pieces)


def faults(text):
    """The places (a few characters around each) where ``text`` breaks the rule."""
    mended = fix(text)
    if mended == text:
        return []
    found, i, j = [], 0, 0
    while i < len(text) and j < len(mended):
        if text[i] == mended[j]:
            i, j = i + 1, j + 1
            continue
        found.append(text[max(0, i - 12) : i + 4])
        # An inserted space, or a space replaced: step past it.
        j += 1
        if text[i] in _SPACES:
            i += 1
    return found


def mend_catalog(text):
    """The text of a ``.po`` file with its msgstrs mended, every other line as it was: the
    msgstr's quoted lines keep their breaks (a replaced or inserted space stays on the
    line of the character it precedes), so the change is a few characters, not a rewrap.
    Returns ``(new text, number of msgstrs mended)``."""
    lines = text.split("\n")
    changed, index, msgid = 0, 0, ""
    while index < len(lines):
        end = index + 1
        while end < len(lines) and lines[end].startswith('"'):
            end += 1
        if lines[index].startswith("msgid "):
            msgid = "".join(_quoted(line) for line in lines[index:end])
        if not lines[index].startswith("msgstr") or not msgid:  # not the header's
            index = end
            continue
        block = lines[index:end]
        heads = [line[: line.index('"') + 1] for line in block]
        parts = [_quoted(line) for line in block]
        mended = _spread(parts, fix("".join(parts)))
        if mended != parts:
            changed += 1
            lines[index:end] = [h + p + '"' for h, p in zip(heads, mended, strict=True)]
        index = end
    return "\n".join(lines), changed


def _quoted(line):
    """What a ``.po`` line holds between its quotes (still escaped)."""
    return line[line.index('"') + 1 : line.rindex('"')]


def _spread(parts, fixed):
    """``fixed`` (``"".join(parts)`` mended) cut again where ``parts`` were cut."""
    out = [[] for _part in parts]
    j = 0
    for k, part in enumerate(parts):
        for char in part:
            while fixed[j] != char and not (char in _SPACES and fixed[j] == NNBSP):
                out[k].append(fixed[j])  # inserted before ``char``
                j += 1
            out[k].append(fixed[j])
            j += 1
    out[-1].extend(fixed[j:])
    return ["".join(chars) for chars in out]


def main(paths):
    """Mend the msgstrs of the ``.po`` files ``paths`` in place."""
    for path in paths:
        with open(path, encoding="utf-8") as po:
            text, changed = mend_catalog(po.read())
        with open(path, "w", encoding="utf-8") as po:
            po.write(text)
        log.info("%s: %d message(s) mended", path, changed)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(sys.argv[1:])
