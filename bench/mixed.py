"""A shop at work: visitors with cookies browsing while orders come in; then an editor.

One shopcms server (waitress, ``threads=8``) on the bench's 10,000-product catalog, with
the statistics flushed every 60 s (``shopcms.statistics.flush_interval``; the timer at
60 s too), and a layer outside the whole stack that counts the GETs that reached Pyramid,
per path (``servers.SHOP --count-renders``).  100 products are kept for the orders (their
stock set to 100,000 before the run); the others are browsed.

1. Mixed load, ``--seconds``: wrk (``-t1 -c4``) asks random product pages of the browsed
   ones, each request with the cookies of one of three visitor states made through real
   HTTP (``flows.py``): consent ("accept all"), consent + one item in the cart, a logged-in
   customer with a cart; meanwhile ``--order-clients`` shoppers place ``--orders`` orders
   per second in all (``Shopper.place_order``: cart, checkout form, place) of the order
   products.  Every browsed page was visited once with a consent cookie before (warm).
   Reported: the product pages' cache hit rate (1 - renders / requests, from the counting
   layer; and the page cache's own counters from ``/metrics``), orders/s reached, refused
   and busy answers, pyramid_retry's retries and ZODB conflicts.
2. Editor: a sample of product pages (``--sample``), product X in the three languages, the
   six category listings, the filtered listing and a search, visited twice without cookie
   and with a consent cookie; then X is edited (``POST /nl/bench-edit``, the domain methods
   and ``changed()`` in one transaction, ``bench/stack_view.py``) and the same pages visited
   again: which rendered anew, and whether each listing that did shows X.  What should
   render: X's pages and the listings showing X, nothing else (issue 18, acceptance 3).
"""

import argparse
import http.client
import json
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import personal
from servers import SHOP, out, start

import catalog

ORDER_PRODUCTS = 100
SEED = 18

#: A random browsed product page per request, with the cookies of a random visitor state.
MIXED_LUA = """
local names = {}
for line in io.lines("%(names)s") do names[#names + 1] = line end
local cookies = {%(cookies)s}
function init(args) math.randomseed(os.time()) end
request = function()
  local headers = {Cookie = cookies[math.random(#cookies)]}
  return wrk.format("GET", "/nl/products/" .. names[math.random(#names)], headers)
end
"""


def get(port, path, cookie="", connection=None):
    """(status, body text) of one GET (on ``connection`` when given)."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    if connection is None:
        conn.close()
    return response.status, body


def visit(port, paths, cookie="", connections=4):
    """GET each path once (``connections`` keep-alive connections); {path: body}."""

    def chunk(part):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        found = {}
        for path in part:
            status, body = get(port, path, cookie, conn)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            found[path] = body
        conn.close()
        return found

    pages = {}
    with ThreadPoolExecutor(connections) as pool:
        for found in pool.map(chunk, [paths[i::connections] for i in range(connections)]):
            pages.update(found)
    return pages


def renders(port, with_requests=False):
    """{path: renders} since the last call (the counting layer's; it starts anew);
    ``with_requests``: ({path: renders}, {path: GET requests})."""
    found = json.loads(get(port, "/bench-renders")[1])
    return (found["renders"], found["requests"]) if with_requests else found["renders"]


def cache_counters(port):
    """The page cache's samples in ``/metrics`` (whatever the server exposes: hits, misses,
    declines by reason...), ``{name{labels}: value}``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {personal.METRICS_TOKEN}"})
    text = conn.getresponse().read().decode()
    conn.close()
    found = {}
    for line in text.splitlines():
        if line.startswith("shopcms_page_cache") and "_created" not in line:
            name, _sp, value = line.rpartition(" ")
            found[name] = float(value)
    return found


def prepare(folder, order_names):
    """The bench's customer, and stock enough for the orders' products."""
    from shopcms import main
    from shopcms.tree.database import site_transaction

    personal.add_customer(folder)
    app = main({}, **catalog.app_settings(folder))
    try:
        with site_transaction(app.registry) as site:
            for name in order_names:
                product = site["products"][name]
                if product.stock < 50_000:
                    product.set_stock(100_000)
    finally:
        catalog.close_app(app)


