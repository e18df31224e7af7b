"""Reading the statistics: the API of the statistics page (``/{lang}/manage/statistics/``).

- ``statistics_root(request)``: the statistics of the statistics database, through the
  request's ZODB connection (pyramid_zodbconn's ``get_connection(request, "statistics")``;
  read only, so a GET commits nothing); None when the statistics are turned off.
- ``open_statistics(registry)``: the same for a script or a test, as a context manager with a
  connection and transaction of its own, committed at the end of the block.
- ``report(statistics_root, start, end) -> Report``: the days ``start`` to ``end``
  (:class:`datetime.date`, both included); ``statistics_root`` may be None (no data).
- ``add_counts(statistics_root, day, dimension, value, n)``: add ``n`` to a counter (tests,
  inside ``open_statistics``).  ``dimension`` is one of ``visits`` and ``pageviews`` (value
  ``""``), ``pages``, ``browsers``, ``devices``, ``connections``, ``referrers``,
  ``durations`` (a label of :data:`DURATION_BUCKETS`) or ``duration_seconds`` (the first
  second of a fine bucket, as a string: ``"42"``; it feeds the median).

:class:`Report`:

- ``days``: a :class:`DayStats` (``day``, ``visits``, ``pageviews``) for each day of the
  range that has data, in order (a day without visits is absent);
- ``months``: a :class:`MonthStats` (``month``: its first day, ``visits``, ``pageviews``)
  for each month of the range whose days were rolled up (kept per month after 25 months):
  such a month counts whole as soon as one of its days is in the range;
- ``visits``, ``pageviews``: the totals of ``days`` and ``months``;
- ``pages`` (page views per page kind), ``browsers``, ``devices``, ``connections``,
  ``referrers`` (visits per value), ``durations`` (visits per label of
  :data:`DURATION_BUCKETS`): dicts ``value -> count`` over the whole range, zeros left out;
- ``median_duration``: the median length of a visit in seconds (a float, interpolated in
  the fine histogram; None without any ended visit).

A visit's duration is counted when it ends (30 minutes after its last page, at midnight or
when the process stops): until then ``sum(durations.values())`` is below ``visits``.

The series that the page, its charts and the CSV file all show, in the same order, are
read from a :class:`Report` here too: :func:`day_rows` (every day of the range that is kept
per day, zeros included), :func:`ranked` (values most first) and :func:`duration_counts`
(every duration bucket, shortest first).
Values are stored as the recorder made them (``shopcms.statistics.recorder``): device
classes ``desktop mobile tablet bot``; ``other`` and ``unknown`` where nothing more is known.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from pyramid_zodbconn import get_connection

from shopcms.statistics.store import (
    DATABASE,
    Statistics,
    get_statistics_database,
    statistics_transaction,
)
from shopcms.statistics.store import get_statistics as _get_statistics
from shopcms.statistics.visits import (
    BROWSERS,
    CONNECTIONS,
    DEVICES,
    DURATION_BUCKETS,
    DURATION_SECONDS,
    DURATIONS,
    PAGES,
    PAGEVIEWS,
    REFERRERS,
    VISITS,
    histogram_width,
)

__all__ = [
    "DURATION_BUCKETS",
    "DayStats",
    "MonthStats",
    "Report",
    "add_counts",
    "day_rows",
    "duration_counts",
    "open_statistics",
    "ranked",
    "report",
    "statistics_root",
]

DURATION_LABELS = tuple(label for label, _end in DURATION_BUCKETS)


@dataclass(frozen=True)
class DayStats:
    day: date
    visits: int
    pageviews: int


@dataclass(frozen=True)
class MonthStats:
    month: date  # the first day of the month
    visits: int
    pageviews: int


@dataclass
class Report:
    days: list = field(default_factory=list)
    months: list = field(default_factory=list)
    visits: int = 0
    pageviews: int = 0
    pages: dict = field(default_factory=dict)
    browsers: dict = field(default_factory=dict)
    devices: dict = field(default_factory=dict)
    connections: dict = field(default_factory=dict)
    referrers: dict = field(default_factory=dict)
    durations: dict = field(default_factory=dict)
    median_duration: float | None = None


def statistics_root(request):
    """The statistics through the request's connection, or None (turned off, or none yet)."""
    if get_statistics_database(request.registry) is None:
        return None
    return _get_statistics(get_connection(request, DATABASE).root())


