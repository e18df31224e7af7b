"""The OSS report: per quarter, EU country (not Belgium) and rate, the taxable base and VAT
of the distance sales to consumers, credit notes subtracted; in the desk as a table and a
CSV file, for the order desk and administrators only."""

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pyramid.config import Configurator

from shopcms.invoicing.document import Party
from shopcms.invoicing.oss import Quarter, oss_csv, oss_rows, recent_quarters, report
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.invoicing.ubl_samples import credit_note, invoice

D = Decimal
Q4 = Quarter(2026, 4)

GERMAN_CONSUMER = Party(
    name="Lena Schmidt", street="Hauptstraße 1", postcode="10115", city="Berlin", country="DE"
)
SWISS_CONSUMER = Party(
    name="Urs Meier", street="Bahnhofstrasse 1", postcode="8001", city="Zürich", country="CH"
)


def quarter_documents():
    """The fourth quarter of 2026 and its neighbours: what the report must pick from."""
    fr = invoice("fr-oss", issued=date(2026, 11, 3))
    return [
        # In the quarter: two French sales (20 % and 5.5 %), one German, a partial credit
        # note of a French sale, and sales that are not OSS sales.
        fr,
        replace(invoice("fr-oss", number="2026-000120"), issued=date(2026, 12, 31)),
        replace(
            invoice("fr-oss", number="2026-000121"), buyer=GERMAN_CONSUMER, issued=date(2026, 10, 1)
        ),
        credit_note("fr-oss", partial=True, issued=date(2026, 12, 1)),
        invoice("be-consumer", issued=date(2026, 11, 4)),
        invoice("be-business", issued=date(2026, 11, 5)),
        invoice("nl-reverse-charge", issued=date(2026, 11, 6)),
        replace(
            invoice("fr-oss", number="2026-000122"), buyer=SWISS_CONSUMER, issued=date(2026, 11, 7)
        ),
        # Outside the quarter.
        replace(invoice("fr-oss", number="2026-000099"), issued=date(2026, 9, 30)),
        replace(invoice("fr-oss", number="2027-000001"), issued=date(2027, 1, 1)),
    ]


def test_quarters_are_parsed_and_bounded():
    assert Quarter.parse("2026-Q4") == Q4 == Quarter.parse(" 2026q4 ")
    assert Quarter.parse("2026-Q5") is None and Quarter.parse("Q4") is None
    assert (Q4.start, Q4.end) == (date(2026, 10, 1), date(2027, 1, 1))
    assert Quarter.of(date(2027, 3, 31)) == Quarter(2027, 1)
    assert str(Quarter(2027, 1).previous()) == "2026-Q4"
    assert recent_quarters(date(2026, 12, 6), 3) == [Q4, Quarter(2026, 3), Quarter(2026, 2)]
    assert recent_quarters(date(2021, 8, 1))[-1] == Quarter(2021, 3)  # the OSS began then


def test_the_quarters_oss_sales_per_country_and_rate_with_credit_notes_subtracted():
    rows = oss_rows(quarter_documents(), Q4)
    # One French sale: 20 % 26.62 base 5.33 VAT, 5.5 % 21.01 base 1.16 VAT.  Two French
    # sales less a credit note of one teapot (24.00 at 20 %: 20.00 base, 4.00 VAT).
    assert [(r.country, r.rate, r.taxable, r.vat) for r in rows] == [
        ("DE", D(20), D("26.62"), D("5.33")),
        ("DE", D("5.5"), D("21.01"), D("1.16")),
        ("FR", D(20), D("33.24"), D("6.66")),
        ("FR", D("5.5"), D("42.02"), D("2.32")),
    ]


def test_the_report_asks_for_the_quarters_dates():
    asked = []

    def documents_between(site, start, end):
        asked.append((site, start, end))
        return quarter_documents()

    rows = report(documents_between, "the site", Q4)
    assert asked == [("the site", date(2026, 10, 1), date(2027, 1, 1))]
    assert len(rows) == 4


def test_the_csv_has_a_header_and_a_row_per_country_and_rate():
    text = oss_csv(Q4, oss_rows(quarter_documents(), Q4))
    assert list(csv.reader(io.StringIO(text))) == [
        ["quarter", "country", "rate", "taxable_base", "vat"],
        ["2026-Q4", "DE", "20", "26.62", "5.33"],
        ["2026-Q4", "DE", "5.5", "21.01", "1.16"],
        ["2026-Q4", "FR", "20", "33.24", "6.66"],
        ["2026-Q4", "FR", "5.5", "42.02", "2.32"],
    ]


