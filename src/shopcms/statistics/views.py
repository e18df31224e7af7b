"""The connection statistics (editors and administrators): ``/{lang}/manage/statistics/``.

Everything is read from the anonymous daily aggregates (``shopcms.statistics.report``) for a
range of days in the site's time zone, ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (both included;
by default the last 30 days, today included; at most three years).  A range that is not
valid answers 400 with the form and the reason.

- ``statistics/``: visits and page views per day (a chart and a table with the same
  numbers), the most viewed pages, browsers, device classes, connection types, referring
  sites, and visit durations (median and distribution);
- ``statistics/CHART.svg`` (:data:`CHARTS`): each chart as its own SVG document
  (``shopcms.statistics.charts``), shown by the page with ``<img>`` so that the page's
  Content-Security-Policy needs no inline style;
- ``statistics/statistics.csv``: the same numbers as a file, see :func:`statistics_csv`.

All of them need ``view-statistics`` and are private (``Cache-Control: no-store``).  They
only read: a GET never writes.
"""

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

import colander
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.privacy.disclosures import csv_safe
from shopcms.statistics import enabled as statistics_enabled
from shopcms.statistics import report as statistics_report
from shopcms.statistics.charts import SVG_CSP, bar_chart, line_chart
from shopcms.statistics.schemas import StatisticsRangeSchema
from shopcms.tree.site import Site
from shopcms.web.clock import site_timezone
from shopcms.web.errors import refusal
from shopcms.web.i18n import _
from shopcms.web.security import VIEW_STATISTICS

TEMPLATE = "shopcms.statistics:templates/statistics.pt"
CSV_NAME = "statistics.csv"
#: How many rows each table of the page shows (the CSV has them all).
TOP = 20
#: How many bars the browser chart shows.
TOP_CHART = 10

DURATION_TITLES = {
    "0–10 s": _("0–10 s"),
    "10–30 s": _("10–30 s"),
    "30 s–1 min": _("30 s–1 min"),
    "1–3 min": _("1–3 min"),
    "3–10 min": _("3–10 min"),
    "10 min+": _("10 min or longer"),
}
DEVICE_TITLES = {
    "desktop": _("Computer"),
    "mobile": _("Mobile phone"),
    "tablet": _("Tablet"),
    "bot": _("Robot"),
}
#: Parts of a connection type (``"HTTP/2 TLS via proxy"``, see the recorder).
CONNECTION_PARTS = (
    ("no TLS", _("without TLS")),
    ("TLS", _("with TLS")),
    ("via proxy", _("through the proxy")),
    ("direct", _("direct")),
)
#: Page kinds (see the recorder) shown with a title; other kinds are shown as they are.
PAGE_TITLES = {"home": _("Home page"), "manage": _("Management"), "account": _("Account")}
PAGE_PREFIXES = {
    "product": _("Product: ${name}"),
    "category": _("Category: ${name}"),
    "page": _("Page: ${name}"),
    "policy": _("Policy: ${name}"),
}
#: Titles of values that mean "nothing known" in any dimension.
COMMON_TITLES = {
    "": _("None"),
    "other": _("Other"),
    "unknown": _("Unknown"),
}


# -- reading the aggregates ---------------------------------------------------------------


def load_report(request, start, end):
    """The statistics report of the days ``start`` to ``end`` (dates, both included)."""
    return statistics_report.report(statistics_report.statistics_root(request), start, end)


def _rolled_up(report):
    """The first days of the months the report has as monthly totals only."""
    return {row.month for row in report.months}


def _days(report, start, end):
    """``(day, visits, pageviews)`` for every day of the range that is kept per day, in
    order: a day the report does not list had no visit, unless its month is kept as a
    monthly total only (then it is left out: its visits are in the month's row)."""
    known = {row.day: row for row in report.days}
    months = _rolled_up(report)
    out = []
    day = start
    while day <= end:
        row = known.get(day)
        if row is not None or day.replace(day=1) not in months:
            out.append((day, row.visits if row else 0, row.pageviews if row else 0))
        day += timedelta(days=1)
    return out


def _ranked(counts):
    """``(value, count)`` pairs, most first, then by value (a stable order for ties)."""
    return sorted(((str(k), int(n)) for k, n in counts.items() if n), key=lambda p: (-p[1], p[0]))


def _durations(report):
    """``(bucket, visits)`` in the order of the report's ``DURATION_BUCKETS`` (every bucket,
    zero included), then any other bucket the report has."""
    counts = dict(report.durations)
    known = [label for label, _end in statistics_report.DURATION_BUCKETS]
    buckets = list(known) + sorted(set(counts) - set(known))
    return [(bucket, int(counts.get(bucket, 0))) for bucket in buckets]


# -- the range ----------------------------------------------------------------------------


def _first_error(invalid):
    if invalid.msg is not None:
        return invalid.messages()[0]
    for child in invalid.children:
        return _first_error(child)
    return _("Something in the request was not right.")


def today(request):
    return request.now.astimezone(site_timezone(request.registry)).date()