class Orders(threading.Thread):
    """One shopper placing orders at its share of the rate until ``stop`` is set."""

    def __init__(self, flows, base, names, interval, stop, seed):
        super().__init__(daemon=True)
        #: Set after the shopper's first order (unmeasured: the checkout's templates are
        #: compiled by the first one); the load starts when every shopper is ready.
        self.ready, self.go = threading.Event(), threading.Event()
        self.flows, self.base, self.names = flows, base, names
        self.interval, self.stop, self.rng = interval, stop, random.Random(seed)
        self.placed = self.refused = self.busy = self.failed = 0
        self.times = []

    def run(self):
        shopper = self.flows.Shopper(self.base)
        shopper.accept_cookies(f"/nl/products/{self.names[0]}")
        try:
            shopper.place_order(f"/nl/products/{self.names[0]}")
        finally:
            self.ready.set()
        self.go.wait()
        due = time.monotonic()
        while not self.stop.is_set():
            due += self.interval
            began = time.perf_counter()
            try:
                shopper.place_order(f"/nl/products/{self.rng.choice(self.names)}")
                self.placed += 1
            except self.flows.OutOfStock:
                self.refused += 1
            except self.flows.Busy:
                self.busy += 1
            except Exception:  # noqa: BLE001 (counted and reported; the load goes on)
                self.failed += 1
            self.times.append(time.perf_counter() - began)
            self.stop.wait(max(0.0, due - time.monotonic()))
        shopper.close()


