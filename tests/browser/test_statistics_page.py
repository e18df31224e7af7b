"""An editor opens the statistics from the dashboard in a real browser: the SVG charts load
and are drawn in the site's colours under the site's Content-Security-Policy, with no
error in the console."""

from datetime import timedelta

from shopcms.statistics.report import add_counts, open_statistics
from shopcms.web.clock import now, site_timezone
from tests.browser.test_smoke import expect, login_through_the_header, url_path
from tests.conftest import PASSWORD

# How many pixels of a chart are the site's green (#2f6b4f, drawn at 90 % opacity): none
# if the chart's own CSS did not apply (pygal's bars and lines would be black).
GREEN_PIXELS = """img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let green = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (Math.abs(r - 68) < 25 && Math.abs(g - 122) < 25 && Math.abs(b - 97) < 25) green++;
  }
  return green;
}"""


def site_today(registry):
    return now(registry).astimezone(site_timezone(registry)).date()


def plant(site):
    registry = site.registry
    today = site_today(registry)
    with open_statistics(registry) as statistics:
        for back in range(14):
            day = today - timedelta(days=back)
            add_counts(statistics, day, "visits", "", 20 + (back * 7) % 13)
            add_counts(statistics, day, "pageviews", "", 60 + (back * 11) % 29)
        for dimension, counts in {
            "pages": {"home": 300, "product:mug-cafe": 120, "category:mokken": 80},
            "browsers": {"Firefox 128": 140, "Chrome 130": 190, "Safari 17": 60},
            "devices": {"desktop": 210, "mobile": 150, "tablet": 20, "bot": 10},
            "connections": {"HTTP/2 TLS via proxy": 380, "HTTP/1.1 TLS via proxy": 10},
            "referrers": {"www.google.be": 90, "duckduckgo.com": 12},
            "durations": {"0–10 s": 120, "10–30 s": 80, "1–3 min": 100, "10 min+": 15},
            "duration_seconds": {"4": 120, "20": 80, "120": 100, "900": 15},
        }.items():
            for value, n in counts.items():
                add_counts(statistics, today, dimension, value, n)


def test_an_editor_sees_the_statistics_with_their_charts(
    live_site, new_context, browser_log, screenshot
):
    plant(live_site)
    live_site.add_account("cijfers@example.be", PASSWORD, roles=("editor",))
    editor = new_context(extra_http_headers={"Sec-GPC": "1"}).new_page()
    login_through_the_header(editor, "cijfers@example.be", PASSWORD)
    editor.wait_for_url(url_path("/nl/manage/"))

    editor.get_by_role("link", name="De statistieken bekijken").click()
    editor.wait_for_url(url_path("/nl/manage/statistics/"))
    expect(editor.locator("h1")).to_have_text("Statistieken")
    expect(editor.locator("table#days tbody tr")).to_have_count(30)
    expect(editor.locator("table#devices-table tbody tr").first).to_contain_text("Computer")

    charts = editor.locator("img.chart")
    expect(charts).to_have_count(4)
    for index in range(4):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        loaded = "img => img.complete && img.naturalWidth > 0"
        editor.wait_for_function(loaded, arg=chart.element_handle())
        assert chart.evaluate(GREEN_PIXELS) > 200, chart.get_attribute("src")
    screenshot(editor, "statistics-nl")

    # A shorter range through the form.
    week_ago = site_today(live_site.registry) - timedelta(days=6)
    editor.locator("#statistics-range-from").fill(week_ago.isoformat())
    editor.locator("#statistics-range button[type=submit]").click()
    expect(editor.locator("table#days tbody tr")).to_have_count(7)
    screenshot(editor, "statistics-7-days-nl")
    browser_log.assert_clean()