def chosen_range(request):
    """``((start, end), None)`` from the query string, or ``(None, message)``."""
    schema = StatisticsRangeSchema().bind(today=today(request))
    cstruct = {child.name: request.GET.get(child.name, colander.null) for child in schema}
    try:
        appstruct = schema.deserialize(cstruct)
    except colander.Invalid as invalid:
        return None, _first_error(invalid)
    return (appstruct["from"], appstruct["to"]), None


def _base(request):
    return f"/{request.locale_name}/manage/statistics/"


def _url(request, name, start, end):
    query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    return f"{_base(request)}{name}?{query}"


# -- labels and numbers in the page's language ---------------------------------------------


def _title(request, value, titles=None):
    title = (titles or {}).get(value) or COMMON_TITLES.get(value)
    return request.localizer.translate(title) if title is not None else value


def connection_title(request, value):
    """``"HTTP/2 TLS via proxy"`` as "HTTP/2, with TLS, through the proxy" (translated)."""
    rest, parts = value, []
    for _n in range(2):
        for suffix, title in CONNECTION_PARTS:
            if rest.endswith(" " + suffix):
                rest = rest[: -len(suffix) - 1]
                parts.insert(0, request.localizer.translate(title))
                break
    return ", ".join([_title(request, rest), *parts])


def page_title(request, value):
    """A page kind as a title: "Product: mug-cafe" for ``product:mug-cafe``."""
    prefix, colon, name = value.partition(":")
    if colon and prefix in PAGE_PREFIXES and name:
        message = PAGE_PREFIXES[prefix]
        return request.localizer.translate(_(message, mapping={"name": name}))
    return _title(request, value, PAGE_TITLES)


def _number(request, n):
    return format_decimal(n, locale=f"{request.locale_name}_BE")


def _percent(request, part, whole):
    if not whole:
        return ""
    return format_percent(part / whole, format="#,##0.0 %", locale=f"{request.locale_name}_BE")


def format_duration(request, seconds):
    """``seconds`` as "1 min 5 s" or "42 s" (translated), or "–" when unknown."""
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    minutes, rest = divmod(seconds, 60)
    if minutes:
        message = _("${minutes} min ${seconds} s", mapping={"minutes": minutes, "seconds": rest})
    else:
        message = _("${seconds} s", mapping={"seconds": rest})
    return request.localizer.translate(message)


def _visit_minutes(request):
    """How long a visit lasts after its last page (the recorder's setting), in minutes."""
    seconds = float(request.registry.settings.get("shopcms.statistics.visit_timeout", 1800))
    return _number(request, round(seconds / 60))


def _day_label(request, day, start, end):
    skeleton = "MMMd" if start.year == end.year else "yMMMd"
    return format_skeleton(skeleton, day, locale=request.locale_name)


#: The ranked tables of the page: (the report's attribute and the table's id, (heading,
#: title of the first column), title of the count column, titles of the values).
TABLES = (
    ("pages", (_("Most viewed pages"), _("Page")), _("Page views"), page_title),
    ("browsers", (_("Browsers"), _("Browser")), _("Visits"), None),
    ("devices", (_("Devices"), _("Device")), _("Visits"), DEVICE_TITLES),
    ("connections", (_("Connections"), _("Connection")), _("Visits"), connection_title),
    ("referrers", (_("Referring sites"), _("Site")), _("Visits"), None),
)


def _table(request, key, titles, counts, column, value_titles=None):
    """One ranked table of the page: ``titles`` is (its heading, its first column);
    ``value_titles`` maps a value to its (translated) title, or is a function of the
    request and the value."""

    def title_of(value):
        if callable(value_titles):
            return value_titles(request, value)
        return _title(request, value, value_titles)

    ranked = _ranked(counts)
    whole = sum(n for _value, n in ranked)
    return {
        "id": key,
        "title": titles[0],
        "label": titles[1],
        "column": column,
        "total": len(ranked),
        "rows": [
            {
                "value": value,
                "title": title_of(value),
                "count": _number(request, n),
                "share": _percent(request, n, whole),
            }
            for value, n in ranked[:TOP]
        ],
    }


# -- the page -----------------------------------------------------------------------------


def page_values(request, start, end, report):
    days = _days(report, start, end)
    durations = _durations(report)
    ended = sum(n for _bucket, n in durations)
    return {
        "enabled": statistics_enabled(request.registry.settings),
        "start": start,
        "end": end,
        "start_title": format_date(start, format="long", locale=request.locale_name),
        "end_title": format_date(end, format="long", locale=request.locale_name),
        "form": {"from": start.isoformat(), "to": end.isoformat()},
        "error": None,
        "days": [
            {
                "day": day,
                "title": format_date(day, format="full", locale=request.locale_name),
                "visits": _number(request, visits),
                "pageviews": _number(request, views),
            }
            for day, visits, views in days
        ],
        "months": [
            {
                "month": row.month,
                "title": format_skeleton("yMMMM", row.month, locale=request.locale_name),
                "visits": _number(request, row.visits),
                "pageviews": _number(request, row.pageviews),
            }
            for row in report.months
        ],
        "visits": _number(request, report.visits),
        "pageviews": _number(request, report.pageviews),
        "tables": [
            _table(request, key, titles, getattr(report, key), column, value_titles)
            for key, titles, column, value_titles in TABLES
        ],
        "durations": [
            {
                "bucket": bucket,
                "title": _title(request, bucket, DURATION_TITLES),
                "count": _number(request, n),
                "share": _percent(request, n, ended),
            }
            for bucket, n in durations
        ],
        "median": format_duration(request, report.median_duration),
        "visit_minutes": _visit_minutes(request),
        "charts": {name: _url(request, f"{name}.svg", start, end) for name in CHARTS},
        "csv_url": _url(request, CSV_NAME, start, end),
        "base_url": _base(request),
    }


