"""What the desk's response page shows of a contest's counts (``response.rows``): totals per
campaign tag, the days in order, the CSV file.  Plain numbers and dates; the view
translates and formats them.

Conversion is confirmed entries per page view: how many of those who saw the contest
through a campaign entered for good.  It is None (shown empty) when there was no view.
"""

import csv
import datetime
import io
from dataclasses import dataclass

#: The CSV file's header row (not translated: a file for spreadsheets and scripts).
CSV_COLUMNS = ("tag", "day", "views", "started", "confirmed")


@dataclass(frozen=True)
class Total:
    """The counts of one tag over all days (``tag`` None for all tags together)."""

    tag: str | None
    views: int
    started: int
    confirmed: int

    @property
    def conversion(self):
        """Confirmed entries per view (0 to 1, or above when views went uncounted), or None."""
        return self.confirmed / self.views if self.views else None


def _total(tag, rows):
    return Total(
        tag,
        sum(row.views for row in rows),
        sum(row.started for row in rows),
        sum(row.confirmed for row in rows),
    )


def totals(rows):
    """``([Total per tag, by tag], Total of all tags)``."""
    tags = sorted({row.tag for row in rows})
    per_tag = [_total(tag, [row for row in rows if row.tag == tag]) for tag in tags]
    return per_tag, _total(None, rows)


def days(rows):
    """``[(day, views, started, confirmed)]`` of all tags together, from the first day
    counted to the last, every day in between included (zeros where nothing happened)."""
    if not rows:
        return []
    summed = {}
    for row in rows:
        found = summed.setdefault(row.day, [0, 0, 0])
        found[0] += row.views
        found[1] += row.started
        found[2] += row.confirmed
    first, last = min(summed), max(summed)
    span = (last - first).days + 1
    every = [first + datetime.timedelta(days=n) for n in range(span)]
    return [(day, *summed.get(day, (0, 0, 0))) for day in every]


def response_csv(rows):
    """The counts as CSV text: :data:`CSV_COLUMNS`, one row per tag and day (the tag empty
    for the untagged link, the day ISO).  Tags are ``entries.TAG``-shaped (letters,
    digits, ``-`` and ``_``, never first), so no cell reads as a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow((row.tag, row.day.isoformat(), row.views, row.started, row.confirmed))
    return out.getvalue()
