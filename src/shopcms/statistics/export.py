"""The statistics as a CSV file: the numbers of the statistics page, for spreadsheets and
scripts (``statistics/statistics.csv?from=&to=``).

:func:`statistics_csv` owns the file's format (its columns, dimensions and their order);
:func:`csv_filename` its name.  Nothing in the file is translated, and nothing a
spreadsheet would run as a formula is left as it is.
"""

import csv
import io

from shopcms.privacy.disclosures import csv_safe
from shopcms.statistics.report import day_rows, duration_counts, ranked

#: The header row.
CSV_COLUMNS = ("dimension", "value", "count")
#: The ranked dimensions: (the name in the file, the report's attribute).
RANKED_DIMENSIONS = (
    ("page", "pages"),
    ("browser", "browsers"),
    ("device", "devices"),
    ("connection", "connections"),
    ("referrer", "referrers"),
)


def statistics_csv(start, end, report):
    """The numbers of the page as CSV text: a header row ``dimension,value,count`` and
    one row per (dimension, value), in this order:

    - ``visits`` and ``pageviews``: one row per day of the range (ISO date), zeros included,
      except the days of months kept as monthly totals only (after 25 months): those are
      ``month_visits`` and ``month_pageviews`` rows, value ``YYYY-MM``, the whole month;
    - ``page`` (page views), ``browser``, ``device``, ``connection``, ``referrer`` (visits):
      every value the range has, most first;
    - ``duration``: visits per duration bucket, shortest first, every bucket;
    - ``median_duration``: one row, value ``seconds``, the median visit's length (empty
      when there was no visit).

    Dimension names and values are not translated (a file for spreadsheets and scripts);
    values that a spreadsheet would read as a formula get a leading apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    days = day_rows(report, start, end)
    writer.writerows(("visits", day.isoformat(), visits) for day, visits, _views in days)
    writer.writerows(("pageviews", day.isoformat(), views) for day, _visits, views in days)
    writer.writerows(("month_visits", _month(row), row.visits) for row in report.months)
    writer.writerows(("month_pageviews", _month(row), row.pageviews) for row in report.months)
    for dimension, attribute in RANKED_DIMENSIONS:
        for value, n in ranked(getattr(report, attribute)):
            writer.writerow((dimension, csv_safe(value), n))
    for bucket, n in duration_counts(report):
        writer.writerow(("duration", csv_safe(bucket), n))
    median = report.median_duration
    writer.writerow(("median_duration", "seconds", "" if median is None else round(median)))
    return out.getvalue()


def _month(row):
    return row.month.isoformat()[:7]


def csv_filename(start, end):
    """The file's name: ``statistics-START-END.csv`` (ISO dates)."""
    return f"statistics-{start.isoformat()}-{end.isoformat()}.csv"
