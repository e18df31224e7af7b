"""Charts drawn on the server as standalone SVG (pygal): the connection statistics' and
the contests' response.

Each chart is a complete SVG document, served as ``image/svg+xml`` and shown with
``<img src=...>``: a browser runs no script of an SVG shown as an image, and the page's own
Content-Security-Policy (``style-src 'self'``, no inline style) stays as strict as it is.

What pygal would add that the site does not want is taken out here, so that every caller
gets a chart that fetches nothing and runs nothing:

- the tooltip script from pygal's CDN (``js=()``) and pygal's inline configuration script
  (an XML filter removes every ``script`` element);
- the generator comments with pygal's web addresses (removed with the scripts).

The chart's CSS stays inside the SVG (``<style>``): the response of a chart carries its
own policy, :data:`SVG_CSP`, which allows that inline style and nothing else.

The functions take already translated text (titles, legends, labels) and plain numbers,
and return the SVG as bytes (UTF-8 with an XML declaration).  Values are counts: the value
axis has whole-number ticks only.  :func:`svg_response` is the answer of a view that serves
one.
"""

import math

import pygal
from pygal.style import Style
from pyramid.response import Response

#: The Content-Security-Policy of a chart response: its inline CSS, nothing else at all.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

WIDTH = 800
#: Colours of the site's style sheet (green first), then a few that stay readable on white.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2521",
    foreground_strong="#1d2521",
    foreground_subtle="#5b665f",
    guide_stroke_color="#d9d4c7",
    major_guide_stroke_color="#d9d4c7",
    colors=("#2f6b4f", "#b5651d", "#3b5b92", "#8a3b6b", "#6b7f2f", "#5b665f"),
    font_family="system-ui, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    no_data_font_size=24,
    opacity=".9",
    opacity_hover=".9",
    stroke_width="2",
    transition="0ms",
)


def integer_ticks(maximum, count=5):
    """Whole-number ticks from 0 that cover ``maximum``: steps of 1, 2 or 5 times a power
    of ten, about ``count`` of them (a count of visits has no fraction)."""
    maximum = max(int(math.ceil(maximum or 0)), 1)
    raw = maximum / count
    power = 10 ** max(int(math.floor(math.log10(raw))) if raw >= 1 else 0, 0)
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, maximum + step, step))[: count + 3]


def _strip_scripts_and_comments(root):
    """pygal's XML filter: drop ``script`` elements and comments, wherever they are."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag
            if not isinstance(tag, str) or tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _title_filter(text):
    """pygal's XML filter: the document's ``<title>`` says what the chart shows (pygal
    writes "Pygal" when the chart has no visible title)."""

    def apply(root):
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "title":
                element.text = text
                break
        return root

    return apply


def _render(chart, title):
    chart.add_xml_filter(_strip_scripts_and_comments)
    chart.add_xml_filter(_title_filter(title))
    return chart.render()


def _config(title, no_data, formatter, **more):
    return {
        "style": STYLE,
        "js": (),
        "width": WIDTH,
        "title": None,
        "no_data_text": no_data,
        "value_formatter": formatter,
        "truncate_label": 40,
        "truncate_legend": 40,
        "margin": 16,
        "explicit_size": True,
        **more,
    }


def line_chart(title, labels, series, *, no_data, formatter=str, height=340):
    """One line per ``(name, values)`` of ``series`` over ``labels`` (the x axis, e.g. days),
    with a dot per value while there are at most 93 of them, and at most about 12 labels
    shown on the x axis."""
    points = len(labels)
    top = max((max(values, default=0) for _name, values in series), default=0)
    chart = pygal.Line(
        **_config(
            title,
            no_data,
            formatter,
            height=height,
            show_dots=points <= 93,
            dots_size=3,
            x_label_rotation=0 if points <= 12 else 30,
            show_minor_x_labels=points <= 12,
            x_labels_major_every=max(1, math.ceil(points / 12)),
            legend_at_bottom=True,
            legend_at_bottom_columns=len(series),
            include_x_axis=True,
        )
    )
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, list(values))
    if points:
        chart.config.y_labels = integer_ticks(top)
    return _render(chart, title)


def bar_chart(title, labels, values, *, no_data, formatter=str, horizontal=False, height=None):
    """One bar per label (a single series, no legend): vertical, or horizontal for long
    labels (listed top to bottom in the order given)."""
    labels, values = list(labels), list(values)
    if horizontal:
        # pygal draws the first label of a horizontal chart at the bottom.
        labels, values = labels[::-1], values[::-1]
        height = height or max(160, 60 + 34 * len(labels))
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(
        **_config(
            title,
            no_data,
            formatter,
            height=height or 320,
            show_legend=False,
            print_values=False,
        )
    )
    chart.x_labels = labels
    if values:
        chart.add(title, values)
        # pygal cannot place fixed ticks on a chart without values.
        chart.config.y_labels = integer_ticks(max(values))
    return _render(chart, title)


def svg_response(svg):
    """A chart as its own document: with a policy that allows its inline CSS only."""
    response = Response(svg, content_type="image/svg+xml", charset="utf-8")
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response
