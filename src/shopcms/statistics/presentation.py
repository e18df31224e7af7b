"""The statistics report as the statistics page shows it, in the page's language.

:func:`page_values` turns a :class:`~shopcms.statistics.report.Report` into what the
template ``statistics.pt`` shows: the range's titles, the rows per day and per month, the
totals, the ranked tables (:data:`TABLES`, the first :data:`TOP` rows of each), the
duration histogram with the median, every number formatted for the language (Belgian
digit grouping) and every value with its translated title.  :data:`CHARTS` draws the same
numbers as SVG documents (``shopcms.web.charts``), one per name.

What the values mean (page kinds, device classes, connection types, duration buckets) is
the recorder's (``shopcms.statistics.recorder``); a value without a title here is shown as
it was recorded (a browser, a referring site).  Nothing here reads the request's input:
the view chooses the range.
"""

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from shopcms.statistics.report import day_rows, duration_counts, ranked
from shopcms.web.charts import bar_chart, line_chart
from shopcms.web.i18n import _, ngettext

#: How many rows each table of the page shows (the CSV file has them all).
TOP = 20
#: How many bars a ranking chart shows.
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


# -- values and numbers in the page's language ---------------------------------------------


def value_title(request, value, titles=None):
    """The translated title of ``value`` in ``titles`` (or of a "nothing known" value), or
    ``value`` itself."""
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
    return ", ".join([value_title(request, rest), *parts])


def page_title(request, value):
    """A page kind as a title: "Product: mug-cafe" for ``product:mug-cafe``."""
    prefix, colon, name = value.partition(":")
    if colon and prefix in PAGE_PREFIXES and name:
        message = PAGE_PREFIXES[prefix]
        return request.localizer.translate(_(message, mapping={"name": name}))
    return value_title(request, value, PAGE_TITLES)


def _belgian(request):
    return f"{request.locale_name}_BE"


def number(request, n):
    """``n`` with the digit grouping of the page's language in Belgium ("1.234" in Dutch)."""
    return format_decimal(n, locale=_belgian(request))


def percent(request, part, whole):
    """``part`` of ``whole`` as a percentage with one decimal, or "" when ``whole`` is 0."""
    if not whole:
        return ""
    return format_percent(part / whole, format="#,##0.0 %", locale=_belgian(request))


def format_duration(request, seconds):
    """``seconds`` as "1 min 5 s" or "42 s" (translated), or "–" when unknown."""
    if seconds is None:
        return "–"
    minutes, rest = divmod(int(round(seconds)), 60)
    if minutes:
        message = _("${minutes} min ${seconds} s", mapping={"minutes": minutes, "seconds": rest})
    else:
        message = _("${seconds} s", mapping={"seconds": rest})
    return request.localizer.translate(message)


def visit_end(request):
    """The sentence on how long a visit lasts after its last page (the recorder's setting,
    in whole minutes, at least one): "1 minute", "30 minutes" in the page's language."""
    seconds = float(request.registry.settings.get("shopcms.statistics.visit_timeout", 1800))
    minutes = max(1, round(seconds / 60))
    return ngettext(
        "A visit ends ${count} minute after its last page; visits that are still going on "
        "have no duration yet.",
        "A visit ends ${count} minutes after its last page; visits that are still going on "
        "have no duration yet.",
        minutes,
        request,
    )


# -- the page ------------------------------------------------------------------------------

#: The ranked tables of the page: (the report's attribute and the table's id, (heading,
#: title of the first column), title of the count column, titles of the values: a mapping
#: or a function of the request and the value).
TABLES = (
    ("pages", (_("Most viewed pages"), _("Page")), _("Page views"), page_title),
    ("browsers", (_("Browsers"), _("Browser")), _("Visits"), None),
    ("devices", (_("Devices"), _("Device")), _("Visits"), DEVICE_TITLES),
    ("connections", (_("Connections"), _("Connection")), _("Visits"), connection_title),
    ("referrers", (_("Referring sites"), _("Site")), _("Visits"), None),
)


