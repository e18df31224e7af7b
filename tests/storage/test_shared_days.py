"""The statistics' daily secret and the day's visits, shared by the processes of a site
through the statistics database (``shopcms.statistics.days``): two ZEO clients (as two
processes are) give a visitor the same visit key on one day, the visit is counted once, and
the day's secret and keys are gone the next day (and from the file once it is packed)."""

import time
from pathlib import Path

import transaction
import ZODB
import zodburi
from ZODB.FileStorage import FileStorage

from shopcms.statistics.days import ROOT_KEY, SharedDays
from shopcms.statistics.visits import VISITS, Tally, visit_key
from tests.storage.test_statistics_flush import StatisticsZEOServer

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
MONDAY, TUESDAY = "2026-12-07", "2026-12-08"


def client(server):
    factory, dbkw = zodburi.resolve_uri(server.statistics_uri())
    return ZODB.DB(factory(), **dbkw)


def stored_days(db):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        return {day: bytes(entry.secret) for day, entry in conn.root()[ROOT_KEY].items()}
    finally:
        tm.abort()
        conn.close()


def count(tally, days, key, day, now):
    """A page of the visitor of ``key`` at ``now``, and a flush: the visits it counted."""
    tally.page_view(key, day, now, "home", lambda: {"browsers": "Firefox"})
    visits = tally.take_new()
    tally.settle(visits, days.claim([(v.day, v.key, v.first) for v in visits], tally.timeout))
    return tally.take().get((day, VISITS, ""), 0)


def test_two_processes_count_a_visitor_once_and_forget_the_day(tmp_path):
    server = StatisticsZEOServer(tmp_path / "zeo").start()
    one, two = client(server), client(server)
    try:
        a, b = SharedDays(one), SharedDays(two)
        secret = a.for_day(MONDAY)
        assert b.for_day(MONDAY) == secret and len(secret) == 32
        key = visit_key(secret, "192.0.2.17", FIREFOX)
        assert visit_key(b.for_day(MONDAY), "192.0.2.200", FIREFOX) == key
        # The visitor's pages in both processes: the visit is counted by one of them.
        counted = count(Tally(shared=True), a, key, MONDAY, 1000.0)
        counted += count(Tally(shared=True), b, key, MONDAY, 1010.0)
        assert counted == 1
        # Twenty minutes later through a: still that visit; an hour after that, through b,
        # the visitor came back: a new visit, counted once again.
        assert count(Tally(shared=True), a, key, MONDAY, 1000.0 + 20 * 60) == 0
        assert count(Tally(shared=True), b, key, MONDAY, 1000.0 + 80 * 60) == 1
        # The next day: a new secret, and Monday's secret and keys are deleted.
        tuesday = b.for_day(TUESDAY)
        assert tuesday != secret and a.for_day(TUESDAY) == tuesday
        time.sleep(0.2)  # the invalidation reaches the other client
        assert stored_days(one).keys() == {TUESDAY}
        assert visit_key(tuesday, "192.0.2.17", FIREFOX) != key
    finally:
        one.close()
        two.close()
        server.stop()


def test_an_old_day_is_deleted_by_the_flush_and_gone_from_the_packed_file(tmp_path):
    path = str(tmp_path / "Statistics.fs")
    db = ZODB.DB(FileStorage(path))
    try:
        days = SharedDays(db)
        monday = days.for_day(MONDAY)
        days.claim([(MONDAY, visit_key(monday, "192.0.2.17", FIREFOX), 1000.0)], 1800)
        assert days.forget_before(MONDAY) == 0
        assert days.forget_before(TUESDAY) == 1
        assert stored_days(db) == {}
        db.pack(time.time() + 1)
    finally:
        db.close()
    data = Path(path).read_bytes()
    assert monday not in data
    assert visit_key(monday, "192.0.2.17", FIREFOX)[:16] not in data
