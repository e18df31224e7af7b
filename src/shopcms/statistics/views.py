"""The connection statistics (editors and administrators): ``/{lang}/manage/statistics/``.

Everything is read from the anonymous daily aggregates (``shopcms.statistics.report``) for a
range of days in the site's time zone, ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (both included;
by default the last 30 days, today included; at most three years: see
``shopcms.statistics.schemas``).

- ``statistics/``: the range's form (a GET deform form) and the report as
  ``shopcms.statistics.presentation`` shapes it: visits and page views per day (a chart and
  a table with the same numbers), the most viewed pages, browsers, device classes,
  connection types, referring sites, and visit durations (median and distribution); and
  the uses of each discount code with the discount they gave, since the code was made
  (``promotions.api.usage``: counts and amounts, never who).  A
  range that is not valid answers 400 with the form, its error summary linking to the
  field in error, and no report;
- ``statistics/CHART.svg`` (``presentation.CHARTS``): each chart as its own SVG document
  (``shopcms.web.charts``), shown by the page with ``<img>`` so that the page's
  Content-Security-Policy needs no inline style;
- ``statistics/statistics.csv``: the same numbers as a file (``shopcms.statistics.export``).

A chart or the file with a range that is not valid answers 400 with the reason.  All of
them need ``view-statistics`` and are private (``Cache-Control: no-store``).  They only
read: a GET never writes.
"""

import colander
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.promotions import api as promotions
from shopcms.statistics import enabled as statistics_enabled
from shopcms.statistics import problem as statistics_problem
from shopcms.statistics import report as statistics_report
from shopcms.statistics.export import csv_filename, statistics_csv
from shopcms.statistics.presentation import CHARTS, page_values
from shopcms.statistics.schemas import StatisticsRangeSchema
from shopcms.tree.site import Site
from shopcms.web.charts import svg_response
from shopcms.web.clock import site_timezone
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _, pick
from shopcms.web.security import VIEW_STATISTICS

TEMPLATE = "shopcms.statistics:templates/statistics.pt"
#: The view's name, and the file of the CSV export below it.
VIEW_NAME = "statistics"
CSV_NAME = "statistics.csv"
FORM_ID = "statistics-range"


def today(request):
    """Today in the site's time zone."""
    return request.now.astimezone(site_timezone(request.registry)).date()


def load_report(request, start, end):
    """The statistics report of the days ``start`` to ``end`` (dates, both included)."""
    return statistics_report.report(statistics_report.statistics_root(request), start, end)


# -- the range ----------------------------------------------------------------------------


def range_form(request):
    """The page's form of the range: a GET form to the page itself."""
    return make_form(
        request,
        StatisticsRangeSchema,
        [Button("show", _("Show"))],
        formid=FORM_ID,
        action=request.manage_link(None, VIEW_NAME, slash=True),
        method="GET",
        css_class="search",
        today=today(request),
    )


def _first_error(invalid):
    """The first message of a colander error (the form's, else its first field's)."""
    if invalid.msg is not None:
        return invalid.messages()[0]
    for child in invalid.children:
        return _first_error(child)
    return _("Something in the request was not right.")


def chosen_range(request):
    """``((start, end), None)`` from the query string, or ``(None, message)`` (the charts'
    and the CSV file's range: the same rules as the page's form)."""
    schema = StatisticsRangeSchema().bind(today=today(request))
    cstruct = {child.name: request.GET.get(child.name, colander.null) for child in schema}
    try:
        appstruct = schema.deserialize(cstruct)
    except colander.Invalid as invalid:
        return None, _first_error(invalid)
    return (appstruct["from"], appstruct["to"]), None


def range_link(request, name, start, end):
    """The URL of ``statistics/NAME`` for the days ``start`` to ``end``."""
    query = {"from": start.isoformat(), "to": end.isoformat()}
    return request.manage_link(None, VIEW_NAME, name, query=query)


def problem_notice(request):
    """``{"kind": "unavailable"|"failing", "error": ..., "since": ...}`` when the statistics
    cannot count (``shopcms.statistics.problem``), else None: the page says so at its top."""
    found = statistics_problem(request.registry)
    if found is None:
        return None
    kind, detail = found
    if kind == "unavailable":
        return {"kind": kind, "error": detail, "since": None}
    since, error = detail
    since = since.astimezone(site_timezone(request.registry)).strftime("%Y-%m-%d %H:%M")
    return {"kind": kind, "error": error, "since": since}


# -- the views ----------------------------------------------------------------------------


def _file_name(request):
    """The file asked for below the page (a chart or the CSV file), "" for the page; 404
    for anything else."""
    if len(request.subpath) > 1:
        raise HTTPNotFound()
    name = request.subpath[0] if request.subpath else ""
    if name and name != CSV_NAME and _chart(name) is None:
        raise HTTPNotFound()
    return name


def _chart(name):
    return CHARTS.get(name.removesuffix(".svg")) if name.endswith(".svg") else None


@view_config(
    context=Site,
    name=VIEW_NAME,
    route_name="manage",
    request_method="GET",
    permission=VIEW_STATISTICS,
    renderer=TEMPLATE,
)
def statistics(context, request):
    """The page (``statistics/``), a chart (``statistics/NAME.svg``) or the CSV file."""
    name = _file_name(request)
    if name:
        return statistics_file(request, name)
    form = range_form(request)
    appstruct, failed = validate(request, form)
    if failed is not None:
        return {"form": failed, "valid": False, "problem": problem_notice(request)}
    start, end = appstruct["from"], appstruct["to"]
    report = load_report(request, start, end)
    return {
        **page_values(request, start, end, report),
        "form": form.render(appstruct),
        "valid": True,
        "problem": problem_notice(request),
        "enabled": statistics_enabled(request.registry.settings),
        "charts": {chart: range_link(request, f"{chart}.svg", start, end) for chart in CHARTS},
        "csv_url": range_link(request, CSV_NAME, start, end),
        "promotions": promotion_rows(request),
    }


def promotion_rows(request):
    """The uses of each discount code and the discount they gave (``promotions.api.
    usage``: since the code was made, not within the range; never who used it)."""
    return [
        {"usage": usage, "name": pick(usage.names, request)[1] or ""}
        for usage in promotions.usage(request.root)
    ]


def statistics_file(request, name):
    """A chart (``NAME.svg``) or the CSV file of the range asked for, or the refusal."""
    chosen, error = chosen_range(request)
    if error is not None:
        return refusal(request, error)
    start, end = chosen
    report = load_report(request, start, end)
    if name == CSV_NAME:
        return csv_response(start, end, report)
    return svg_response(_chart(name)(request, start, end, report))


def csv_response(start, end, report):
    """The CSV file of the range, as a download."""
    response = Response(statistics_csv(start, end, report), content_type="text/csv")
    response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="{csv_filename(start, end)}"'
    return response
