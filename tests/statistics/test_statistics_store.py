"""The statistics' pieces: the visit key, the counts of one process, the aggregates in their
database (merging concurrent flushes), the report and the 25-month roll-up."""

from datetime import date

import pytest
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from shopcms.statistics import retention, store
from shopcms.statistics.report import add_counts, median, report
from shopcms.statistics.visits import (
    DURATION_SECONDS,
    DURATIONS,
    PAGES,
    PAGEVIEWS,
    REFERRERS,
    VISITS,
    Counts,
    DailySecret,
    Tally,
    duration_bucket,
    histogram_bucket,
    truncated_network,
    visit_key,
)

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


# -- the visit key ------------------------------------------------------------------------


def test_one_network_and_browser_is_one_visitor_another_is_another():
    secret = DailySecret().for_day("2026-11-26")
    key = visit_key(secret, "192.0.2.17", FIREFOX)
    assert visit_key(secret, "192.0.2.200", FIREFOX) == key  # same /24
    assert visit_key(secret, "::ffff:192.0.2.9", FIREFOX) == key  # IPv4 written as IPv6
    assert visit_key(secret, "192.0.3.17", FIREFOX) != key
    assert visit_key(secret, "192.0.2.17", FIREFOX + " extra") != key
    six = visit_key(secret, "2001:db8:aa:1::1", FIREFOX)
    assert visit_key(secret, "[2001:db8:aa:ffff::2]", FIREFOX) == six  # same /48
    assert visit_key(secret, "2001:db8:ab::1", FIREFOX) != six


def test_the_secret_changes_every_day_so_yesterdays_keys_cannot_be_made_again():
    secrets = DailySecret()
    monday = secrets.for_day("2026-11-23")
    assert secrets.for_day("2026-11-23") == monday
    tuesday = secrets.for_day("2026-11-24")
    assert tuesday != monday
    # Back to Monday: a new secret, not Monday's (it is gone).
    assert secrets.for_day("2026-11-23") not in (monday, tuesday)
    assert visit_key(monday, "192.0.2.1", FIREFOX) != visit_key(tuesday, "192.0.2.1", FIREFOX)


def test_truncation():
    assert truncated_network("192.0.2.17") == bytes([192, 0, 2, 0])
    assert truncated_network("2001:db8:aa:1::1") == bytes.fromhex("20010db800aa") + bytes(10)
    assert truncated_network("unix:/run/socket") == b""
    assert truncated_network(None) == b""


# -- the counts of one process ------------------------------------------------------------


def describe(**values):
    return lambda: {"browsers": "Firefox 132", "devices": "desktop", **values}


def test_visits_pages_and_durations_in_memory():
    tally = Tally(timeout=1800)
    day = "2026-11-26"
    tally.page_view(b"a", day, 1000.0, "home", describe(referrers="www.example.org"))
    tally.page_view(b"a", day, 1045.0, "products", describe())
    tally.page_view(b"b", day, 1100.0, "home", describe(referrers=None))
    # Visitor a comes back after more than the timeout: a second visit.
    tally.page_view(b"a", day, 1045.0 + 1801, "home", describe())
    assert tally.end_visits(day, 1100.0 + 1801) == 1  # b is over; a's second is not
    tally.end_visits(day, 0, everything=True)
    counts = tally.take()
    assert counts[day, VISITS, ""] == 3
    assert counts[day, PAGEVIEWS, ""] == 4
    assert counts[day, PAGES, "home"] == 3
    assert counts[day, REFERRERS, "www.example.org"] == 1
    assert (day, REFERRERS, None) not in counts
    assert counts[day, DURATIONS, "30 s–1 min"] == 1  # a's first visit: 45 s
    assert counts[day, DURATIONS, "0–10 s"] == 2
    assert counts[day, DURATION_SECONDS, "45"] == 1
    assert tally.take() == {}


