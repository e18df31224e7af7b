"""The database restarted under a checkout load: ZEO, and PostgreSQL under RelStorage.

Sixteen customers keep checking out through two shopcms processes while the database
server is stopped for a few seconds and started again.  What a customer meets during the
outage is a 503 page with ``Retry-After`` (never a 500): a customer then waits and sends
the same request again, as the page asks.  Afterwards the load carries on by itself (no
process is restarted), and the database holds every acknowledged order (303) exactly once
and no other.

PostgreSQL is a throwaway cluster of the test's own (tests/production/postgres.py): the
machine's shared one serves other tests meanwhile.
"""

import logging
import re
import threading
import time
from collections import Counter

import pytest
import requests
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from tests.concurrency.test_checkout_race import DETAILS, PRODUCT, hidden
from tests.production.postgres import PrivateCluster
from tests.storage.cluster import PostgresDatabase, ZEOServer, shop_servers

log = logging.getLogger(__name__)

CUSTOMERS = 16
OUTAGE = 3  # seconds the database server is down
REQUEST_DEADLINE = 60  # seconds a customer keeps trying one request


def shown(html):
    """The main text of a page (for a failure's message)."""
    main = re.search(r"<main.*?</main>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main.group(0) if main else html).split())[:600]


class Load:
    """``CUSTOMERS`` customers checking out over and over, spread over ``bases``."""

    def __init__(self, bases, pid):
        self.bases, self.pid = bases, pid
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.without_retry_after = []
        self.acknowledged = []  # (time, order number)
        self.failures = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.customer, args=(bases[i % len(bases)],), daemon=True)
            for i in range(CUSTOMERS)
        ]

    def send(self, http, method, url, expect, **kw):
        """The request, sent again after each 503 (after a pause) until it is answered."""
        deadline = time.monotonic() + REQUEST_DEADLINE
        while True:
            answer = http.request(method, url, allow_redirects=False, timeout=60, **kw)
            http.trail.append(
                (
                    method,
                    url.split("/", 3)[-1],
                    answer.status_code,
                    [c.split(";")[0][:30] for c in answer.raw.headers.getlist("Set-Cookie")],
                )
            )
            with self.lock:
                self.statuses[answer.status_code] += 1
                if answer.status_code == 503 and not answer.headers.get("Retry-After"):
                    self.without_retry_after.append(url)
            if answer.status_code != 503 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert answer.status_code == expect, (http.trail, shown(answer.text))
        return answer

    def checkout(self, base):
        http = requests.Session()
        http.trail = []
        http.headers["Origin"] = base
        page = self.send(http, "GET", f"{base}/nl/products/{PRODUCT}", 200).text
        data = {"csrf_token": hidden(page, "csrf_token"), "op": "add", "pid": self.pid, "qty": 1}
        self.send(http, "POST", f"{base}/nl/cart", 303, data=data)
        form = self.send(http, "GET", f"{base}/nl/checkout", 200).text
        details = [
            *DETAILS,
            ("csrf_token", hidden(form, "csrf_token")),
            ("token", hidden(form, "token")),
        ]
        placed = self.send(http, "POST", f"{base}/nl/checkout", 303, data=details)
        return placed.headers["Location"].split("/")[-2]

    def customer(self, base):
        try:
            while not self.stop.is_set():
                number = self.checkout(base)
                with self.lock:
                    self.acknowledged.append((time.monotonic(), number))
        except Exception as error:  # reported by the test, with what the customer met
            with self.lock:
                self.failures.append(str(error))
                log.warning("a customer stopped: %s", error)  # in full, in the report

    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def wait_for_orders(self, count, since=0.0, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.failures:
            with self.lock:
                if sum(at > since for at, _n in self.acknowledged) >= count:
                    return True
            time.sleep(0.1)
        return False

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_DEADLINE * 4 + 30)
        assert not any(thread.is_alive() for thread in self.threads)


def stock_up(storage, stock=100_000):
    """Enough of the product for the whole load, in the storage's FileStorage (before the
    server starts or the database is converted from it)."""
    folder = storage.filestorage
    db = ZODB.DB(FileStorage(str(folder / "Data.fs"), blob_dir=str(folder / "blobs")))
    try:
        with db.transaction() as conn:
            product = conn.root()["site"]["products"][PRODUCT]
            product.set_stock(stock)
            return product.pid
    finally:
        transaction.abort()
        db.close()


def run_load_through_restart(storage, shops, restart, tmp_path):
    """The load, the restart once it is running, and the checks; the numbers seen."""
    load = Load([shop.base for shop in shops], storage.pid).start()
    try:
        assert load.wait_for_orders(CUSTOMERS), load.failures or load.statuses
        restart()
        back = time.monotonic()
        # It resumes by itself: as many orders again after the server is back.
        assert load.wait_for_orders(CUSTOMERS, since=back), (load.failures, load.statuses)
    finally:
        load.finish()
    assert not load.failures, load.failures
    assert load.statuses[500] == 0 and set(load.statuses) <= {200, 303, 503}, load.statuses
    assert load.statuses[503] > 0, "no request met the outage"
    assert not load.without_retry_after
    numbers = [number for _at, number in load.acknowledged]
    assert len(set(numbers)) == len(numbers), "two checkouts were told the same order"
    with storage.root(tmp_path / "reader") as root:
        stored = sorted(root["site"]["orders"].keys())
    assert stored == sorted(numbers)  # each acknowledged order once, and no other
    for shop in shops:
        assert "unexpected error" not in shop.log()  # the 500 page's log line
        assert "database unavailable" in shop.log() or load.statuses[503] == 0
    return load


def test_a_zeo_server_restart_during_a_checkout_load(tmp_path):
    storage = ZEOServer(tmp_path / "zeo")
    storage.pid = stock_up(storage)
    try:
        storage.start()
        # A request waits at most a second for the server before its 503 page.
        uri = storage.uri(None) + "&wait_timeout=1"
        with shop_servers(storage, tmp_path, settings={"zodbconn.uri": uri}) as shops:
            load = run_load_through_restart(
                storage, shops, lambda: storage.restart(pause=OUTAGE), tmp_path
            )
    finally:
        storage.stop()
    log.info("ZEO restart: %d orders, answers %s", len(load.acknowledged), dict(load.statuses))


@pytest.fixture
def private_postgres():
    cluster = PrivateCluster()
    try:
        yield cluster.start()
    finally:
        cluster.remove()


def test_a_postgresql_restart_under_relstorage_during_a_checkout_load(tmp_path, private_postgres):
    storage = PostgresDatabase(tmp_path / "relstorage", dsn=private_postgres.dsn)
    storage.pid = stock_up(storage)
    try:
        storage.start()
        with shop_servers(storage, tmp_path) as shops:
            load = run_load_through_restart(
                storage, shops, lambda: private_postgres.restart(pause=OUTAGE), tmp_path
            )
    finally:
        storage.stop()
    log.info(
        "PostgreSQL restart: %d orders, answers %s", len(load.acknowledged), dict(load.statuses)
    )
