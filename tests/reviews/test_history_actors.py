"""A review's history on the desk names the visitors' reports by a title and counts them
as a plural of the reader's language, never ``system:reports`` or a stored "3 reports"."""

from datetime import UTC, datetime

from shopcms.reviews.moderation import report
from shopcms.reviews.workflow import REPORTS_TO_PENDING
from tests.reviews import desk_fixtures
from tests.reviews.desk_fixtures import desk_url
from tests.reviews.factory import plant, product

clients = desk_fixtures.clients


def history(page):
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.html.select("table.history tbody tr")
    ]


def test_reports_that_send_a_review_back_are_named_and_counted(site, clients):
    with site.edit() as root:
        review = plant(root, site.registry, product(root).pid, state="published")
        for _ in range(REPORTS_TO_PENDING):
            report(review, "rude", datetime.now(UTC))
        url = desk_url(review)
    app = clients["moderator"]
    latest = history(app.get(url.replace("/nl/", "/en/")))[0]
    assert latest[1] == "Visitors' reports"
    assert latest[4] == f"{REPORTS_TO_PENDING} reports"
    # In Dutch a title too (its words once the catalogs have them), never the id.
    assert history(app.get(url))[0][1] != "system:reports"