@view_config(
    context=Site,
    name="statistics",
    route_name="manage",
    request_method="GET",
    permission=VIEW_STATISTICS,
    renderer=TEMPLATE,
)
def statistics(context, request):
    """The page (``statistics/``), a chart (``statistics/NAME.svg``) or the CSV file."""
    if len(request.subpath) > 1:
        raise HTTPNotFound()
    name = request.subpath[0] if request.subpath else ""
    chart = CHARTS.get(name.removesuffix(".svg")) if name.endswith(".svg") else None
    if name and name != CSV_NAME and chart is None:
        raise HTTPNotFound()
    chosen, error = chosen_range(request)
    if error is not None:
        if name:
            return refusal(request, error)
        request.response.status = 400
        fallback = today(request)
        return {
            "error": error,
            "form": {key: request.GET.get(key, "")[:20] for key in ("from", "to")},
            "start": fallback,
            "end": fallback,
            "base_url": _base(request),
        }
    start, end = chosen
    report = load_report(request, start, end)
    if name == CSV_NAME:
        return csv_response(request, start, end, report)
    if chart is not None:
        return svg_response(chart(request, start, end, report))
    return page_values(request, start, end, report)


# -- the charts ---------------------------------------------------------------------------


def svg_response(svg):
    """A chart as its own document: with a policy that allows its inline CSS only."""
    response = Response(svg, content_type="image/svg+xml", charset="utf-8")
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response


def _chart_text(request):
    return {
        "no_data": request.localizer.translate(_("No visits in this period")),
        "formatter": lambda n: _number(request, n),
    }


def visits_chart(request, start, end, report):
    days = _days(report, start, end)
    translate = request.localizer.translate
    return line_chart(
        translate(_("Visits and page views per day")),
        [_day_label(request, day, start, end) for day, _v, _p in days],
        [
            (translate(_("Visits")), [visits for _d, visits, _p in days]),
            (translate(_("Page views")), [views for _d, _v, views in days]),
        ],
        **_chart_text(request),
    )


def durations_chart(request, start, end, report):
    durations = _durations(report)
    if not any(n for _bucket, n in durations):
        durations = []
    return bar_chart(
        request.localizer.translate(_("Visits by duration")),
        [_title(request, bucket, DURATION_TITLES) for bucket, _n in durations],
        [n for _bucket, n in durations],
        **_chart_text(request),
    )


def _ranking_chart(title, titles=None, attribute=None):
    def draw(request, start, end, report):
        ranked = _ranked(getattr(report, attribute))[:TOP_CHART]
        return bar_chart(
            request.localizer.translate(title),
            [_title(request, value, titles) for value, _n in ranked],
            [n for _value, n in ranked],
            horizontal=True,
            **_chart_text(request),
        )

    return draw


#: The charts by name (``statistics/NAME.svg``).
CHARTS = {
    "visits": visits_chart,
    "durations": durations_chart,
    "devices": _ranking_chart(_("Visits by device"), DEVICE_TITLES, "devices"),
    "browsers": _ranking_chart(_("Visits by browser"), None, "browsers"),
}


# -- the CSV file -------------------------------------------------------------------------

CSV_COLUMNS = ("dimension", "value", "count")


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
    days = _days(report, start, end)
    for day, visits, _views in days:
        writer.writerow(("visits", day.isoformat(), visits))
    for day, _visits, views in days:
        writer.writerow(("pageviews", day.isoformat(), views))
    for row in report.months:
        writer.writerow(("month_visits", row.month.isoformat()[:7], row.visits))
    for row in report.months:
        writer.writerow(("month_pageviews", row.month.isoformat()[:7], row.pageviews))
    for dimension, counts in (
        ("page", report.pages),
        ("browser", report.browsers),
        ("device", report.devices),
        ("connection", report.connections),
        ("referrer", report.referrers),
    ):
        for value, n in _ranked(counts):
            writer.writerow((dimension, csv_safe(value), n))
    for bucket, n in _durations(report):
        writer.writerow(("duration", csv_safe(bucket), n))
    median = report.median_duration
    writer.writerow(("median_duration", "seconds", "" if median is None else round(median)))
    return out.getvalue()


def csv_response(request, start, end, report):
    response = Response(statistics_csv(start, end, report), content_type="text/csv")
    response.charset = "utf-8"
    response.content_disposition = (
        f'attachment; filename="statistics-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    return response
