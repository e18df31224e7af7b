"""The statistics page (/{lang}/manage/statistics/): the numbers it shows are exactly the
ones counted, by day, page, browser, device class and duration; its SVG charts draw those
numbers and nothing else; the CSV file has the same numbers; only editors and
administrators see any of it (acceptance 7 of issue 7)."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import transaction

from shopcms.statistics import get_recorder
from shopcms.statistics.report import add_counts, open_statistics
from shopcms.statistics.retention import roll_up
from shopcms.web.clock import now, site_timezone
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site

SVG = "{http://www.w3.org/2000/svg}"
ROLES = ("anonymous", "customer", "editor", "moderator", "orders", "admin")


def site_today(site):
    return now(site.registry).astimezone(site_timezone(site.registry)).date()


def plant(site, counts):
    """Add ``{(day, dimension, value): n}`` to the statistics, as a flush would."""
    with open_statistics(site.registry) as statistics:
        for (day, dimension, value), n in counts.items():
            add_counts(statistics, day, dimension, value, n)


def statistics_url(start=None, end=None, name="", lang="nl"):
    query = "&".join(
        f"{key}={value.isoformat()}" for key, value in (("from", start), ("to", end)) if value
    )
    return f"/{lang}/manage/statistics/{name}" + (f"?{query}" if query else "")


def per_day(page):
    """``{ISO day: (visits, page views)}`` of the page's per-day table."""
    return {
        row["data-day"]: (
            row.select_one("td.visits").get_text(strip=True),
            row.select_one("td.pageviews").get_text(strip=True),
        )
        for row in page.html.select("table#days tbody tr")
    }


def table(page, name):
    """``{value: (title shown, count shown)}`` of one of the page's ranked tables."""
    return {
        row["data-value"]: (
            row.select_one("th").get_text(strip=True),
            row.select_one("td.count").get_text(strip=True),
        )
        for row in page.html.select(f"table#{name}-table tbody tr")
    }


def counts_of(page, name):
    return {value: count for value, (_title, count) in table(page, name).items()}


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.text)))


def parse_svg(body):
    # The application's own answer, in a test: no untrusted XML here.
    return ET.fromstring(body)  # noqa: S314


def svg_of(app, page, chart):
    """The chart ``chart`` of ``page`` (its ``<img>``), fetched and parsed as XML."""
    img = page.html.select_one(f"img.chart[src*='/{chart}.svg']")
    response = app.get(img["src"])
    assert response.content_type == "image/svg+xml"
    return response, parse_svg(response.body)


def elements(svg, tag, css_class):
    return [e for e in svg.iter(SVG + tag) if css_class in (e.get("class") or "").split()]


#: Statistics on, whatever the tests' default settings say.
ENABLED = {"shopcms.statistics.enabled": "true"}


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path, **ENABLED)
    yield site
    transaction.abort()
    site.close()


@pytest.fixture
def app(site):
    return Browser(site.wsgi)


