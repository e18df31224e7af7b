"""The response per campaign on the desk (editors and administrators, ``EDIT``):

- ``/{lang}/manage/contests/NAME/response``: per campaign tag the page views, entries
  started and confirmed, their totals and the conversion (confirmed per view), then the
  same per tag and day, and a chart of the days;
- ``NAME/response.svg``: that chart, a standalone SVG (``web.charts``: no script, its own
  Content-Security-Policy), shown by the page with ``<img>``;
- ``NAME/response.csv``: the counts per tag and day as a file.

The numbers are the stored counts plus this process's page views not yet flushed
(``contests.response.rows``).  They say how many, never who.  All of them only read: a GET
never writes; all are private (``Cache-Control: no-store``, the house's default).
"""

import re

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.contests import response, response_report
from shopcms.contests.resources import Contest
from shopcms.web.charts import line_chart, svg_response
from shopcms.web.i18n import _
from shopcms.web.security import EDIT

TEMPLATE = "shopcms.contests:templates/manage/response.pt"
MANAGE = {"context": Contest, "route_name": "manage", "permission": EDIT, "request_method": "GET"}


def title_of(contest, lang):
    """The contest's title in ``lang``, else in the first language that has one."""
    text = contest.texts.get(lang)
    if text is not None and text.title:
        return text.title
    return next((t.title for t in contest.texts.values() if t.title), contest.__name__)


def _belgian(request):
    return f"{request.locale_name}_BE"


def number(request, n):
    return format_decimal(n, locale=_belgian(request))


def percent(request, share):
    return "" if share is None else format_percent(share, "#,##0.0 %", locale=_belgian(request))


def tag_title(request, tag):
    """A tag as the desk shows it: the untagged link gets words of its own."""
    return tag or request.localizer.translate(_("(no tag)"))


def _total_row(request, total):
    return {
        "tag": total.tag,
        "title": tag_title(request, total.tag) if total.tag is not None else "",
        "views": number(request, total.views),
        "started": number(request, total.started),
        "confirmed": number(request, total.confirmed),
        "conversion": percent(request, total.conversion),
    }


@view_config(name="response", renderer=TEMPLATE, **MANAGE)
def response_page(context, request):
    """The page (see the module)."""
    rows = response.rows(request.registry, context)
    per_tag, everything = response_report.totals(rows)
    return {
        "contest": context,
        "title": title_of(context, request.locale_name),
        "tags": [_total_row(request, total) for total in per_tag],
        "total": _total_row(request, everything),
        "days": [
            {
                **_total_row(request, response_report.Total(row.tag, *_numbers(row))),
                "day": row.day.isoformat(),
                "day_title": format_date(row.day, "medium", locale=request.locale_name),
            }
            for row in rows
        ],
        "chart_url": request.manage_link(context, "response.svg"),
        "csv_url": request.manage_link(context, "response.csv"),
    }


def _numbers(row):
    return row.views, row.started, row.confirmed


@view_config(name="response.svg", **MANAGE)
def response_chart(context, request):
    """Views, started and confirmed entries per day, all tags together."""
    days = response_report.days(response.rows(request.registry, context))
    translate = request.localizer.translate
    same_year = not days or days[0][0].year == days[-1][0].year
    skeleton = "MMMd" if same_year else "yMMMd"
    svg = line_chart(
        translate(_("Response per day: page views, entries started and confirmed")),
        [format_skeleton(skeleton, day, locale=request.locale_name) for day, *_n in days],
        [
            (translate(_("Page views")), [row[1] for row in days]),
            (translate(_("Entries started")), [row[2] for row in days]),
            (translate(_("Entries confirmed")), [row[3] for row in days]),
        ],
        no_data=translate(_("Nothing counted yet.")),
        formatter=lambda n: number(request, n),
    )
    return svg_response(svg)


@view_config(name="response.csv", **MANAGE)
def response_csv(context, request):
    """The counts per tag and day as a download."""
    rows = response.rows(request.registry, context)
    answer = Response(response_report.response_csv(rows), content_type="text/csv")
    answer.charset = "utf-8"
    name = re.sub(r"[^a-z0-9-]+", "-", context.__name__.lower()).strip("-") or "contest"
    answer.content_disposition = f'attachment; filename="{name}-response.csv"'
    return answer