def open_statistics(registry):
    """Context manager: the statistics in a transaction of their own, committed at the end."""
    return statistics_transaction(registry)


def add_counts(statistics_root, day, dimension, value, n):
    """Add ``n`` to ``value`` of ``dimension`` on ``day`` (a date or an ISO date string)."""
    key = day.isoformat() if isinstance(day, date) else str(day)
    statistics_root.add(key, dimension, value, n)


_TOTALS = {
    PAGES: "pages",
    BROWSERS: "browsers",
    DEVICES: "devices",
    CONNECTIONS: "connections",
    REFERRERS: "referrers",
    DURATIONS: "durations",
}


def report(statistics_root, start, end):
    """The :class:`Report` of the days ``start`` to ``end`` (both included)."""
    out = Report()
    statistics = statistics_root
    if statistics is None or end < start:
        return out
    if not isinstance(statistics, Statistics):  # the database's root mapping
        statistics = _get_statistics(statistics)
        if statistics is None:
            return out
    histogram = {}
    periods = []
    for key, period in statistics.days.items(min=start.isoformat(), max=end.isoformat()):
        row = DayStats(date.fromisoformat(key), period.total(VISITS), period.total(PAGEVIEWS))
        out.days.append(row)
        periods.append(period)
    first_month, last_month = start.isoformat()[:7], end.isoformat()[:7]
    for key, period in statistics.months.items(min=first_month, max=last_month):
        row = MonthStats(
            date.fromisoformat(f"{key}-01"), period.total(VISITS), period.total(PAGEVIEWS)
        )
        out.months.append(row)
        periods.append(period)
    for period in periods:
        for dimension, attribute in _TOTALS.items():
            totals = getattr(out, attribute)
            for value, n in period.counts(dimension).items():
                if n:
                    totals[value] = totals.get(value, 0) + n
        for value, n in period.counts(DURATION_SECONDS).items():
            try:
                seconds = int(value)
            except ValueError:
                continue
            histogram[seconds] = histogram.get(seconds, 0) + n
    out.visits = sum(row.visits for row in out.days) + sum(row.visits for row in out.months)
    out.pageviews = sum(row.pageviews for row in out.days + out.months)
    out.median_duration = median(histogram)
    return out


def median(histogram):
    """The median of ``{first second of a bucket: visits}``, interpolated within the bucket
    (visits spread evenly over it); None when empty."""
    total = sum(n for n in histogram.values() if n > 0)
    if not total:
        return None
    middle = total / 2
    seen = 0
    for start in sorted(histogram):
        n = histogram[start]
        if n <= 0:
            continue
        if seen + n >= middle:
            return start + (middle - seen) / n * histogram_width(start)
        seen += n
    raise AssertionError("unreachable")


# -- the series shown ---------------------------------------------------------------------


def day_rows(report, start, end):
    """``(day, visits, pageviews)`` for every day from ``start`` to ``end`` that is kept per
    day, in order.

    A day the report does not list had no visit (a row of zeros), unless its month is kept
    as a monthly total only: then the day is left out, its visits are in the month's row.
    """
    known = {row.day: row for row in report.days}
    rolled_up = {row.month for row in report.months}
    out = []
    day = start
    while day <= end:
        row = known.get(day)
        if row is not None or day.replace(day=1) not in rolled_up:
            out.append((day, row.visits if row else 0, row.pageviews if row else 0))
        day += timedelta(days=1)
    return out


def ranked(counts):
    """``(value, count)`` pairs of ``counts`` without the zeros, most first, then by value
    (a stable order for ties); values as strings."""
    pairs = ((str(value), int(n)) for value, n in counts.items() if n)
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def duration_counts(report):
    """``(bucket, visits)`` for every label of :data:`DURATION_BUCKETS` in order (zeros
    included), then any other label the report has (sorted)."""
    counts = dict(report.durations)
    labels = list(DURATION_LABELS) + sorted(set(counts) - set(DURATION_LABELS))
    return [(label, int(counts.get(label, 0))) for label in labels]