@pytest.fixture
def admin(app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    return app


@pytest.fixture
def planted(site):
    """Three days of known counts, and counts the day before and after that must not show."""
    first = site_today(site) - timedelta(days=10)
    days = [first + timedelta(days=i) for i in range(3)]
    counts = {}
    for day, visits, views in zip(days, (4, 0, 1234), (9, 0, 2500), strict=True):
        if visits:
            counts[(day, "visits", "")] = visits
            counts[(day, "pageviews", "")] = views
    for outside in (first - timedelta(days=1), days[-1] + timedelta(days=1)):
        counts[(outside, "visits", "")] = 500
        counts[(outside, "pageviews", "")] = 700
        counts[(outside, "browsers", "Opera 99")] = 500
    counts.update(
        {
            (days[0], "pages", "home"): 5,
            (days[2], "pages", "home"): 1000,
            (days[2], "pages", "product:mug-cafe"): 1500,
            (days[0], "pages", "=HYPERLINK(evil)"): 4,
            (days[0], "browsers", "Firefox 128"): 3,
            (days[2], "browsers", "Firefox 128"): 1000,
            (days[2], "browsers", "Chrome 130"): 234,
            (days[0], "browsers", "other"): 1,
            (days[0], "devices", "desktop"): 3,
            (days[2], "devices", "desktop"): 1200,
            (days[0], "devices", "mobile"): 1,
            (days[2], "devices", "tablet"): 30,
            (days[2], "devices", "bot"): 4,
            (days[2], "connections", "HTTP/1.1 TLS via proxy"): 1234,
            (days[0], "connections", "HTTP/2 no TLS direct"): 4,
            (days[2], "referrers", "www.google.be"): 12,
            (days[0], "referrers", "-2+3"): 1,
            (days[0], "durations", "0–10 s"): 2,
            (days[2], "durations", "1–3 min"): 3,
            (days[0], "durations", "10 min+"): 1,
            (days[0], "duration_seconds", "5"): 2,
            (days[2], "duration_seconds", "90"): 3,
            (days[0], "duration_seconds", "700"): 1,
        }
    )
    plant(site, counts)
    return days


# -- exactly the numbers counted ----------------------------------------------------------


def test_the_page_shows_exactly_the_counted_numbers_by_day_page_browser_and_device(admin, planted):
    page = admin.get(statistics_url(planted[0], planted[-1]))
    assert page.headers["Cache-Control"] == "no-store"

    assert per_day(page) == {
        planted[0].isoformat(): ("4", "9"),
        planted[1].isoformat(): ("0", "0"),  # a day without visits is a row of zeros
        planted[2].isoformat(): ("1.234", "2.500"),  # Dutch digit grouping
    }
    assert page.html.select_one("#total-visits").get_text(strip=True) == "1.238"
    assert page.html.select_one("#total-pageviews").get_text(strip=True) == "2.509"
    assert table(page, "pages") == {
        "product:mug-cafe": ("Product: mug-cafe", "1.500"),
        "home": ("Startpagina", "1.005"),
        "=HYPERLINK(evil)": ("=HYPERLINK(evil)", "4"),
    }
    assert table(page, "browsers") == {
        "Firefox 128": ("Firefox 128", "1.003"),
        "Chrome 130": ("Chrome 130", "234"),
        "other": ("Andere", "1"),
    }
    assert table(page, "devices") == {
        "desktop": ("Computer", "1.203"),
        "tablet": ("Tablet", "30"),
        "bot": ("Robot", "4"),
        "mobile": ("Mobiele telefoon", "1"),
    }
    assert table(page, "connections") == {
        "HTTP/1.1 TLS via proxy": ("HTTP/1.1, met TLS, via de proxy", "1.234"),
        "HTTP/2 no TLS direct": ("HTTP/2, zonder TLS, rechtstreeks", "4"),
    }
    assert counts_of(page, "referrers") == {"www.google.be": "12", "-2+3": "1"}
    # Most first, in the order of the table.
    rows = page.html.select("table#devices-table tbody tr")
    assert [row["data-value"] for row in rows] == ["desktop", "tablet", "bot", "mobile"]

    durations = {
        row["data-value"]: row.select_one("td.count").get_text(strip=True)
        for row in page.html.select("table#duration-table tbody tr")
    }
    assert durations == {
        "0–10 s": "2",
        "10–30 s": "0",
        "30 s–1 min": "0",
        "1–3 min": "3",
        "3–10 min": "0",
        "10 min+": "1",
    }
    # 6 visits in the fine histogram (5 s, 5 s, 90-100 s x3, 700-760 s): the median is the
    # third visit's, interpolated in the 90-100 s bucket: 90 + (3 - 2) / 3 * 10 = 93.3 s.
    assert page.html.select_one("#median-duration").get_text(strip=True) == "1 min 33 s"


def test_each_chart_is_an_svg_document_drawing_the_same_numbers(admin, planted):
    page = admin.get(statistics_url(planted[0], planted[-1]))
    charts = [img["src"] for img in page.html.select("img.chart")]
    assert len(charts) == 4
    assert all(img.get("alt") for img in page.html.select("img.chart"))

    response, svg = svg_of(admin, page, "visits")
    assert response.headers["Cache-Control"] == "no-store"
    # Its own policy: the inline CSS of the chart, nothing else (no script, no request).
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script" not in policy
    # Two lines (visits, page views), a dot per day on each.
    dots = elements(svg, "circle", "dot")
    assert len(dots) == 6
    # The day without visits has both its dots on the zero line, the lowest of all.
    heights = [float(dot.get("cy")) for dot in dots]
    assert heights.count(max(heights)) == 2
    legends = [text.text for text in svg.iter(SVG + "text") if text.text]
    assert "Bezoeken" in legends and "Paginaweergaven" in legends

    _response, durations = svg_of(admin, page, "durations")
    assert len(elements(durations, "rect", "rect")) == 6  # one bar per bucket

    _response, devices = svg_of(admin, page, "devices")
    bars = elements(devices, "rect", "rect")
    assert len(bars) == 4
    # The longest bar is the desktop's: bar lengths follow the counts.
    widths = sorted(float(bar.get("width")) for bar in bars)
    assert widths[-1] / widths[-2] == pytest.approx(1203 / 30, rel=0.01)
    labels = {text.text for text in devices.iter(SVG + "text")}
    assert {"Computer", "Tablet", "Robot", "Mobiele telefoon"} <= labels

    _response, browsers = svg_of(admin, page, "browsers")
    assert len(elements(browsers, "rect", "rect")) == 3

    for src in charts:
        body = admin.get(src).body
        root = parse_svg(body)
        assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "script"]
        # Nothing from elsewhere: no link, no CDN, no font to fetch.
        for element in root.iter():
            for name, value in element.attrib.items():
                assert "http" not in value and not value.startswith("//"), (name, value)
        assert b"@import" not in body and b"url(" not in body