def ranked_table(request, key, titles, counts, column, value_titles=None):
    """One ranked table of the page (a row of :data:`TABLES` and the report's ``counts``):
    its id, headings, the number of values, and its first :data:`TOP` rows with each
    value's title, count and share of the whole."""

    def title_of(value):
        if callable(value_titles):
            return value_titles(request, value)
        return value_title(request, value, value_titles)

    pairs = ranked(counts)
    whole = sum(n for _value, n in pairs)
    return {
        "id": key,
        "title": titles[0],
        "label": titles[1],
        "column": column,
        "total": len(pairs),
        "rows": [
            {
                "value": value,
                "title": title_of(value),
                "count": number(request, n),
                "share": percent(request, n, whole),
            }
            for value, n in pairs[:TOP]
        ],
    }


def page_values(request, start, end, report):
    """What the statistics page shows of ``report``, the days ``start`` to ``end``: the
    template's values (see the module), every number and title ready to show."""
    locale = request.locale_name
    durations = duration_counts(report)
    ended = sum(n for _bucket, n in durations)
    return {
        "start": start,
        "end": end,
        "start_title": format_date(start, format="long", locale=locale),
        "end_title": format_date(end, format="long", locale=locale),
        "days": [
            {
                "day": day,
                "title": format_date(day, format="full", locale=locale),
                "visits": number(request, visits),
                "pageviews": number(request, views),
            }
            for day, visits, views in day_rows(report, start, end)
        ],
        "months": [
            {
                "month": row.month,
                "title": format_skeleton("yMMMM", row.month, locale=locale),
                "visits": number(request, row.visits),
                "pageviews": number(request, row.pageviews),
            }
            for row in report.months
        ],
        "visits": number(request, report.visits),
        "pageviews": number(request, report.pageviews),
        "tables": [
            ranked_table(request, key, titles, getattr(report, key), column, value_titles)
            for key, titles, column, value_titles in TABLES
        ],
        "durations": [
            {
                "bucket": bucket,
                "title": value_title(request, bucket, DURATION_TITLES),
                "count": number(request, n),
                "share": percent(request, n, ended),
            }
            for bucket, n in durations
        ],
        "median": format_duration(request, report.median_duration),
        "visit_end": visit_end(request),
    }


# -- the charts ----------------------------------------------------------------------------


def _chart_text(request):
    return {
        "no_data": request.localizer.translate(_("No visits in this period")),
        "formatter": lambda n: number(request, n),
    }


def _day_label(request, day, start, end):
    """A day on the chart's axis: without the year when the range is within one year."""
    skeleton = "MMMd" if start.year == end.year else "yMMMd"
    return format_skeleton(skeleton, day, locale=request.locale_name)


def visits_chart(request, start, end, report):
    """Visits and page views per day: two lines over the days of :func:`day_rows`."""
    days = day_rows(report, start, end)
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
    """Visits per duration bucket, shortest first; "no visits" when none has ended."""
    durations = duration_counts(report)
    if not any(n for _bucket, n in durations):
        durations = []
    return bar_chart(
        request.localizer.translate(_("Visits by duration")),
        [value_title(request, bucket, DURATION_TITLES) for bucket, _n in durations],
        [n for _bucket, n in durations],
        **_chart_text(request),
    )


def _ranking_chart(title, attribute, titles=None):
    """A chart of the :data:`TOP_CHART` most frequent values of the report's ``attribute``:
    horizontal bars, most first."""

    def draw(request, start, end, report):
        pairs = ranked(getattr(report, attribute))[:TOP_CHART]
        return bar_chart(
            request.localizer.translate(title),
            [value_title(request, value, titles) for value, _n in pairs],
            [n for _value, n in pairs],
            horizontal=True,
            **_chart_text(request),
        )

    return draw


#: The charts by name (``statistics/NAME.svg``): functions of (request, start, end,
#: report) that return the SVG document (bytes).  A ranked table whose id is a name here
#: shows that chart.
CHARTS = {
    "visits": visits_chart,
    "durations": durations_chart,
    "devices": _ranking_chart(_("Visits by device"), "devices", DEVICE_TITLES),
    "browsers": _ranking_chart(_("Visits by browser"), "browsers"),
}
