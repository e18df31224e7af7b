"""The review form: rating, title, text, the language it is written in, how the name is
shown; and what a visitor sends about published reviews: the list's filters (GET), a
helpful vote and a report (POST).

The filters are the contract of the reviews' page (``?page=&sort=&rating=&lang=``): every
value is checked, and one the page does not offer is refused (400), never guessed.

The limits are those of ``writing`` (the service relies on the form for them).  A review is
plain text: a text or title holding an HTML tag is refused with a message saying so (it
would be shown as typed, tags and all, never as HTML), so the author sees at once what the
public will see.
"""

import re

import colander
import deform

from shopcms.reviews.queries import SORTS
from shopcms.reviews.resources import ANONYMOUS, FIRST_INITIAL, FULL, INITIALS, shown_name
from shopcms.reviews.writing import TEXT_MAX, TEXT_MIN, TITLE_MAX
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalPath, Text, strip
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages

#: What a browser would read as the start of a tag, a comment or a declaration: ``<b``,
#: ``</p``, ``<!--``, ``<?``.  ``a < b`` and ``I <3 it`` are text.
HTML_TAG = re.compile(r"<[/!?]?[a-zA-Z]|<!--|<\?")

RATINGS = (
    ("5", _("5 stars: excellent")),
    ("4", _("4 stars: good")),
    ("3", _("3 stars: average")),
    ("2", _("2 stars: poor")),
    ("1", _("1 star: very poor")),
)


def plain_text(node, value):
    """Refuse HTML: a review is plain text (see the module)."""
    if HTML_TAG.search(value):
        raise colander.Invalid(
            node,
            _(
                "Reviews are plain text: remove the HTML tag (such as <b> or <a>). "
                "Line breaks are kept."
            ),
        )


def display_choices(name):
    """The ways the name can be shown, each with what it would show of ``name`` (only
    anonymous when no name is known)."""
    if not shown_name(name, FULL):
        return [(ANONYMOUS, _("Anonymous"))]
    labels = {
        FULL: _("Full name: ${shown}", mapping={"shown": shown_name(name, FULL)}),
        FIRST_INITIAL: _(
            "First name and initial: ${shown}", mapping={"shown": shown_name(name, FIRST_INITIAL)}
        ),
        INITIALS: _("Initials: ${shown}", mapping={"shown": shown_name(name, INITIALS)}),
        ANONYMOUS: _("Anonymous"),
    }
    return list(labels.items())


@colander.deferred
def _display_widget(node, kw):
    return deform.widget.RadioChoiceWidget(values=display_choices(kw.get("name")))


@colander.deferred
def _display_validator(node, kw):
    return colander.OneOf([code for code, _label in display_choices(kw.get("name"))])


@colander.deferred
def _display_description(node, kw):
    if shown_name(kw.get("name"), FULL):
        return _("Only what you choose here is shown with your review.")
    return _("We do not know your name, so your review is shown without one.")


@colander.deferred
def _language_widget(node, kw):
    codes = languages(kw["request"].registry)
    return deform.widget.RadioChoiceWidget(
        values=[(code, LANGUAGE_NAMES.get(code, code)) for code in codes]
    )


@colander.deferred
def _language_validator(node, kw):
    return colander.OneOf(languages(kw["request"].registry))


def _text_length(node, value):
    if len(value) < TEXT_MIN:
        raise colander.Invalid(
            node,
            _(
                "Write at least ${min} characters (you wrote ${count}).",
                mapping={"min": TEXT_MIN, "count": len(value)},
            ),
        )
    if len(value) > TEXT_MAX:
        raise colander.Invalid(
            node,
            _(
                "Write at most ${max} characters (you wrote ${count}).",
                mapping={"max": TEXT_MAX, "count": len(value)},
            ),
        )
    plain_text(node, value)


def _title_check(node, value):
    if len(value) > TITLE_MAX:
        raise colander.Invalid(
            node,
            _("Keep the title to ${max} characters.", mapping={"max": TITLE_MAX}),
        )
    plain_text(node, value)


class ReviewSchema(CSRFSchema):
    """Bind with ``request`` and ``name`` (the author's name, or None)."""

    rating = colander.SchemaNode(
        colander.Integer(),
        title=_("Your rating"),
        validator=colander.Range(1, 5),
        missing_msg=_("Choose a rating from 1 to 5 stars."),
        widget=deform.widget.RadioChoiceWidget(values=RATINGS),
    )
    title = colander.SchemaNode(
        # The type's own limit is generous: the validator says the real one in words.
        Text(max_length=TITLE_MAX * 10),
        title=_("Title (optional)"),
        preparer=strip,
        missing="",
        validator=_title_check,
    )
    text = colander.SchemaNode(
        Text(multiline=True, max_length=TEXT_MAX * 10),
        title=_("Your review"),
        description=_(
            "Between 20 and 5,000 characters, plain text: what you liked, what you did not, "
            "how you use it."
        ),
        preparer=strip,
        missing_msg=_("Write your review."),
        validator=_text_length,
        widget=deform.widget.TextAreaWidget(rows=8),
    )
    language = colander.SchemaNode(
        Text(),
        title=_("Written in"),
        validator=_language_validator,
        missing_msg=_("Choose the language of your review."),
        widget=_language_widget,
    )
    display = colander.SchemaNode(
        Text(),
        title=_("How your name is shown"),
        description=_display_description,
        validator=_display_validator,
        missing_msg=_("Choose how your name is shown."),
        widget=_display_widget,
    )


# -- what visitors send about published reviews ---------------------------------------

#: The longest reason a report may give, and the shortest.
REASON_MAX = 500
REASON_MIN = 3
MAX_PAGE = 10_000


def _came_from():
    return colander.SchemaNode(
        LocalPath(), name="came_from", widget=deform.widget.HiddenWidget(), missing=""
    )


class HelpfulSchema(CSRFSchema):
    """ "Helpful": the button, and the page to come back to."""

    came_from = _came_from()


class ReportSchema(CSRFSchema):
    came_from = _came_from()
    reason = colander.SchemaNode(
        Text(multiline=True, max_length=REASON_MAX),
        title=_("What is wrong with this review?"),
        description=_("Tell us briefly (at most 500 characters); we read every report."),
        validator=colander.Length(
            min=REASON_MIN, min_err=_("Tell us in a few words what is wrong.")
        ),
        widget=deform.widget.TextAreaWidget(rows=3, attributes={"maxlength": REASON_MAX}),
    )


def filter_schema(languages):
    """The reviews page's query string: ``page``, ``sort``, ``rating``, ``lang`` (one of
    ``languages``); each optional."""
    schema = colander.Schema()
    schema.add(
        colander.SchemaNode(
            colander.Int(),
            name="page",
            missing=1,
            validator=colander.Range(1, MAX_PAGE),
            title=_("Page"),
        )
    )
    schema.add(
        colander.SchemaNode(
            Text(), name="sort", missing="newest", validator=colander.OneOf(SORTS), title=_("Order")
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.Int(),
            name="rating",
            missing=None,
            validator=colander.Range(1, 5),
            title=_("Stars"),
        )
    )
    schema.add(
        colander.SchemaNode(
            Text(),
            name="lang",
            missing=None,
            validator=colander.OneOf(languages),
            title=_("Language"),
        )
    )
    return schema
