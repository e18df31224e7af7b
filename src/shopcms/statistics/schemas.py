"""The date range of the statistics pages: the page's GET form ``?from=&to=`` (a deform
form, ``<input type="date">`` fields) and the range of its charts and CSV file.

:class:`StatisticsRangeSchema` owns the rules of a range: the default (the last
:data:`DEFAULT_DAYS` days), the plausible dates and the longest range; its errors name the
field they are about, so that the form's error summary links to it.
"""

from datetime import date, timedelta

import colander

from shopcms.web.forms.types import day_node
from shopcms.web.i18n import _

#: The range shown when none is asked for: the last 30 days, today included.
DEFAULT_DAYS = 30
#: The longest range one page (or CSV file) covers: three years, a leap day included.
MAX_DAYS = 3 * 365 + 1


#: Dates outside these are typing errors (and would overflow date arithmetic).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)


def _plausible(node, value):
    if not FIRST_DAY <= value <= LAST_DAY:
        bounds = {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
        raise colander.Invalid(node, _("Choose a date between ${min} and ${max}.", mapping=bounds))


class StatisticsRangeSchema(colander.Schema):
    """``from`` and ``to``: days in the site's time zone, both included.

    Bind ``today`` (a date).  A missing ``to`` is today; a missing ``from`` is
    :data:`DEFAULT_DAYS` days before ``to`` (today included).  The start may not be after
    the end and the range may not be longer than :data:`MAX_DAYS` days: those errors are
    the start date's (``error["from"]``), the date to change.
    """

    start = day_node("from", _("From"), _plausible)  # "from" is a Python keyword
    end = day_node("to", _("To"), _plausible)

    def preparer(self, value):
        if value is colander.null or not isinstance(value, dict):
            return value
        end = value.get("to") or self.bindings["today"]
        start = value.get("from") or end - timedelta(days=DEFAULT_DAYS - 1)
        return {"from": start, "to": end}

    def validator(self, node, value):
        if value["from"] > value["to"]:
            message = _("The start date is after the end date.")
        elif (value["to"] - value["from"]).days + 1 > MAX_DAYS:
            message = _(
                "Choose a range of at most three years (${days} days).",
                mapping={"days": MAX_DAYS},
            )
        else:
            return
        error = colander.Invalid(node)
        error["from"] = message
        raise error