def test_the_csv_file_has_the_numbers_of_the_page(admin, planted):
    page = admin.get(statistics_url(planted[0], planted[-1]))
    response = admin.get(page.html.select_one("#statistics-csv")["href"])
    assert response.content_type == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    start, end = planted[0].isoformat(), planted[-1].isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="statistics-{start}-{end}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == ["dimension", "value", "count"]
    by_dimension = {}
    for dimension, value, count in rows[1:]:
        by_dimension.setdefault(dimension, {})[value] = count

    shown = per_day(page)
    assert by_dimension["visits"] == {
        day: visits.replace(".", "") for day, (visits, _views) in shown.items()
    }
    assert by_dimension["pageviews"] == {
        day: views.replace(".", "") for day, (_visits, views) in shown.items()
    }
    for dimension, name in (
        ("page", "pages"),
        ("browser", "browsers"),
        ("device", "devices"),
        ("connection", "connections"),
        ("referrer", "referrers"),
    ):
        on_page = {value: count.replace(".", "") for value, count in counts_of(page, name).items()}
        # A value a spreadsheet would run as a formula starts with an apostrophe.
        in_file = {
            value.removeprefix("'"): count for value, count in by_dimension[dimension].items()
        }
        assert in_file == on_page, dimension
    assert "'=HYPERLINK(evil)" in by_dimension["page"]
    assert "'-2+3" in by_dimension["referrer"]
    assert by_dimension["duration"] == {
        "0–10 s": "2",
        "10–30 s": "0",
        "30 s–1 min": "0",
        "1–3 min": "3",
        "3–10 min": "0",
        "10 min+": "1",
    }
    assert by_dimension["median_duration"] == {"seconds": "93"}


