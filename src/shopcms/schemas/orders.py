"""Forms of the order desk: the list's filter (GET) and a workflow transition (POST)."""

import colander

from ..forms import CSRFSchema
from ..i18n import _
from ..resources.orders import ORDER_WORKFLOW

STATE_NAMES = tuple(state.name for state in ORDER_WORKFLOW.states)
TRANSITION_NAMES = tuple(dict.fromkeys(t.name for t in ORDER_WORKFLOW.transitions))
MAX_PAGE = 10_000
MAX_COMMENT = 1000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Day(colander.Date):
    """An ISO date (what ``<input type="date">`` sends)."""

    err_template = _("Enter a date like 2026-01-31.")


def _date(name):
    return colander.SchemaNode(
        Day(),
        name=name,
        preparer=_strip,
        missing=None,
    )


class OrderFilterSchema(colander.Schema):
    """``state`` (empty: all), ``from`` and ``to`` (dates, both included, in the site's time
    zone) and ``page``.  Empty values mean "no filter"."""

    state = colander.SchemaNode(
        colander.String(),
        missing="",
        validator=colander.OneOf(("", *STATE_NAMES)),
    )
    start = _date("from")  # "from" is a Python keyword
    end = _date("to")
    page = colander.SchemaNode(
        colander.Int(), missing=1, validator=colander.Range(min=1, max=MAX_PAGE)
    )

    def validator(self, node, value):
        if value["from"] and value["to"] and value["from"] > value["to"]:
            raise colander.Invalid(node, _("The start date is after the end date."))


class TransitionSchema(CSRFSchema):
    """One workflow transition of an order, with an optional comment for its history."""

    transition = colander.SchemaNode(colander.String(), validator=colander.OneOf(TRANSITION_NAMES))
    comment = colander.SchemaNode(
        colander.String(),
        preparer=_strip,
        missing="",
        validator=colander.Length(max=MAX_COMMENT),
    )