def mixed_load(args, flows, port, browsed, order_names, states, scratch):
    names_file = scratch / "browsed.txt"
    names_file.write_text("\n".join(browsed) + "\n")
    cookies = [states["consent"], states["cart"], states["customer"]]
    lua = scratch / "mixed.lua"
    lua.write_text(
        MIXED_LUA % {"names": names_file, "cookies": ", ".join("[[" + c + "]]" for c in cookies)}
    )
    renders(port)
    before = cache_counters(port)
    counters_before = flows.server_counters(f"http://127.0.0.1:{port}", personal.METRICS_TOKEN)
    stop = threading.Event()
    interval = args.order_clients / args.orders
    clients = [
        Orders(flows, f"http://127.0.0.1:{port}", order_names, interval, stop, SEED + i)
        for i in range(args.order_clients)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.ready.wait()
    began = time.monotonic()
    for client in clients:
        client.go.set()
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c4",
            "--latency",
            f"-d{args.seconds}s",
            "-s",
            str(lua),
            f"http://127.0.0.1:{port}/nl/products/{browsed[0]}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    stop.set()
    for client in clients:
        client.join()
    elapsed = time.monotonic() - began
    browse = catalog.parse_wrk(done.stdout)
    counted, asked = renders(port, with_requests=True)
    after = cache_counters(port)
    counters = flows.server_counters(f"http://127.0.0.1:{port}", personal.METRICS_TOKEN)
    browsed_paths = {f"/nl/products/{n}" for n in browsed}
    rendered = sum(n for path, n in counted.items() if path in browsed_paths)
    requested = sum(n for path, n in asked.items() if path in browsed_paths)
    placed = sum(c.placed for c in clients)
    times = sorted(t for c in clients for t in c.times) or [0.0]
    out()
    out(
        f"mixed load, {args.seconds} s: {browse['requests']} product page requests with cookies "
        f"({browse['rps']:.0f}/s, wrk -t1 -c4, p50 {browse['p50']:.1f} ms, "
        f"non-2xx {browse['non2xx']}); orders: {placed} placed ({placed / elapsed:.1f}/s, "
        f"asked {args.orders}/s by {args.order_clients} shoppers), "
        f"{sum(c.refused for c in clients)} refused, {sum(c.busy for c in clients)} busy (503), "
        f"{sum(c.failed for c in clients)} failed; order p50 {times[len(times) // 2] * 1000:.0f} ms"
    )
    hit_rate = 1 - rendered / max(requested, 1)
    out(
        f"  product pages rendered: {rendered} of {requested} requests (server side): "
        f"cache hit rate {hit_rate:.1%} (target >= 95 %: {'met' if hit_rate >= 0.95 else 'MISSED'})"
    )
    out(
        "  page cache in /metrics (all requests; change over the run): "
        + ", ".join(f"{k} {after[k] - before.get(k, 0):+.0f}" for k in sorted(after))
    )
    out(
        f"  server: retries +{counters['retries'] - counters_before['retries']:.0f}, "
        f"conflicts +{counters['conflicts'] - counters_before['conflicts']:.0f}"
    )
    return hit_rate


def editor_check(args, port, names, states):
    rng = random.Random(SEED)
    # X: a browsed product the first category's listing shows (so a listing shows it).
    first = get(port, f"/nl/products/?category={catalog.CATEGORIES[0][0]}")[1]
    shown = set(re.findall(r"/nl/products/([\w-]+)", first))
    changed = next((n for n in names if n in shown), names[len(names) // 2])
    sample = rng.sample([n for n in names if n != changed], args.sample)
    products = [f"/{lang}/products/{changed}" for lang in catalog.LANGS]
    products += [f"/nl/products/{n}" for n in sample]
    listings = [f"/nl/products/?category={slug}" for slug, _t in catalog.CATEGORIES]
    listings += [personal.LISTING, personal.SEARCH, "/nl/products/"]
    paths = products + listings
    visitors = {"no cookie": "", "consent cookie": states["consent"]}
    for _ in range(2):
        for cookie in visitors.values():
            visit(port, paths, cookie)
    renders(port)
    status, text = personal_post(port, f"/nl/bench-edit?name={urllib.parse.quote(changed)}")
    if status != 200:
        raise RuntimeError(f"bench-edit: HTTP {status} {text[:200]}")
    out()
    out(
        f"editor: {changed} edited (its Dutch description; one transaction); then "
        f"{len(products)} product pages (its 3 + {args.sample} others) and {len(listings)} "
        "listings visited without cookie, then with a consent cookie"
    )
    # Both visitor kinds, then the renders: a skeleton rendered again for the first
    # serves the second (a whole page for a cookie-less visitor is the same render).
    shown = {}
    for label, cookie in visitors.items():
        pages = visit(port, paths, cookie)
        shown[label] = "[edit " in pages[products[0]]
    counted = renders(port)
    own = [p for p in products[:3] if counted.get(p)]
    others = [p for p in products[3:] if counted.get(p)]
    showing = [p for p in listings if f"/products/{changed}" in pages[p]]
    rendered_listings = [p for p in listings if counted.get(p)]
    wrong = [p for p in rendered_listings if p not in showing]
    if not all(shown.values()):
        verdict = "STALE: its page does not show the edit"
    elif others or wrong:
        verdict = "MORE than what changed rendered again"
    else:
        verdict = "only what changed rendered again"
    out(
        f"  its pages rendered {len(own)} of 3 (the edit shown: "
        + ", ".join(f"{label} {seen}" for label, seen in shown.items())
        + f"); other product pages rendered {len(others)} of {len(products) - 3}; listings "
        f"rendered {len(rendered_listings)} of {len(listings)} ({len(showing)} show it; "
        f"rendered without showing it: {len(wrong)}{': ' if wrong else ''}{', '.join(wrong)}): "
        f"{verdict}"
    )


def personal_post(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("POST", path, body=b"", headers={"Origin": f"http://127.0.0.1:{port}"})
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=90, help="the mixed load's length")
    parser.add_argument("--orders", type=float, default=10.0, help="orders per second asked")
    parser.add_argument("--order-clients", type=int, default=4)
    parser.add_argument("--sample", type=int, default=300, help="other pages, editor check")
    parser.add_argument("--browsed", type=int, default=0, help="browse the first N only")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the server stops too (finally)
    out(f"machine: {catalog.machine()}")
    out(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    folder, names = catalog.storage(args.products, False, 20_000)
    order_names, browsed = names[-ORDER_PRODUCTS:], names[:-ORDER_PRODUCTS]
    if args.browsed:
        browsed = browsed[: args.browsed]
    prepare(folder, order_names)
    flows = personal.load_flows()
    settings = catalog.app_settings(folder, "&connection_cache_size=50000&connection_pool_size=8")
    settings.update(
        {
            "pyramid.includes": "bench.stack_view",
            "shopcms.metrics.token": personal.METRICS_TOKEN,
            "shopcms.session.reissue_time": str(24 * 3600),
            "shopcms.statistics.flush_interval": "60",
            "shopcms.timer.interval": "60",
            **personal.LONG_RUN,
        }
    )
    proc, port = start(SHOP, args.threads, json.dumps(settings), "--count-renders")
    try:
        states = personal.make_states(flows, port, names)
        # A storage's first order adds keys to catalog trees that every product page reads
        # (the index values "order", "placed"): once, as in a shop that ever took an order.
        # Placed before the pages are visited, so that a fresh storage measures the same.
        first = flows.Shopper(f"http://127.0.0.1:{port}")
        first.accept_cookies(f"/nl/products/{order_names[0]}")
        first.place_order(f"/nl/products/{order_names[0]}")
        took = time.perf_counter()
        visit(port, [f"/nl/products/{n}" for n in browsed], states["consent"])
        out(
            f"  visited {len(browsed)} product pages with a consent cookie in "
            f"{time.perf_counter() - took:.1f} s"
        )
        with tempfile.TemporaryDirectory() as scratch:
            mixed_load(args, flows, port, browsed, order_names, states, Path(scratch))
        editor_check(args, port, browsed, states)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
