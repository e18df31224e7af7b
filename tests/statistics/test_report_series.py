"""The series every view of the statistics shows (``report.day_rows``, ``ranked``,
``duration_counts``) and the CSV file made of them (``export``), on a report made by hand."""

import csv
import io
from datetime import date

from shopcms.statistics.export import csv_filename, statistics_csv
from shopcms.statistics.report import (
    DayStats,
    MonthStats,
    Report,
    day_rows,
    duration_counts,
    ranked,
)

START, END = date(2024, 1, 30), date(2024, 2, 2)


def rolled_up_january():
    """January kept as a monthly total only, February per day."""
    return Report(
        days=[DayStats(date(2024, 2, 2), 3, 7)],
        months=[MonthStats(date(2024, 1, 1), 40, 90)],
        visits=43,
        pageviews=97,
        browsers={"Firefox 128": 2, "Chrome 130": 2, "Safari 17": 5, "Edge 129": 0},
        durations={"1–3 min": 2, "odd bucket": 1},
        median_duration=100.4,
    )


def test_day_rows_have_every_day_kept_per_day_with_zeros():
    assert day_rows(rolled_up_january(), START, END) == [
        (date(2024, 2, 1), 0, 0),
        (date(2024, 2, 2), 3, 7),
    ]
    assert day_rows(Report(), START, START) == [(START, 0, 0)]


def test_ranked_is_most_first_then_by_value_without_zeros():
    assert ranked(rolled_up_january().browsers) == [
        ("Safari 17", 5),
        ("Chrome 130", 2),
        ("Firefox 128", 2),
    ]


def test_duration_counts_have_every_bucket_in_order_then_the_others():
    assert duration_counts(rolled_up_january()) == [
        ("0–10 s", 0),
        ("10–30 s", 0),
        ("30 s–1 min", 0),
        ("1–3 min", 2),
        ("3–10 min", 0),
        ("10 min+", 0),
        ("odd bucket", 1),
    ]


def test_the_csv_file_has_days_months_rankings_durations_and_the_median():
    rows = list(csv.reader(io.StringIO(statistics_csv(START, END, rolled_up_january()))))
    assert rows[0] == ["dimension", "value", "count"]
    assert rows[1:7] == [
        ["visits", "2024-02-01", "0"],
        ["visits", "2024-02-02", "3"],
        ["pageviews", "2024-02-01", "0"],
        ["pageviews", "2024-02-02", "7"],
        ["month_visits", "2024-01", "40"],
        ["month_pageviews", "2024-01", "90"],
    ]
    assert [row for row in rows if row[0] == "browser"] == [
        ["browser", "Safari 17", "5"],
        ["browser", "Chrome 130", "2"],
        ["browser", "Firefox 128", "2"],
    ]
    assert len([row for row in rows if row[0] == "duration"]) == 7
    assert rows[-1] == ["median_duration", "seconds", "100"]
    assert csv_filename(START, END) == "statistics-2024-01-30-2024-02-02.csv"


def test_the_csv_file_of_an_empty_report_has_no_median():
    rows = list(csv.reader(io.StringIO(statistics_csv(START, START, Report()))))
    assert rows[-1] == ["median_duration", "seconds", ""]
