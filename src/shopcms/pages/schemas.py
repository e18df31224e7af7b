"""Forms of the editorial desk: a page revision, a new page, the actions on a language's
revisions (publish now, discard, withdraw) and the choice of two revisions to compare.

Every schema that posts derives from CSRFSchema.  Bound values (``make_form(..., **bind)``):
``languages`` (the site's languages) for every schema but AddPageSchema, ``timezone`` (the
site's) for RevisionSchema, ``numbers`` (the revision numbers of one language) for
CompareSchema.
"""

import colander
import deform

from shopcms.pages.placeholders import PLACEHOLDERS, unknown
from shopcms.pages.resources import POLICY_KINDS
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalDateTime, Text
from shopcms.web.i18n import _

PAGE_TYPES = ("page", *POLICY_KINDS)


def _known_placeholders(node, value):
    """Refuse a ``{company.NAME}`` the pages do not know (``pages.placeholders``): a typo
    would show on the page as written."""
    wrong = unknown(value)
    if wrong:
        raise colander.Invalid(
            node,
            _(
                "Unknown company detail ${names}. Use one of: ${known}.",
                mapping={
                    "names": ", ".join(wrong),
                    "known": ", ".join(f"{{company.{name}}}" for name in PLACEHOLDERS),
                },
            ),
        )


@colander.deferred
def _local_datetime(node, kw):
    return LocalDateTime(kw["timezone"])


@colander.deferred
def _language_choice(node, kw):
    return colander.OneOf(("", *kw["languages"]))


@colander.deferred
def _one_of_languages(node, kw):
    return colander.OneOf(kw["languages"])


@colander.deferred
def _revision_number(node, kw):
    return colander.OneOf(kw["numbers"])


@colander.deferred
def _revision_widget(node, kw):
    return deform.widget.SelectWidget(values=[(str(n), str(n)) for n in kw["numbers"]])


@colander.deferred
def _translation_widget(node, kw):
    choices = [("", _("None: a change of its own"))]
    choices += [(lang, lang.upper()) for lang in kw["languages"]]
    return deform.widget.SelectWidget(values=choices)


class RevisionSchema(CSRFSchema):
    title = colander.SchemaNode(Text(), title=_("Title"), validator=colander.Length(min=1, max=200))
    description = colander.SchemaNode(
        Text(),
        title=_("Description for search engines"),
        description=_(
            "About 155 characters, shown under the title in search results. Leave "
            "empty to use the start of the text."
        ),
        missing="",
        validator=colander.Length(max=300),
        widget=deform.widget.TextAreaWidget(rows=2, attributes={"maxlength": "300"}),
    )
    body = colander.SchemaNode(
        Text(multiline=True),
        title=_("Text"),
        description=_(
            "Markdown: ## heading, **bold**, *italic*, - list, [link](https://…). "
            "HTML is not allowed. The company's details from the settings: "
            "{company.name}, {company.address}, {company.enterprise}, {company.vat}, "
            "{company.register}, {company.email}, {company.phone}."
        ),
        validator=colander.All(colander.Length(min=1, max=200_000), _known_placeholders),
        widget=deform.widget.TextAreaWidget(rows=24),
    )
    note = colander.SchemaNode(
        Text(),
        title=_("What changed"),
        missing="",
        validator=colander.Length(max=500),
    )
    translates = colander.SchemaNode(
        Text(),
        title=_("Translation of"),
        description=_(
            "Choose the language this text translates, so that language is not marked "
            "outdated by it; leave empty for a change of its own."
        ),
        missing="",
        validator=_language_choice,
        widget=_translation_widget,
    )
    effective = colander.SchemaNode(
        _local_datetime,
        title=_("Publish at"),
        description=_("Leave empty to publish at once; times are Belgian time."),
        missing=None,
        widget=deform.widget.TextInputWidget(attributes={"type": "datetime-local"}),
    )


class AddPageSchema(CSRFSchema):
    kind = colander.SchemaNode(
        Text(),
        title=_("Type"),
        validator=colander.OneOf(PAGE_TYPES),
        widget=deform.widget.SelectWidget(
            values=[
                ("page", _("Plain page")),
                ("privacy", _("Privacy statement")),
                ("cookies", _("Cookie policy")),
                ("terms", _("Terms and conditions")),
                ("contest-rules", _("Contest rules")),
                ("review-terms", _("Review terms")),
            ]
        ),
    )
    name = colander.SchemaNode(
        Text(),
        title=_("Name in the address"),
        description=_("Lower-case letters, digits and hyphens; a policy page uses its type."),
        missing="",
        validator=colander.Regex(
            r"^[a-z0-9][a-z0-9-]{0,59}$",
            msg=_("Use lower-case letters, digits and hyphens."),
        ),
    )

    def validator(self, node, appstruct):
        # A policy page is named for its kind; only a plain page needs a name of its own.
        if appstruct["kind"] == "page" and not appstruct["name"]:
            error = colander.Invalid(node)
            error["name"] = _("Choose a name.")
            raise error


class LanguageActionSchema(CSRFSchema):
    """Publish now, discard: the language whose draft the button acts on."""

    lang = colander.SchemaNode(
        Text(), widget=deform.widget.HiddenWidget(), validator=_one_of_languages
    )


class WithdrawSchema(LanguageActionSchema):
    """Withdraw: the scheduled revision (language and number) to take back to draft."""

    number = colander.SchemaNode(colander.Integer(), widget=deform.widget.HiddenWidget())


class CompareSchema(colander.Schema):
    """Which two revisions of one language the diff shows (a GET form)."""

    lang = colander.SchemaNode(
        Text(), widget=deform.widget.HiddenWidget(), validator=_one_of_languages
    )
    a = colander.SchemaNode(
        colander.Integer(),
        title=_("Version A"),
        validator=_revision_number,
        widget=_revision_widget,
    )
    b = colander.SchemaNode(
        colander.Integer(),
        title=_("Version B"),
        validator=_revision_number,
        widget=_revision_widget,
    )


class LivePreviewSchema(CSRFSchema):
    """The editor's live preview (POST, writes nothing): the Markdown to render."""

    body = colander.SchemaNode(
        Text(multiline=True), missing="", validator=colander.Length(max=200_000)
    )
