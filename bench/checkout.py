"""The checkout under load: the real flow of N shoppers over a real waitress server.

Each scenario builds a fresh storage (``var/bench/checkout/``: the policy pages and its
products), starts shopcms in its own waitress process (``threads=8``, 127.0.0.1, the
metrics on ``/metrics`` with a token) and lets ``--clients`` shoppers
(``bench/flows.py``: each its own cookies and session) order one unit at a time as fast as
they can: the cart's POST, the checkout form's GET, the ``place`` POST (the product page is
fetched once per product for its add-to-cart form; ``--browse``: before every order;
``--review``: the review step's POST too).  The shoppers are threads of ``--client-
processes`` processes (default 2) besides the server.

Scenarios (``--scenario``, default all):

- ``spread``: 16 shoppers over 100 products (stock 100,000 each), ``--seconds``;
- ``few``: 16 shoppers on 8 products, ``--seconds``;
- ``last50``: 16 shoppers on one product of stock 50, until each has been told "out of
  stock": exactly 50 orders, no 503.

Per scenario it prints the orders per second, the answers 503 (``Busy``), the shoppers
told "out of stock" (409), other errors, the retries (pyramid_retry's replays, from the
server's ``/metrics``) and ZODB conflicts per order, p50/p99 of a whole order (three
requests) and the server's CPU per order (``/proc/PID/stat``).  After the server stopped
it opens the storage and checks the orders: as many as placed, order numbers and OGM
references unique and valid, the stock decremented by as many units as ordered.

``--conflicts`` makes the server log every conflict's object (a subscriber to
pyramid_retry's ``BeforeRetry``); the counts are printed per scenario, by the BTree of the
orders folder or the catalog the object belongs to (``bench/conflicts.py``) or its class.

    .venv/bin/python bench/checkout.py --seconds 20

Figures (2026-12-07, 2 cores shared with six other helpers' tests: load average 9-15, so
orders/s are low and noisy; the server's CPU per order is the steadier figure):

- before (main): spread 2.4 orders/s, 216 ms server CPU/order, 3.6 retries/order, all
  on ``OrderNumberCounter``; few 2.7/s, 3.8 retries/order;
- after (branch checkout): few 16.2 orders/s, 0 x 503, 55.6 ms CPU/order, 1.22
  retries/order, all in BTree buckets (the catalog's indexes and the orders folder, small
  and new in this fresh storage); last50: exactly 50 orders, 0 x 503, the other 16
  shoppers told "out of stock", 1.16 retries/order (Stock near zero, by design);
  order numbers and OGMs unique and valid in every run.
- after (branch checkout2; load average 6-12, 15 s runs): few 27.1 orders/s, 0 x 503,
  0.000 retries/order (was 1.16), 30.1 ms server CPU/order (was 53.6); spread 22.6/s,
  0 retries, 38.5 ms/order, p50 704 ms p99 955 ms; last50 exactly 50 orders, 0 x 503,
  16 told "out of stock", 0 retries.  What did it, in the order
  ``--conflicts`` named the BTrees: orders' dates keyed by minute in the catalog (a key
  per second was created by several checkouts of that second at once), one order placed
  at a time per process on a fresh snapshot (``orders.placing``: the orders folder, its
  tables and the catalog's young trees met in few buckets), wide number blocks, no path
  key per order; CPU: no replays, and the checkout schemas bound once per option set
  (``orders.forms``).  100 orders/s is out of reach on this machine: 31 ms of one
  core per order is 32/s per core, with two shared cores.
- stop 31 (2026-12-07 21:20-21:55 UTC, a fast and otherwise idle machine; ``--seconds 12``):
  a guest's first checkout form rendered once for all guests (``orders.forms``), the shoppers
  parsing only the form they look for (``flows.find_form``).  A/B against the commit before
  (a1fbe6d, a worktree), alternately: ``few`` 48.6 and 51.3 orders/s (19.6 and 18.5 ms server
  CPU per order) before, 59.5 and 55.2 (15.8 and 17.1 ms) after.  One run of every scenario
  after: spread 46.3/s (21.0 ms), few 55.5/s (17.2 ms), last50 exactly 50 orders and 16 told
  "out of stock"; 0 x 503 and 0 retries everywhere; numbers and OGMs unique and valid.
  In process (the WSGI app called directly, one thread, 200 orders): the product page 0.6 ms,
  the cart's POST 1.0-1.5, the checkout page 5.5 -> 2.2-3.0, the ``place`` POST 4.9-6.2 (its
  commit of about 50 records, 22 of them catalog sets, is the largest part), 10-12 ms in all.
  Where the rest goes through waitress: one process runs Python on one core at a time (the
  GIL), so its ceiling is 1,000 / (CPU ms per order) orders/s, about 60 here; 100 orders/s
  needs at most 10 ms of CPU per order in the one process, with the shoppers' processes
  sharing the two cores.
"""