def test_a_visit_ends_with_its_day():
    tally = Tally(timeout=1800)
    tally.page_view(b"a", "2026-11-26", 1000.0, "home", describe())
    tally.page_view(b"a", "2026-11-27", 1010.0, "home", describe())
    counts = tally.take()
    assert counts["2026-11-26", VISITS, ""] == 1
    assert counts["2026-11-27", VISITS, ""] == 1
    assert counts["2026-11-26", DURATIONS, "0–10 s"] == 1


def test_a_flood_of_made_up_values_ends_as_other(monkeypatch):
    monkeypatch.setattr("shopcms.statistics.visits.MAX_VALUES", 3)
    tally = Tally()
    for n in range(6):
        tally.page_view(bytes([n]), "2026-11-26", 1000.0, "home", describe(referrers=f"s{n}.be"))
    counts = tally.take()
    referrers = {value: c for (_d, dim, value), c in counts.items() if dim == REFERRERS}
    assert referrers == {"s0.be": 1, "s1.be": 1, "s2.be": 1, "other": 3}


def test_counts_that_could_not_be_saved_come_back():
    tally = Tally()
    tally.page_view(b"a", "2026-11-26", 1000.0, "home", describe())
    taken = tally.take()
    tally.page_view(b"a", "2026-11-26", 1001.0, "home", describe())
    tally.give_back(taken)
    assert tally.take()["2026-11-26", PAGEVIEWS, ""] == 2


def test_duration_buckets():
    assert [duration_bucket(s) for s in (0, 9.9, 10, 29, 30, 59, 60, 179, 180, 599, 600)] == [
        "0–10 s",
        "0–10 s",
        "10–30 s",
        "10–30 s",
        "30 s–1 min",
        "30 s–1 min",
        "1–3 min",
        "1–3 min",
        "3–10 min",
        "3–10 min",
        "10 min+",
    ]
    assert [histogram_bucket(s) for s in (0, 59.5, 65, 601, 4000, 10**6)] == [
        0,
        59,
        60,
        600,
        3600,
        85800,
    ]


def test_median_is_interpolated_in_the_fine_histogram():
    assert median({}) is None
    assert median({20: 1}) == 20.5
    # 3 visits of 5 s and 2 of 90-99 s: the middle one is the third.
    assert median({5: 3, 90: 2}) == pytest.approx(5 + 2.5 / 3)
    assert median({5: 1, 90: 3}) == pytest.approx(90 + 1 / 3 * 10)


# -- the aggregates in their database -----------------------------------------------------


@pytest.fixture
def db(tmp_path):
    database = ZODB.DB(FileStorage(str(tmp_path / "Statistics.fs")))
    yield database
    database.close()


def read(db, start=date(2000, 1, 1), end=date(2100, 1, 1)):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        return report(store.get_statistics(conn.root()), start, end)
    finally:
        tm.abort()
        conn.close()


def counts(*rows):
    out = Counts()
    for day, dimension, value, n in rows:
        out.add(day, dimension, value, n)
    return out


def test_a_flush_adds_up_with_what_is_there(db):
    store.apply(db, counts(("2026-11-26", VISITS, "", 2), ("2026-11-26", PAGES, "home", 5)))
    store.apply(db, counts(("2026-11-26", VISITS, "", 1), ("2026-11-27", PAGES, "home", 1)))
    result = read(db)
    assert [(row.day, row.visits) for row in result.days] == [
        (date(2026, 11, 26), 3),
        (date(2026, 11, 27), 0),
    ]
    assert result.pages == {"home": 6}


class ConcurrentFlush(Counts):
    """Counts whose first reading lets another process's flush commit first (the same new
    day and value, and the same existing counter)."""

    def __init__(self, db, rows, theirs):
        super().__init__(counts(*rows))
        self.db, self.theirs, self.read = db, theirs, 0

    def items(self):
        self.read += 1
        if self.read == 1:
            store.apply(self.db, counts(*self.theirs))
        return super().items()


