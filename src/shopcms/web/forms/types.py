"""Colander types and nodes that forms of several capabilities share.

Input hygiene lives here, in one place: every text a form reads is a :class:`Text` (or a
:class:`LocalPath`, for the page to come back to), never a bare ``colander.String``
(``tests/architecture/test_house_rules.py`` holds every schema to it).  A :class:`Text`
refuses, with a message in the visitor's language and the form's usual 400:

- C0 and C1 control characters (``U+0000``-``U+001F``, ``U+007F``-``U+009F``); a
  multi-line field (a textarea, rich text) keeps line feeds, carriage returns and tabs.
  They have no business in a name or a line, and in a mail header they are header
  injection (``"Evil\\r\\nBcc: x"``);
- format characters (Unicode category Cf): bidirectional overrides and isolates, which
  make a text read differently from what it is (``U+202E``), zero-width spaces, the byte
  order mark, invisible tags.  Two are kept: the zero-width joiner and non-joiner
  (``U+200D``, ``U+200C``), which emoji sequences and several scripts need; a multi-line
  field also keeps the soft hyphen (``U+00AD``), which word processors put in long words;
- line and paragraph separators (``U+2028``, ``U+2029``: they end a line where no line may
  end), surrogates (never text), private-use characters (they mean nothing outside one
  font) and the noncharacters (``U+FDD0``-``U+FDEF``, ``U+xFFFE``, ``U+xFFFF``);
- text longer than :data:`LINE_MAX` characters on one line, :data:`TEXT_MAX` in a
  multi-line field, unless the node sets its own ``max_length`` (names are shorter).

Other spaces (a non-breaking space) and characters that this Python's Unicode tables do not
know yet (a new emoji) are accepted: refusing them would refuse honest text.
"""

import unicodedata
from datetime import UTC, datetime

import colander
import deform

from shopcms.web.i18n import _
from shopcms.web.urls import local_path

#: The longest line a single-line field takes when its node sets no shorter limit.
LINE_MAX = 1000
#: The longest text a multi-line field takes when its node sets no limit.
TEXT_MAX = 200_000
#: The longest text that fits in an address (a GET form's value: a search that the view
#: cuts shorter itself); nginx's default buffer for a request line is 8 KiB.
ADDRESS_MAX = 8192
#: The longest path to come back to (``came_from``, ``next``).
PATH_MAX = 2000
#: What a multi-line field keeps besides: whitespace, and the soft hyphen of pasted text.
MULTILINE = frozenset("\n\r\t\u00ad")
#: Format characters (Cf) that honest text needs: zero-width non-joiner and joiner.
JOINERS = frozenset("\u200c\u200d")
REFUSED_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))


def _noncharacter(char):
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused_character(text, multiline=False):
    """The first character of ``text`` that no field accepts (see the module), or None."""
    if text.isprintable():
        # Python's printable excludes every refused category: the usual text costs one scan.
        return None
    for char in text:
        if char.isprintable():
            continue
        if multiline and char in MULTILINE:
            continue
        if char in JOINERS:
            continue
        if unicodedata.category(char) in REFUSED_CATEGORIES or _noncharacter(char):
            return char
    return None


def check_text(node, value, multiline=False, max_length=None):
    """Raise ``colander.Invalid`` on ``node`` if ``value`` is not clean text (see the
    module); ``max_length`` defaults to :data:`LINE_MAX` or :data:`TEXT_MAX`."""
    char = refused_character(value, multiline)
    if char is not None:
        raise colander.Invalid(
            node,
            _(
                "This text contains an invisible or control character (${code}) that is "
                "not allowed here. Remove it and try again.",
                mapping={"code": f"U+{ord(char):04X}"},
            ),
        )
    limit = max_length or (TEXT_MAX if multiline else LINE_MAX)
    colander.Length(max=limit)(node, value)


class Text(colander.String):
    """A text someone typed or a form carried back: colander's String, refusing control
    characters, odd Unicode and overlong text (see the module).

    ``multiline=True`` for a textarea or rich text (keeps newlines and tabs);
    ``max_length`` to allow less (or more) than the default.
    """

    def __init__(self, multiline=False, max_length=None, **kw):
        super().__init__(**kw)
        self.multiline = multiline
        self.max_length = max_length

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is not colander.null:
            check_text(node, value, self.multiline, self.max_length)
        return value


class LocalPath(Text):
    """The page to come back to (``came_from``, ``next``): a path on this site
    (``web.urls.local_path``), or ``""`` for anything else, so that a form still does
    its work and its view falls back to its default page."""

    def __init__(self, **kw):
        super().__init__(max_length=PATH_MAX, **kw)

    def deserialize(self, node, cstruct):
        value = colander.String.deserialize(self, node, cstruct)
        if value is colander.null:
            return value
        return local_path(value) or ""


class Day(colander.Date):
    """An ISO date (what ``<input type="date">`` sends), with a message that shows one."""

    err_template = _("Enter a date like 2026-01-31.")


def strip(value):
    """A text as typed, without the spaces around it (a preparer)."""
    return value.strip() if isinstance(value, str) else value


#: The longest mail address (RFC 5321's path limit).
EMAIL_MAX = 254


def email_node(title, description=""):
    """A required email address as a visitor types it: without the spaces around it,
    checked, at most :data:`EMAIL_MAX` characters, filled in by the browser and typed with
    a phone's address keyboard."""
    return colander.SchemaNode(
        Text(),
        title=title,
        description=description,
        preparer=strip,
        validator=colander.All(
            colander.Email(msg=_("Enter a valid email address.")),
            colander.Length(max=EMAIL_MAX),
        ),
        widget=deform.widget.TextInputWidget(
            attributes={"autocomplete": "email", "type": "email", "inputmode": "email"}
        ),
    )


def day_node(name, title, validator=None):
    """An optional day (None when left empty), with the browser's date picker where it has
    one; what it sends is an ISO date."""
    return colander.SchemaNode(
        Day(),
        name=name,
        title=title,
        preparer=strip,
        missing=None,
        validator=validator,
        widget=deform.widget.TextInputWidget(attributes={"type": "date"}),
    )


class LocalDateTime(colander.SchemaType):
    """A date and time typed in the site's time zone (``YYYY-MM-DDTHH:MM``), as aware UTC.

    A time that does not exist or exists twice in that zone (the switch to and from summer
    time) is read as the earlier of the two, like ``zoneinfo`` does (fold=0).
    """

    def __init__(self, timezone):
        self.timezone = timezone

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return appstruct.astimezone(self.timezone).strftime("%Y-%m-%dT%H:%M")

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        try:
            local = datetime.strptime(cstruct.strip(), "%Y-%m-%dT%H:%M")
        except ValueError:
            raise colander.Invalid(
                node, _("Enter a date and time like 2026-12-01T09:00.")
            ) from None
        # Stored in UTC: the site's zone only matters for what people type and read.
        return local.replace(tzinfo=self.timezone).astimezone(UTC)