import argparse
import collections
import json
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from decimal import Decimal
from pathlib import Path

from conflicts import btree_labels
from flows import Busy, FlowError, OutOfStock, Shopper, server_counters
from servers import ROOT, out, start

CACHE = ROOT / "var" / "bench" / "checkout"
LANGS = ("nl", "fr", "en")
SECRET = "bench-secret-" + "x" * 40
TOKEN = "bench-metrics-token"  # noqa: S105 (a local bench server)

SERVER = textwrap.dedent(
    """
    import json
    import logging
    import sys
    from shopcms.web.serving import serve
    from shopcms import main

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    settings = json.loads(sys.argv[3])
    conflicts = settings.pop("bench.conflicts", None)
    app = main({}, **settings)
    if conflicts:
        from pyramid_retry import BeforeRetry

        def log_conflict(event):
            exc = getattr(event, "exception", None)
            name = getattr(exc, "class_name", None) or type(exc).__name__
            oid = getattr(exc, "oid", None)
            with open(conflicts, "a") as f:
                f.write(f"{type(exc).__name__} {name} {oid.hex() if oid else '-'}\\n")

        app.registry.registerHandler(log_conflict, (BeforeRetry,))
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), _quiet=True)
    """
)

SCENARIOS = {
    # name: (products, stock each, run until every shopper is out of stock)
    "spread": (100, 100_000, False),
    "few": (8, 100_000, False),
    "last50": (1, 50, True),
}


def settings_for(folder, conflicts=None):
    settings = {
        "zodbconn.uri": (
            f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs&connection_cache_size=50000"
        ),
        "shopcms.secret": SECRET,
        "shopcms.languages": " ".join(LANGS),
        "shopcms.evolve_on_start": "true",
        "shopcms.bank.iban": "BE71 0961 2345 6769",
        "shopcms.bank.bic": "GKCCBEBB",
        "shopcms.vault.keys": "gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=",
        "shopcms.mail.queue": f"{folder}/mailqueue",
        # No SMTP server: mail waits in the outbox, as when the sender is behind.
        "shopcms.mail.host": "127.0.0.1",
        "shopcms.mail.port": "9",
        "shopcms.metrics.token": TOKEN,
        "shopcms.company.legal_form": "bv",
        "shopcms.company.street": "Voorbeeldstraat 1",
        "shopcms.company.postcode": "8500",
        "shopcms.company.city": "Kortrijk",
        "shopcms.company.enterprise": "0403.170.701",
        "shopcms.company.vat": "BE0403170701",
        "shopcms.company.register": "RPR Gent",
    }
    if conflicts:
        settings["bench.conflicts"] = str(conflicts)
    return settings


