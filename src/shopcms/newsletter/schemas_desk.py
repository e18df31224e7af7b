"""The newsletter desk's forms: a new campaign, a campaign's texts and products, the test
send, send now, send at a time.

Every schema posts, so derives from CSRFSchema.  Bound values (``make_form(..., **bind)``):
``languages`` (the site's) for :func:`campaign_schema` and :class:`TestSendSchema`,
``products`` (``[(id, title)]`` of the catalog) for :func:`campaign_schema`, ``timezone``
and ``now`` for :class:`SendAtSchema`.
"""

import colander
import deform

from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalDateTime, Text
from shopcms.web.i18n import LANGUAGE_NAMES, _

MARKDOWN = _(
    "Markdown: ## heading, **bold**, *italic*, - list, [link](https://…). HTML is not allowed."
)


def _title_node():
    return colander.SchemaNode(
        Text(), name="title", title=_("Title"), validator=colander.Length(min=1, max=200)
    )


class NewCampaignSchema(CSRFSchema):
    title = _title_node()


def _both_or_neither(node, value):
    subject, body = value["subject"].strip(), value["body"].strip()
    if bool(subject) != bool(body):
        error = colander.Invalid(node)
        error["body" if subject else "subject"] = _(
            "Write both the subject and the text of this language, or neither."
        )
        raise error


def _version_node(lang):
    # Each label names its language: the error summary lists fields by their labels.
    language = {"language": LANGUAGE_NAMES.get(lang, lang.upper())}
    version = colander.SchemaNode(
        colander.Mapping(),
        name=lang,
        title=language["language"],
        validator=_both_or_neither,
    )
    version.add(
        colander.SchemaNode(
            Text(),
            name="subject",
            title=_("Subject (${language})", mapping=language),
            missing="",
            validator=colander.Length(max=200),
        )
    )
    version.add(
        colander.SchemaNode(
            Text(multiline=True),
            name="body",
            title=_("Text (${language})", mapping=language),
            description=MARKDOWN,
            missing="",
            validator=colander.Length(max=100_000),
            widget=deform.widget.TextAreaWidget(rows=12),
        )
    )
    return version


@colander.deferred
def _product_widget(node, kw):
    return deform.widget.CheckboxChoiceWidget(values=kw["products"])


@colander.deferred
def _product_choice(node, kw):
    known = {pid for pid, _title in kw["products"]}

    def check(node, value):
        if not set(value) <= known:
            raise colander.Invalid(node, _("Choose products from the list."))

    return check


def campaign_schema(langs):
    """A campaign's title, its subject and text per language, its featured products."""
    schema = CSRFSchema()
    schema.add(_title_node())
    for lang in langs:
        schema.add(_version_node(lang))
    schema.add(
        colander.SchemaNode(
            colander.Set(),
            name="products",
            title=_("Featured products"),
            missing=(),
            widget=_product_widget,
            validator=_product_choice,
        )
    )
    return schema


@colander.deferred
def _language_widget(node, kw):
    return deform.widget.SelectWidget(
        values=[(lang, LANGUAGE_NAMES.get(lang, lang)) for lang in kw["languages"]]
    )


@colander.deferred
def _one_of_languages(node, kw):
    return colander.OneOf(kw["languages"])


class TestSendSchema(CSRFSchema):
    lang = colander.SchemaNode(
        Text(), title=_("Language"), widget=_language_widget, validator=_one_of_languages
    )


def _confirm_node():
    return colander.SchemaNode(
        colander.Boolean(),
        name="confirm",
        title=_("I checked the preview: send this campaign to every active subscriber"),
        validator=colander.Function(
            lambda value: value is True, _("Tick the box to confirm the sending.")
        ),
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )


class SendNowSchema(CSRFSchema):
    confirm = _confirm_node()


@colander.deferred
def _local_datetime(node, kw):
    return LocalDateTime(kw["timezone"])


@colander.deferred
def _in_the_future(node, kw):
    def check(node, value):
        if value <= kw["now"]:
            raise colander.Invalid(node, _("Choose a time in the future, or send now."))

    return check


class SendAtSchema(CSRFSchema):
    when = colander.SchemaNode(
        _local_datetime,
        title=_("Send at"),
        description=_("Belgian time."),
        validator=_in_the_future,
        widget=deform.widget.TextInputWidget(attributes={"type": "datetime-local"}),
    )
    confirm = _confirm_node()
