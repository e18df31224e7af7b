"""What a visitor sends about published reviews: the list's filters (GET), a helpful
vote and a report (POST).

The filters are the contract of the reviews' page (``?page=&sort=&rating=&lang=``): every
value is checked, and one the page does not offer is refused (400), never guessed.
"""

import colander
import deform

from shopcms.reviews.queries import SORTS
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalPath, Text
from shopcms.web.i18n import _

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