def build(folder, count, stock):
    """A new storage in ``folder``: the policy pages and ``count`` products; their names."""
    from shopcms import main
    from shopcms.pages.content import load_pages
    from shopcms.products.resources import Category, Product
    from shopcms.tree.database import site_transaction
    from shopcms.web.clock import now

    app = main({}, **settings_for(folder))
    registry = app.registry
    names = []
    try:
        with site_transaction(registry) as site:
            load_pages(site, ROOT / "content", LANGS, now(registry), registry=registry)
            titles = {"nl": "Potten", "fr": "Pots", "en": "Pots"}
            site["categories"].add("potten", Category(titles, 0), registry=registry)
            for index in range(count):
                product = Product(f"CK-{index:04d}", Decimal("12.50"), Decimal("21"), stock=stock)
                product.categories = ("potten",)
                for lang in LANGS:
                    product.set_texts(lang, f"Pot {index}", "Een pot.")
                name = f"pot-{index}"
                site["products"].add_product(name, product, registry=registry)
                names.append(name)
    finally:
        app.registry._zodb_databases[""].close()
    return names


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, clock ticks (100 Hz)


# -- the shoppers ------------------------------------------------------------------------


def shop(base, paths, deadline, until_out, options, index):
    """One shopper's run: ``[(outcome, seconds, number or message)]``."""
    rng = random.Random(index)
    shopper = Shopper(base)
    results = []
    try:
        while time.monotonic() < deadline:
            start_at = time.perf_counter()
            try:
                number = shopper.place_order(
                    rng.choice(paths), review=options["review"], browse=options["browse"]
                )
                outcome = ("order", number)
            except OutOfStock as exc:
                outcome = ("out", str(exc)[:80])
            except Busy as exc:
                outcome = ("busy", str(exc)[:80])
            except (FlowError, OSError) as exc:
                outcome = ("error", str(exc)[:200])
                shopper.close()
            results.append((outcome[0], time.perf_counter() - start_at, outcome[1]))
            if until_out and outcome[0] == "out":
                break
    finally:
        shopper.close()
    return results