def test_a_conflicting_flush_is_done_again_and_loses_nothing(db):
    store.apply(db, counts(("2026-11-26", PAGEVIEWS, "", 10)))
    ours = ConcurrentFlush(
        db,
        [("2026-11-26", PAGEVIEWS, "", 1), ("2026-11-27", PAGES, "home", 2)],
        [("2026-11-26", PAGEVIEWS, "", 100), ("2026-11-27", PAGES, "home", 20)],
    )
    attempts = store.apply(db, ours)
    assert attempts == 2  # the same new day and value: a conflict, done again
    result = read(db)
    assert {row.day.isoformat(): row.pageviews for row in result.days} == {
        "2026-11-26": 111,
        "2026-11-27": 0,
    }
    assert result.pages == {"home": 22}


def test_concurrent_increments_of_one_counter_merge_without_a_retry(db):
    store.apply(db, counts(("2026-11-26", PAGES, "home", 1), ("2026-11-26", PAGES, "cart", 1)))
    ours = ConcurrentFlush(
        db, [("2026-11-26", PAGES, "home", 2)], [("2026-11-26", PAGES, "home", 40)]
    )
    assert store.apply(db, ours) == 1  # Length resolved the conflict by adding up
    assert read(db).pages == {"home": 43, "cart": 1}


# -- the roll-up after 25 months ----------------------------------------------------------


def test_rollup_cutoff_keeps_every_day_25_months_at_least():
    assert retention.rollup_cutoff(date(2026, 11, 26)) == date(2024, 10, 1)
    assert retention.rollup_cutoff(date(2026, 1, 1)) == date(2023, 12, 1)


def test_old_days_are_rolled_into_their_month_and_reported_by_month(db):
    with db.transaction() as conn:
        root = store.get_statistics(conn.root(), create=True)
        for day, visits in (("2024-08-30", 2), ("2024-09-01", 3), ("2024-09-30", 4)):
            add_counts(root, day, VISITS, "", visits)
            add_counts(root, day, PAGES, "home", visits * 2)
            add_counts(root, day, DURATION_SECONDS, "12", visits)
        add_counts(root, date(2024, 10, 1), VISITS, "", 7)
    before = read(db)
    assert retention.maintain_statistics(db, date(2026, 11, 26)) == {"2024-08": 1, "2024-09": 2}
    after = read(db)
    assert [row.day for row in after.days] == [date(2024, 10, 1)]
    assert [(row.month, row.visits) for row in after.months] == [
        (date(2024, 8, 1), 2),
        (date(2024, 9, 1), 7),
    ]
    assert (after.visits, after.pageviews, after.pages) == (16, 0, {"home": 18})
    assert after.median_duration == before.median_duration == pytest.approx(12.5)
    # A month counts whole when one of its days is in the range.
    september = read(db, date(2024, 9, 15), date(2024, 9, 15))
    assert (september.days, september.visits) == ([], 7)
    # Nothing left to do: nothing printed by the command, nothing written.
    last = db.lastTransaction()
    assert retention.roll_up_database(db, date(2026, 11, 26)) == {}
    assert db.lastTransaction() == last


def test_the_pack_keeps_only_the_current_counters(db, tmp_path):
    for _ in range(100):
        store.apply(db, counts(("2026-11-26", PAGEVIEWS, "", 1)))
    size = (tmp_path / "Statistics.fs").stat().st_size
    retention.maintain_statistics(db, date(2026, 11, 26))
    assert (tmp_path / "Statistics.fs").stat().st_size < size / 5  # 100 revisions, now 1
    assert not (tmp_path / "Statistics.fs.old").exists()
    assert read(db).pageviews == 100


def test_old_login_sessions_are_forgotten():
    class Account:
        def __init__(self, sessions):
            self.sessions = dict(sessions)

    old, young = Account({"s1": 1000, "s2": 9000}), Account({"s3": 9500})
    site = {"customers": {"a": old, "b": young}}
    assert retention.end_old_sessions(site, absolute_timeout=3600, now=10_000) == 1
    assert old.sessions == {"s2": 9000}
    assert young.sessions == {"s3": 9500}
