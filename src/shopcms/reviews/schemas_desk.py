"""The moderation desk's forms: the queue's filter (a GET form), one moderation action on
one review, the shop's reply, and one action on many reviews.

Every moderation form carries the state the moderator saw (``seen_state``): the service
refuses the action when the review has moved since (``moderation.AlreadyMoved``).  A
rejection needs a reason from ``REJECTION_REASONS``; ``other`` needs a text of its own.
The bulk form's checkboxes stand in the queue's rows (``form="queue-bulk"``): their values
are read with :data:`SELECTED`, beside the form.
"""

import re

import colander
import deform

from shopcms.reviews.workflow import MODERATION, REJECTION_REASONS, REVIEW_WORKFLOW
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text, strip
from shopcms.web.i18n import _, languages

STATE_NAMES = tuple(state.name for state in REVIEW_WORKFLOW.states)
#: What the bulk form offers (showing a hidden review again is done one by one).
BULK_ACTIONS = ("approve", "reject", "hide", "spam")
#: The longest moderator's text (a rejection's explanation, a comment) and shop reply.
MAX_COMMENT = 1000
MAX_REPLY = 2000
#: The most reviews one bulk action takes (the queue shows 25 a page).
MAX_SELECTED = 500
MAX_PAGE = 10_000
MAX_DAYS = 3650
REVIEW_WORKFLOW_TITLES = {t.name: t.title for t in REVIEW_WORKFLOW.transitions}
#: A review as the bulk form names it: ``<product id>/<review key>``.
REVIEW_REF = re.compile(r"^[0-9]{1,12}/[0-9a-f]{10,40}$")


@colander.deferred
def _state_widget(node, kw):
    states = [(state.name, state.title) for state in REVIEW_WORKFLOW.states]
    return deform.widget.SelectWidget(values=[("", _("Waiting and reported")), *states])


@colander.deferred
def _product_widget(node, kw):
    return deform.widget.SelectWidget(values=[("", _("All")), *kw["products"]])


@colander.deferred
def _language_widget(node, kw):
    codes = languages(kw["request"].registry)
    return deform.widget.SelectWidget(values=[("", _("All")), *((c, c) for c in codes)])


@colander.deferred
def _language_validator(node, kw):
    return colander.OneOf(languages(kw["request"].registry))


_RATINGS = [("", _("All"))] + [(str(n), str(n)) for n in range(5, 0, -1)]


class QueueFilterSchema(colander.Schema):
    """The queue's filter (a GET form; bind ``products``: ``[(pid, title), ...]``).  Empty
    values mean "no filter": the default queue is the pending and the reported reviews."""

    state = colander.SchemaNode(
        Text(),
        title=_("Status"),
        missing="",
        validator=colander.OneOf(("", *STATE_NAMES)),
        widget=_state_widget,
    )
    product = colander.SchemaNode(
        colander.Int(),
        title=_("Product"),
        missing=None,
        validator=colander.Range(min=1, max=10**12),
        widget=_product_widget,
    )
    rating = colander.SchemaNode(
        colander.Int(),
        title=_("Stars"),
        missing=None,
        validator=colander.Range(min=1, max=5),
        widget=deform.widget.SelectWidget(values=_RATINGS),
    )
    language = colander.SchemaNode(
        Text(),
        title=_("Language"),
        missing=None,
        validator=_language_validator,
        widget=_language_widget,
    )
    older_than = colander.SchemaNode(
        colander.Int(),
        title=_("Older than (days)"),
        missing=None,
        validator=colander.Range(min=0, max=MAX_DAYS),
        widget=deform.widget.TextInputWidget(attributes={"type": "number", "min": "0"}),
    )


#: The queue's page number (``?page=``, beside the filter).
PAGE = colander.SchemaNode(colander.Int(), missing=1, validator=colander.Range(min=1, max=MAX_PAGE))


def _hidden(**kw):
    return colander.SchemaNode(Text(), widget=deform.widget.HiddenWidget(), **kw)


_REASONS = [("", _("Choose a reason")), *REJECTION_REASONS.items()]


def _reason_node():
    return colander.SchemaNode(
        Text(),
        title=_("Reason"),
        missing="",
        validator=colander.OneOf(("", *REJECTION_REASONS)),
        widget=deform.widget.SelectWidget(values=_REASONS),
    )


def _text_node(title):
    return colander.SchemaNode(
        Text(multiline=True),
        title=title,
        preparer=strip,
        missing="",
        validator=colander.Length(max=MAX_COMMENT),
        widget=deform.widget.TextAreaWidget(rows=2, attributes={"maxlength": str(MAX_COMMENT)}),
    )


def _check_reason(node, value):
    """A rejection needs a reason, and ``other`` a text (the service checks it again)."""
    if value.get("action") != "reject":
        return
    error = colander.Invalid(node)
    if not value["reason"]:
        error["reason"] = _("Choose a reason for the rejection.")
    elif value["reason"] == "other" and not value["text"]:
        error["text"] = _("Say why the review is rejected.")
    if error.children:
        raise error


class ActionSchema(CSRFSchema):
    """One moderation action on one review.  Bound with ``action_name``: only a rejection shows
    the reason; the text is the history's "why" (for a rejection, the author reads it)."""

    action = _hidden(validator=colander.OneOf(MODERATION))
    seen_state = _hidden(validator=colander.OneOf(STATE_NAMES))
    reason = _reason_node()
    text = _text_node(_("Why (optional)"))

    def after_bind(self, node, kw):
        if kw["action_name"] != "reject":
            del node["reason"]
        else:
            node["text"].title = _("Explanation for the author (required for another reason)")

    def validator(self, node, value):
        _check_reason(node, value)


class ReplySchema(CSRFSchema):
    """The shop's public reply under a review (empty: no reply)."""

    reply = colander.SchemaNode(
        Text(multiline=True),
        title=_("Reply as the shop (public, shown under the review)"),
        preparer=strip,
        missing="",
        validator=colander.Length(max=MAX_REPLY),
        widget=deform.widget.TextAreaWidget(rows=4, attributes={"maxlength": str(MAX_REPLY)}),
    )


class BulkSchema(CSRFSchema):
    """One action on the reviews ticked in the queue (read with :data:`SELECTED`)."""

    action = colander.SchemaNode(
        Text(),
        title=_("Action"),
        validator=colander.OneOf(BULK_ACTIONS),
        widget=deform.widget.SelectWidget(
            values=[(name, REVIEW_WORKFLOW_TITLES[name]) for name in BULK_ACTIONS]
        ),
    )
    reason = _reason_node()
    text = _text_node(_("Explanation for the authors (for a rejection)"))

    def validator(self, node, value):
        _check_reason(node, value)


def _refs(node, value):
    if not value:
        raise colander.Invalid(node, _("Tick the reviews to act on."))
    if len(value) > MAX_SELECTED:
        raise colander.Invalid(
            node,
            _("Choose at most ${count} reviews at once.", mapping={"count": MAX_SELECTED}),
        )


#: The reviews ticked in the queue: ``<product id>/<review key>`` each.
SELECTED = colander.SchemaNode(
    colander.Sequence(accept_scalar=True),
    colander.SchemaNode(Text(), validator=colander.Regex(REVIEW_REF)),
    validator=_refs,
)
