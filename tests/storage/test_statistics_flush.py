"""Acceptance 6: two processes flushing their statistics at the same moment over one ZEO
server lose no count, and never touch the main database.

Each process runs the real application (both databases on the ZEO server: the main one and
the ``statistics`` storage), counts page views through the recorder and flushes after every
round; both are released together.  In every round both insert the same new value (a
conflict BTrees cannot resolve: the flush starts again with the same counts) and each its
own (resolved by the bucket) and both add to the same counters (``Length`` adds up).  Both
serve the same visitors: each visit is counted once.
"""

import json
import logging
import sys
from datetime import date

import transaction
import ZODB
import zodburi

from shopcms.statistics.report import report
from shopcms.statistics.store import get_statistics
from tests.storage.cluster import Process, ZEOServer

ROUNDS = 30
VISITORS = 20
NAMES = ("one", "two")

log = logging.getLogger(__name__)


class StatisticsZEOServer(ZEOServer):
    """The cluster's ZEO server with a second storage, ``statistics``."""

    CONFIG = (
        ZEOServer.CONFIG
        + """\
<filestorage statistics>
  path {folder}/Statistics.fs
</filestorage>
"""
    )

    def statistics_uri(self):
        return f"zeo://127.0.0.1:{self.port}?storage=statistics"

    def last_transactions(self, client):
        """The last transaction ids of the main and the statistics storage, as a new client
        sees them."""
        ids = []
        for uri in (self.uri(client), self.statistics_uri()):
            factory, dbkw = zodburi.resolve_uri(uri)
            db = ZODB.DB(factory(), **dbkw)
            try:
                ids.append(db.lastTransaction())
            finally:
                db.close()
        return ids

    def statistics(self):
        factory, dbkw = zodburi.resolve_uri(self.statistics_uri())
        db = ZODB.DB(factory(), **dbkw)
        try:
            tm = transaction.TransactionManager()
            conn = db.open(transaction_manager=tm)
            try:
                return report(get_statistics(conn.root()), date(2000, 1, 1), date(2100, 1, 1))
            finally:
                tm.abort()
                conn.close()
        finally:
            db.close()


def test_two_processes_flushing_at_once_lose_no_count(tmp_path):
    server = StatisticsZEOServer(tmp_path / "zeo").start()
    processes = []
    try:
        go = tmp_path / "go"
        for name in NAMES:
            settings = server.settings(
                tmp_path / name, **{"zodbconn.uri.statistics": server.statistics_uri()}
            )
            command = [
                sys.executable,
                "-m",
                "tests.storage.statsflusher",
                json.dumps(settings),
                name,
                go,
                ROUNDS,
                VISITORS,
            ]
            processes.append(Process(command, tmp_path / f"{name}.log"))
        for process, name in zip(processes, NAMES, strict=True):
            process.wait_for(lambda name=name: (tmp_path / f"go.{name}.ready").exists(), name)
        main_before, _ = server.last_transactions(tmp_path / "reader")
        go.touch()
        for process in processes:
            process.wait_for(lambda process=process: not process.running(), "a flusher", 120)
            assert process.proc.returncode == 0, process.output()[-3000:]
        main_after, _ = server.last_transactions(tmp_path / "reader")
        result = server.statistics()
    finally:
        for process in processes:
            process.stop()
        server.stop()

    views = len(NAMES) * ROUNDS * VISITORS * 2
    # The same visitors in both processes: one visit each (the day's secret and visits are
    # shared through the statistics database), every page view counted.
    assert (result.visits, result.pageviews) == (VISITORS, views)
    expected = {f"round-{r}": len(NAMES) * VISITORS for r in range(ROUNDS)}
    expected.update({f"{name}-{r}": VISITORS for name in NAMES for r in range(ROUNDS)})
    assert result.pages == expected
    assert sum(result.browsers.values()) == VISITORS
    assert sum(result.durations.values()) == VISITORS  # ended at the close
    assert main_after == main_before  # flushes never write to the main database
    retried = [json.loads(p.output().strip().splitlines()[-1])["retried"] for p in processes]
    log.info("flushes started again after a conflict: %s", retried)
