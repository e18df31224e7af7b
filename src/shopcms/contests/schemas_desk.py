"""The contests desk's forms: a new contest, a contest's texts in one language with the
settings that do not depend on the language, and the judges' forms (closing with the
tie-breaker's true value, disqualifying with a reason, an entry's key for the other
buttons).

Every schema posts, so derives from CSRFSchema.  Bound values (``make_form(..., **bind)``):
``timezone`` (the shop's) and ``countries`` (``[(code, name)]``) for
:func:`contest_schema`, ``tmpstore`` for its image.  No field configures a draw: winners
come only from the ranking.
"""

import colander
import deform

from shopcms.contests.answers import CHOICE, TEXT
from shopcms.contests.editing import NAME, RESERVED_NAMES
from shopcms.products import api as products
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalDateTime, Text
from shopcms.web.i18n import _

#: The biggest true value or number of winners anyone types (a bound against typos).
MAX_NUMBER = 1_000_000_000
MAX_WINNERS = 100


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _name_check(node, value):
    if not NAME.match(value) or value in RESERVED_NAMES:
        raise colander.Invalid(
            node,
            _("Use lower-case letters, digits and hyphens only, starting with a letter or digit."),
        )


class NewContestSchema(CSRFSchema):
    name = colander.SchemaNode(
        Text(),
        title=_("Name in the address"),
        description=_("Lower-case letters, digits and hyphens, e.g. cactus-summer."),
        preparer=_strip,
        validator=colander.All(colander.Length(min=1, max=60), _name_check),
    )


def _line(name, title, required=False, max_length=300, description=None):
    return colander.SchemaNode(
        Text(),
        name=name,
        title=title,
        description=description,
        preparer=_strip,
        missing=colander.required if required else "",
        validator=colander.Length(min=1 if required else 0, max=max_length),
    )


def _text(name, title, rows=5, description=None):
    return colander.SchemaNode(
        Text(multiline=True),
        name=name,
        title=title,
        description=description,
        preparer=_strip,
        missing="",
        validator=colander.Length(max=20_000),
        widget=deform.widget.TextAreaWidget(rows=rows),
    )


@colander.deferred
def _local_datetime(node, kw):
    return LocalDateTime(kw["timezone"])


@colander.deferred
def _countries_widget(node, kw):
    return deform.widget.CheckboxChoiceWidget(values=kw["countries"])


@colander.deferred
def _countries_check(node, kw):
    known = {code for code, _name in kw["countries"]}

    def check(node, value):
        if not value:
            raise colander.Invalid(node, _("Choose at least one country."))
        if not set(value) <= known:
            raise colander.Invalid(node, _("Choose countries from the list."))

    return check


@colander.deferred
def _image_widget(node, kw):
    return products.ImageUploadWidget(
        kw.get("tmpstore", products.UploadStore()), accept=products.IMAGE_TYPES
    )


def _when(name, title):
    return colander.SchemaNode(
        _local_datetime,
        name=name,
        title=title,
        description=_("Belgian time."),
        widget=deform.widget.TextInputWidget(attributes={"type": "datetime-local"}),
    )


def contest_schema():
    """A contest's texts in one language, then the settings of every language."""
    schema = CSRFSchema()
    schema.add(_line("title", _("Title"), required=True, max_length=200))
    schema.add(_text("introduction", _("Introduction"), rows=6))
    schema.add(
        _line(
            "question",
            _("Skill question"),
            required=True,
            description=_("A question with a right answer: the contest is won by knowledge."),
        )
    )
    schema.add(
        _text(
            "choices",
            _("Choices (multiple choice)"),
            description=_("One per line, in the same order in every language."),
        )
    )
    schema.add(
        _text(
            "accepted",
            _("Accepted answers (short answer)"),
            description=_("One per line; case, accents, punctuation and spaces do not matter."),
        )
    )
    schema.add(
        _line(
            "tiebreak",
            _("Tie-breaker question"),
            required=True,
            description=_("Answered with a whole number, e.g. how many entries will we get?"),
        )
    )
    schema.add(_text("prizes", _("Prizes"), rows=3))
    schema.add(
        _text(
            "rules",
            _("Rules: your own text"),
            rows=6,
            description=_(
                "Added to the rules page, which already names the organiser, the period, who "
                "may enter, the questions, how winners are chosen and told, and privacy."
            ),
        )
    )
    schema.add(
        colander.SchemaNode(
            deform.FileData(),
            name="image",
            title=_("Image file"),
            description=_("JPEG, PNG or WebP; leave empty to keep the current image."),
            missing=colander.null,
            widget=_image_widget,
        )
    )
    schema.add(_line("image_alt", _("Description of the image for screen readers"), max_length=200))
    # The settings below are the same in every language.
    schema.add(
        colander.SchemaNode(
            Text(),
            name="kind",
            title=_("Kind of question (every language)"),
            validator=colander.OneOf((CHOICE, TEXT)),
            widget=deform.widget.RadioChoiceWidget(
                values=((CHOICE, _("Multiple choice")), (TEXT, _("Short answer")))
            ),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.Int(),
            name="correct",
            title=_("Number of the right choice (every language)"),
            description=_("1 for the first choice; for a multiple-choice question only."),
            missing=0,
            validator=colander.Range(0, 10),
        )
    )
    schema.add(_when("opens", _("Opens at")))
    schema.add(_when("closes", _("Closes at")))
    schema.add(
        colander.SchemaNode(
            colander.Int(),
            name="winners",
            title=_("Number of winners"),
            validator=colander.Range(1, MAX_WINNERS),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.Set(),
            name="countries",
            title=_("Countries whose residents may enter"),
            widget=_countries_widget,
            validator=_countries_check,
        )
    )
    return schema


class CloseSchema(CSRFSchema):
    true_value = colander.SchemaNode(
        colander.Int(),
        title=_("True value of the tie-breaker"),
        description=_("The exact answer to the tie-breaker question, a whole number."),
        validator=colander.Range(0, MAX_NUMBER),
    )


class EntrySchema(CSRFSchema):
    """An entry's button (requalify, prize delivered): its key, hidden."""

    key = colander.SchemaNode(
        Text(), widget=deform.widget.HiddenWidget(), validator=colander.Length(1, 40)
    )


class DisqualifySchema(EntrySchema):
    reason = colander.SchemaNode(
        Text(),
        title=_("Reason"),
        preparer=_strip,
        validator=colander.Length(min=1, max=300),
        missing_msg=_("Give the reason for the disqualification."),
    )