def test_real_visits_are_counted_and_shown(tmp_path):
    """End to end: visitors browse, the process flushes, the page shows those visits."""
    site = make_site(
        tmp_path,
        **{
            **ENABLED,
            "shopcms.statistics.count_undecided": "true",
            "shopcms.statistics.flush_interval": "3600",
        },
    )
    try:
        visitors = {
            # (address, User-Agent): pages
            (
                "192.0.2.10",
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            ): ["/nl/", "/nl/products/", "/nl/privacy"],
            (
                "198.51.100.7",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                "Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
            ): ["/fr/", "/fr/privacy"],
        }
        for (address, agent), paths in visitors.items():
            visitor = Browser(
                site.wsgi, extra_environ={"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent}
            )
            for path in paths:
                visitor.get(path)
        get_recorder(site.registry).flush(everything=True)

        # The administrator's own pages are not counted: Sec-GPC refuses statistics.
        admin = Browser(site.wsgi, extra_environ={"HTTP_SEC_GPC": "1"})
        login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
        today = site_today(site)
        page = admin.get(statistics_url(today, today, lang="en"))
        assert per_day(page) == {today.isoformat(): ("2", "5")}
        assert counts_of(page, "pages") == {"home": "2", "privacy": "2", "products": "1"}
        assert counts_of(page, "browsers") == {"Firefox 128": "1", "Chrome 130": "1"}
        assert table(page, "devices") == {
            "desktop": ("Computer", "1"),
            "mobile": ("Mobile phone", "1"),
        }
        # The visits have ended (flushed with everything): each has a duration.
        durations = page.html.select("table#duration-table td.count")
        assert sum(int(td.get_text(strip=True)) for td in durations) == 2
        rows = csv_rows(admin.get(page.html.select_one("#statistics-csv")["href"]))
        assert ["visits", today.isoformat(), "2"] in rows
        assert ["pageviews", today.isoformat(), "5"] in rows
        assert ["device", "mobile", "1"] in rows
    finally:
        transaction.abort()
        site.close()


def test_months_kept_as_totals_are_shown_as_months(site, admin):
    today = site_today(site)
    old = date(today.year - 3, today.month, 1)
    plant(
        site,
        {
            (old + timedelta(days=1), "visits", ""): 7,
            (old + timedelta(days=1), "pageviews", ""): 11,
            (old + timedelta(days=2), "visits", ""): 2,
            (old + timedelta(days=2), "pageviews", ""): 3,
            (old + timedelta(days=2), "browsers", "Safari 17"): 9,
        },
    )
    with open_statistics(site.registry) as statistics:
        assert roll_up(statistics, today)
    page = admin.get(statistics_url(old + timedelta(days=20), old + timedelta(days=40)))
    month = page.html.select_one("table#months tbody tr")
    assert month["data-month"] == old.isoformat()[:7]
    assert [td.get_text(strip=True) for td in month.select("td")] == ["9", "14"]
    # The days of that month have no rows of their own (their numbers are in the month).
    assert all(not day.startswith(old.isoformat()[:7]) for day in per_day(page))
    assert counts_of(page, "browsers") == {"Safari 17": "9"}
    rows = csv_rows(admin.get(page.html.select_one("#statistics-csv")["href"]))
    assert ["month_visits", old.isoformat()[:7], "9"] in rows
    assert ["month_pageviews", old.isoformat()[:7], "14"] in rows


# -- the range ----------------------------------------------------------------------------


def test_the_default_range_is_the_last_30_days(site, admin):
    today = site_today(site)
    plant(site, {(today, "visits", ""): 3, (today, "pageviews", ""): 8})
    page = admin.get("/nl/manage/statistics/")
    days = per_day(page)
    assert len(days) == 30
    assert min(days) == (today - timedelta(days=29)).isoformat()
    assert days[today.isoformat()] == ("3", "8")
    assert page.forms["statistics-range"]["from"].value == min(days)
    assert page.forms["statistics-range"]["to"].value == today.isoformat()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=31-12-2025", "Geef een datum zoals 2026-01-31."),
        ("from=2026-03-05&to=2026-03-01", "De begindatum ligt na de einddatum."),
        ("from=2020-01-01&to=2026-01-01", "Kies een periode van hoogstens drie jaar"),
        ("from=1970-01-01&to=1970-01-02", "Kies een datum tussen 2000-01-01 en 2999-12-31."),
    ],
)
def test_a_bad_range_is_refused_in_the_visitors_language(admin, query, message):
    page = admin.get(f"/nl/manage/statistics/?{query}", status=400)
    summary = page.html.select_one("#statistics-range .error-summary[role=alert]")
    assert message in summary.get_text()
    # The summary links to the date to correct, which says what is wrong with it.
    link = summary.select_one("a[href='#statistics-range-from']")
    assert link is not None and message in link.get_text()
    field = page.html.select_one("#statistics-range-from")
    assert field["aria-invalid"] == "true"
    assert message in page.html.select_one(f"#{field['aria-describedby']}").get_text()
    assert not page.html.select("img.chart")
    assert not page.html.select("#statistics-csv")
    for name in ("visits.svg", "statistics.csv"):
        refused = admin.get(f"/nl/manage/statistics/{name}?{query}", status=400)
        assert message in refused.text