def test_a_quarter_without_oss_sales_has_no_rows():
    assert oss_rows(quarter_documents(), Quarter(2026, 2)) == []
    assert oss_csv(Quarter(2026, 2), []) == "quarter,country,rate,taxable_base,vat\r\n"


# The desk's page and file, on the real application.

ORDER_DESK_EMAIL = "desk@example.be"
EDITOR_EMAIL = "editor@example.be"


@pytest.fixture
def desk(site, app, monkeypatch):
    """The application with the report's views and a fixed clock (15 January 2027), the
    documents taken from :func:`quarter_documents`."""
    registry = site.registry
    if not hasattr(registry, "shopcms_oss_documents"):
        # Until the invoicing's includeme includes the report (the lead's one line).
        config = Configurator(registry=registry)
        config.include("shopcms.invoicing.views.oss")
        config.commit()
    asked = []

    def documents_between(site, start, end):
        asked.append((start, end))
        return quarter_documents()

    monkeypatch.setattr(registry, "shopcms_oss_documents", documents_between, raising=False)
    monkeypatch.setattr(registry, "shopcms_clock", lambda: datetime(2027, 1, 15, 9, tzinfo=UTC))
    site.add_account(ORDER_DESK_EMAIL, roles=("orders",))
    site.add_account(EDITOR_EMAIL, roles=("editor",))
    return asked


def test_the_order_desk_sees_the_last_finished_quarter_as_a_table_and_a_file(app, desk):
    login(app, ORDER_DESK_EMAIL, PASSWORD)
    page = app.get("/en/manage/oss")
    assert desk == [(date(2026, 10, 1), date(2027, 1, 1))]
    table = page.html.select_one("#oss-table")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Country",
        "VAT rate",
        "Taxable base",
        "VAT",
    ]
    assert all(th.get("scope") == "col" for th in table.select("thead th"))
    rows = [
        [cell.get_text(strip=True) for cell in tr.select("th, td")]
        for tr in table.select("tbody tr")
    ]
    # Amounts and rates as the site writes them in English (en_BE): 33,24 €, 5,5 %.
    assert rows[2] == ["France", "20 %", "33,24\xa0€", "6,66\xa0€"]
    assert rows[3][1] == "5,5 %"
    total = [cell.get_text(strip=True) for cell in table.select("tfoot th, tfoot td")]
    assert total[1:] == ["122,89\xa0€", "15,47\xa0€"]
    assert page.html.select_one("#oss-quarter-quarter option[selected]")["value"] == "2026-Q4"
    link = page.html.select_one("a#oss-csv")["href"]
    assert link.endswith("/en/manage/oss.csv?quarter=2026-Q4")
    response = app.get(link)
    assert response.content_type == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="oss-2026-Q4.csv"'
    assert response.text.splitlines()[3] == "2026-Q4,FR,20,33.24,6.66"
    # Another quarter, chosen in the form.
    form = page.forms["oss-quarter"]
    form["quarter"] = "2026-Q3"
    other = form.submit()
    assert other.html.select_one("#oss-title").get_text(strip=True) == "OSS sales of 2026-Q3"
    assert desk[-1] == (date(2026, 7, 1), date(2026, 10, 1))


def test_an_empty_quarter_a_quarter_not_offered_and_a_stranger(site, app, desk):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    page = app.get("/en/manage/oss?quarter=2026-Q2")
    assert (
        page.html.select_one("#oss-empty").get_text(strip=True) == "No OSS sales in this quarter."
    )
    assert page.html.select_one("#oss-table") is None
    del desk[:]
    page = app.get("/en/manage/oss?quarter=1999-Q1", status=400)
    assert "Choose a quarter from the list." in page.text
    file = app.get("/en/manage/oss.csv?quarter=nonsense", status=400)
    assert "Choose a quarter from the list." in file.text
    # An editor may not see it (the order desk and administrators may).
    editor = Browser(site.wsgi)
    login(editor, EDITOR_EMAIL, PASSWORD)
    editor.get("/nl/manage/oss", status=403)
    editor.get("/nl/manage/oss.csv?quarter=2026-Q4", status=403)
    assert desk == []  # nothing read