def client_process(base, paths, deadline, until_out, options, indexes, queue):
    results = []
    lock = threading.Lock()

    def run(index):
        found = shop(base, paths, deadline, until_out, options, index)
        with lock:
            results.extend(found)

    threads = [threading.Thread(target=run, args=(i,)) for i in indexes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(results)


def run_clients(base, paths, seconds, until_out, options):
    clients, procs = options["clients"], max(1, min(options["processes"], options["clients"]))
    deadline = time.monotonic() + (600 if until_out else seconds)
    queue = multiprocessing.Queue()
    shares = [list(range(clients))[i::procs] for i in range(procs)]
    workers = [
        multiprocessing.Process(
            target=client_process,
            args=(base, paths, deadline, until_out, options, share, queue),
        )
        for share in shares
    ]
    for worker in workers:
        worker.start()
    results = []
    for _worker in workers:
        results.extend(queue.get())
    for worker in workers:
        worker.join()
    return results


# -- checking the storage afterwards -------------------------------------------------------


def check_storage(folder, names, stock):
    """What the database holds after the run: orders, numbers, OGMs and stock."""
    import ZODB
    import ZODB.FileStorage
    from stdnum.be import ogm_vcs

    storage = ZODB.FileStorage.FileStorage(str(folder / "Data.fs"), read_only=True)
    db = ZODB.DB(storage)
    try:
        with db.transaction() as conn:
            site = conn.root()["site"]
            orders = list(site["orders"].values())
            numbers = [order.number for order in orders]
            ogms = [order.payment_reference.digits for order in orders]
            units = sum(line["qty"] for order in orders for line in order.lines)
            left = sum(site["products"][name].stock for name in names)
    finally:
        db.close()
    return {
        "orders": len(orders),
        "numbers unique": len(set(numbers)) == len(numbers),
        "OGMs unique": len(set(ogms)) == len(ogms),
        "OGMs valid": all(ogm_vcs.is_valid(digits) for digits in ogms),
        "stock sold": stock * len(names) - left,
        "units ordered": units,
    }


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def warm_up(base, paths, seconds, keep_stock, options):
    """Templates, the connection's cache: orders for ``seconds`` by two shoppers, or, when
    the stock is the point (``keep_stock``), carts and checkout forms only."""
    if not keep_stock:
        warm = run_clients(base, paths, seconds, False, {**options, "clients": 2, "processes": 1})
        return sum(kind == "order" for kind, _s, _x in warm)
    shopper = Shopper(base)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        shopper.add_to_cart(random.choice(paths))
        shopper.get(shopper.link("checkout"))
    shopper.close()
    return 0


def scenario(name, options):
    count, stock, until_out = SCENARIOS[name]
    CACHE.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=CACHE))
    conflicts = folder / "conflicts.log" if options["conflicts"] else None
    try:
        names = build(folder, count, stock)
        proc, port = start(SERVER, options["threads"], json.dumps(settings_for(folder, conflicts)))
        base = f"http://127.0.0.1:{port}"
        try:
            paths = [f"/nl/products/{n}" for n in names]
            warm = warm_up(base, paths, options["warmup"], until_out, options)
            before, cpu_before = server_counters(base, TOKEN), cpu_seconds(proc.pid)
            if conflicts:
                conflicts.write_text("")
            began = time.perf_counter()
            results = run_clients(base, paths, options["seconds"], until_out, options)
            elapsed = time.perf_counter() - began
            after, cpu_after = server_counters(base, TOKEN), cpu_seconds(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        checked = check_storage(folder, names, stock)
        checked["orders in the warm-up"] = warm
        report(name, options, results, elapsed, before, after, cpu_after - cpu_before, checked)
        if conflicts:
            labels = btree_labels(folder)
            counted = collections.Counter()
            for line in conflicts.read_text().splitlines():
                kind, cls, oid = (line.split() + ["-", "-"])[:3]
                counted[f"{kind} {labels.get(oid, cls)}"] += 1
            for line, n in counted.most_common(16):
                out(f"    conflict {n:5d} x {line}")
    finally:
        if not options["keep"]:
            shutil.rmtree(folder, ignore_errors=True)


def report(name, options, results, elapsed, before, after, cpu, checked):
    kinds = collections.Counter(kind for kind, _s, _x in results)
    orders = kinds["order"]
    durations = [s * 1000 for kind, s, _x in results if kind == "order"]
    retries = after["retries"] - before["retries"]
    conflicts = after["conflicts"] - before["conflicts"]
    per = max(orders, 1)
    out(
        f"{name:7s} {options['clients']:2d} clients: {orders:5d} orders in {elapsed:5.1f} s "
        f"= {orders / elapsed:6.1f} orders/s | 503: {kinds['busy']} | out of stock: "
        f"{kinds['out']} | errors: {kinds['error']} | retries/order {retries / per:.3f} "
        f"(conflicts {conflicts / per:.3f}) | p50 {statistics.median(durations or [0]):.1f} ms "
        f"p99 {percentile(durations, 0.99):.1f} ms | server CPU {cpu / per * 1000:.1f} ms/order"
    )
    out(f"        database: {json.dumps(checked)}")
    errors = [x for kind, _s, x in results if kind in ("error", "busy")]
    for error in errors[:3]:
        out(f"        e.g. {error}")
    ok = (
        checked["numbers unique"]
        and checked["OGMs unique"]
        and checked["OGMs valid"]
        and checked["orders"] == orders + checked["orders in the warm-up"]
        and checked["stock sold"] == checked["units ordered"]
    )
    out(f"        consistent: {'yes' if ok else 'NO'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--client-processes", dest="processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--browse", action="store_true", help="the product page every order")
    parser.add_argument("--review", action="store_true", help="post the review step too")
    parser.add_argument("--conflicts", action="store_true", help="count conflicts by class")
    parser.add_argument("--keep", action="store_true", help="keep the storages")
    options = vars(parser.parse_args())
    for name in options.pop("scenario") or ("spread", "few", "last50"):
        scenario(name, options)


if __name__ == "__main__":
    sys.exit(main())