def test_the_range_form_is_a_get_form_that_keeps_what_was_typed(site, admin):
    today = site_today(site)
    page = admin.get("/fr/manage/statistics/")
    form = page.forms["statistics-range"]
    assert form.method.upper() == "GET"
    assert form.action == "/fr/manage/statistics/"
    for name in ("from", "to"):
        field = page.html.select_one(f"#statistics-range-{name}")
        assert field["type"] == "date" and field["name"] == name
        assert page.html.select_one(f"label[for=statistics-range-{name}]").get_text(strip=True)
    assert not page.html.select("#statistics-range input[name=csrf_token]")

    week_ago = today - timedelta(days=6)
    form["from"] = week_ago.isoformat()
    shown = form.submit()
    assert len(per_day(shown)) == 7
    assert shown.forms["statistics-range"]["from"].value == week_ago.isoformat()
    assert shown.forms["statistics-range"]["to"].value == today.isoformat()
    # The file and the charts follow the range, in the page's language.
    query = f"from={week_ago.isoformat()}&to={today.isoformat()}"
    assert shown.html.select_one("#statistics-csv")["href"] == (
        f"/fr/manage/statistics/statistics.csv?{query}"
    )
    assert {img["src"] for img in shown.html.select("img.chart")} == {
        f"/fr/manage/statistics/{chart}.svg?{query}"
        for chart in ("visits", "durations", "devices", "browsers")
    }

    refused = admin.get("/fr/manage/statistics/?from=31-12-2025&to=2026-01-05", status=400)
    form = refused.forms["statistics-range"]
    assert (form["from"].value, form["to"].value) == ("31-12-2025", "2026-01-05")


def test_unknown_parts_of_the_page_are_not_found(admin):
    admin.get("/nl/manage/statistics/other.svg", status=404)
    admin.get("/nl/manage/statistics/visits.svg/more", status=404)
    admin.get("/nl/manage/statistics/statistics.json", status=404)


# -- who may see it -----------------------------------------------------------------------


@pytest.fixture
def clients(site):
    clients = {"anonymous": Browser(site.wsgi)}
    for role in ROLES[1:]:
        site.add_account(f"{role}-user@example.be", roles=(role,))
        clients[role] = Browser(site.wsgi)
        login(clients[role], f"{role}-user@example.be", PASSWORD)
    return clients


def test_only_editors_and_administrators_see_the_statistics(clients):
    expected = {
        "anonymous": 403,
        "customer": 403,
        "editor": 200,
        "moderator": 403,
        "orders": 403,
        "admin": 200,
    }
    for path in (
        "/nl/manage/statistics/",
        "/nl/manage/statistics/visits.svg",
        "/nl/manage/statistics/statistics.csv",
    ):
        seen = {role: clients[role].get(path, status="*").status_int for role in ROLES}
        assert seen == expected, path
    # An anonymous visitor gets the login form, and comes back here afterwards.
    login_form = clients["anonymous"].get("/nl/manage/statistics/", status=403)
    assert login_form.forms["login"]
    # The dashboard links to the page for those who may see it, and only for them.
    for role in ("editor", "admin", "moderator", "orders"):
        dashboard = clients[role].get("/nl/manage/")
        link = dashboard.html.select_one("a[href='/nl/manage/statistics/']")
        assert (link is not None) == (expected[role] == 200), role


def test_a_site_without_statistics_says_so(tmp_path):
    site = make_site(tmp_path, **{"shopcms.statistics.enabled": "false"})
    try:
        admin = Browser(site.wsgi)
        login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
        page = admin.get("/en/manage/statistics/")
        assert page.html.select_one("#statistics-off")
        assert set(per_day(page).values()) == {("0", "0")}
        admin.get(page.html.select_one("img.chart")["src"])
    finally:
        transaction.abort()
        site.close()
