"""Colander types and nodes that forms of several capabilities share."""

import colander
import deform

from shopcms.web.i18n import _


class Day(colander.Date):
    """An ISO date (what ``<input type="date">`` sends), with a message that shows one."""

    err_template = _("Enter a date like 2026-01-31.")


def strip(value):
    """A text as typed, without the spaces around it (a preparer)."""
    return value.strip() if isinstance(value, str) else value


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
