"""Issue 18's table in one run: pages as visitors with cookies get them, and the peers.

Every row is measured the same way, on the bench's 10,000-product catalog
(``catalog.py``'s storage): a hello-world run (``servers.HELLO``) right before the
target's run, each ``wrk -t2 -c16 --latency`` for ``--seconds``; ``--pairs`` such pairs
per row (rows interleaved, so a drift of the machine hits every row alike); the row's
figures are the medians of its pairs' ratios: requests per second as a share of the
hello-world's, and the server's CPU time per request (``/proc/PID/stat``) as a multiple of
the hello-world's.

The visitor states are made through real HTTP, as a browser makes them (``flows.py``):
"accept all" on the cookie banner (``cookie_consent``), then one product in the cart (a
session), and a customer (created verified in the storage) logged in with one product
in the cart.  They are made once, before the pages are visited, and the server's
``shopcms.session.reissue_time`` is a day, so no session is due for reissue during the run
(a browser would take the reissued cookie; wrk sends the same one); what each state's
answer sets (every request of the row gets the same) is printed.

Rows: the product page (random of 10,000) without cookie, with consent, consent + cart,
logged in + cart; the filtered listing and a one-word search with consent; the stack
alone (``bench/stack_view.py``, for the record); the ceiling (:data:`CEILING`: a
hello-world answering the consent row's page, bytes and headers, at the same random URLs
with the same cookie: what no implementation on waitress's threads can beat), and the same
on shopcms's server answering every request on its event loop (``shopcms.web.serving``,
as shopcms answers the pages its cache holds: what shopcms cannot beat); the peers
(``peers/``): Substance D 1.0's document page (random of 10,000) and a plain traversal +
ZODB + Chameleon product page (random of 10,000).  Before its pairs every random-page
target has each of its pages visited once (the page cache and the ZODB caches are warm, as
in a shop that runs).

``--profile`` samples the server with py-spy (``--gil``) during one more run of each row
that misses its target and prints the top functions by own and by total samples.
"""

import argparse
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from servers import HELLO, SHOP, cpu_seconds, out, start

import catalog

ROOT = Path(__file__).resolve().parents[1]
CUSTOMER = ("bench-customer@example.be", "bench-password-1234")
LISTING = (
    f"/nl/products/?category={catalog.LISTING_CATEGORY}"
    f"&min={catalog.PRICE_MIN}&max={catalog.PRICE_MAX}&sort=price"
)
SEARCH = f"/nl/products/?q={catalog.TEXT_WORD}"
METRICS_TOKEN = "bench-metrics-token"  # noqa: S105 (a loopback bench server's)

#: A run takes minutes: the page cache's ``max_age`` (300 s, a bound for the hourly CSRF
#: token of shared pages) would expire every page visited before the pairs at once, in the
#: middle of the rows; a warm cache is measured, as the issue's table did (its rows ran
#: within 300 s of their warm-up).
LONG_RUN = {"shopcms.page_cache.max_age": "3600"}

#: The row of what no implementation can beat: a hello-world that answers every random
#: product URL with the bytes and headers of the consent row's product page (:data:`CEILING`).
CEILING_ROW = "ceiling: hello-world answering the consent page's bytes"
#: The same on shopcms's server (``shopcms.web.serving``), every request answered on its
#: event loop as shopcms answers the pages its cache holds: what shopcms cannot beat.
LOOP_CEILING_ROW = "ceiling on the loop: the same, answered by waitress's event loop"

#: label -> (server, path or "random", visitor state, target share of hello-world)
ROWS = {
    "product page, no cookie": ("shop", "random", None, None),
    "product page, consent cookie": ("shop", "random", "consent", 0.8),
    "product page, consent + cart": ("shop", "random", "cart", 0.6),
    "product page, logged in + cart": ("shop", "random", "customer", 0.5),
    "filtered listing, consent cookie": ("shop", LISTING, "consent", 0.6),
    "one-word search, consent cookie": ("shop", SEARCH, "consent", 0.6),
    "stack, empty view": ("shop", "/nl/bench-nothing", None, None),
    CEILING_ROW: ("ceiling", "random", "consent", None),
    LOOP_CEILING_ROW: ("ceiling-loop", "random", "consent", None),
    "Substance D 1.0 document (peer)": ("substanced", "random", None, None),
    "plain traversal+ZODB+Chameleon (peer)": ("plain", "random", None, None),
}
PERSONAL_PRODUCT_ROWS = [
    label for label in ROWS if label.startswith("product page, ") and ROWS[label][2]
]
PLAIN = "plain traversal+ZODB+Chameleon (peer)"

#: The ceiling's server: Pyramid's hello-world view (as ``servers.HELLO``) on a route that
#: takes any path, answering the status, headers and body of one product page as shopcms
#: answered it to the consent row's visitor (a JSON file, argv[3]).  It does nothing a page
#: needs (no cookie read, no lookup, no fill): its ratio is the most the consent row can
#: reach on this server, client and machine, whatever shopcms does.
CEILING = textwrap.dedent(
    """
    import base64
    import json
    import logging
    import sys
    from pyramid.config import Configurator
    from pyramid.response import Response
    from waitress import serve

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    page = json.load(open(sys.argv[3]))
    body = base64.b64decode(page["body"])
    headers = [tuple(h) for h in page["headers"]]

    def ceiling(request):
        return Response(body=body, status=page["status"], headerlist=list(headers))

    with Configurator() as config:
        config.add_route("any", "/*path")
        config.add_view(ceiling, route_name="any")
    app = config.make_wsgi_app()
    if sys.argv[4:] == ["--loop"]:
        # shopcms's server, told that every request is a page its cache holds.
        from shopcms.web.serving import serve

        class Always:
            def answers_quickly(self, environ):
                return True

        app.registry.shopcms_page_cache = Always()
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), _quiet=True)
    """
)

RANDOM_LUA = textwrap.dedent(
    """
    local names = {}
    for line in io.lines("%(names)s") do names[#names + 1] = line end
    local counter = 0
    function setup(thread) counter = counter + 1; thread:set("thread_id", counter) end
    function init(args) math.randomseed(os.time() * 1000 + (thread_id or 0)) end
    local headers = {}
    local cookie = [[%(cookie)s]]
    if cookie ~= "" then headers["Cookie"] = cookie end
    request = function()
      return wrk.format("GET", "%(prefix)s" .. names[math.random(#names)], headers)
    end
    """
)


def load_flows():
    """``flows`` (the checkout helper's ``bench/flows.py``); until it is merged here, the
    ``checkout`` branch's copy."""
    try:
        import flows
    except ImportError:
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", "checkout:bench/flows.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        folder = catalog.CACHE / "flows-from-checkout"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "flows.py").write_text(text)
        sys.path.insert(0, str(folder))
        import flows
    return flows


def add_customer(folder):
    """The bench's customer (verified, as staff would make it) in the storage, once."""
    from shopcms import main
    from shopcms.tree.database import site_transaction

    app = main({}, **catalog.app_settings(folder))
    try:
        with site_transaction(app.registry) as site:
            if site["customers"].find(CUSTOMER[0]) is None:
                site["customers"].create(*CUSTOMER, language="nl")
    finally:
        catalog.close_app(app)


def make_states(flows, port, names):
    """Cookie headers of the visitor states, each made through the site's own forms.

    Each shopper then views one more product page, as a browser goes on after adding to
    its cart: the first page after the cart's POST sets the session once more (its CSRF
    token is kept in it), so its cookie of before would have every answer set it again.
    """
    base = f"http://127.0.0.1:{port}"
    product = f"/nl/products/{names[1]}"
    states = {}
    other = f"/nl/products/{names[2]}"
    consent = flows.Shopper(base)
    consent.accept_cookies(product)
    consent.get(other)  # as a browser goes on: the cookies settle (see below)
    states["consent"] = consent.cookie_header()
    cart = flows.Shopper(base)
    cart.accept_cookies(product)
    cart.add_to_cart(product)
    cart.get(other)
    states["cart"] = cart.cookie_header()
    customer = flows.Shopper(base)
    customer.accept_cookies(product)
    customer.login(*CUSTOMER)
    customer.add_to_cart(product)
    customer.get(other)
    states["customer"] = customer.cookie_header()
    for shopper in (consent, cart, customer):
        shopper.close()
    return states


def capture_page(port, path, cookie, file):
    """Write shopcms's answer to ``path`` for ``cookie`` (status, headers, body) to ``file``
    as :data:`CEILING` reads it."""
    import base64
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    # Without the hop-by-hop and length headers waitress writes itself.
    headers = [
        (k, v)
        for k, v in response.getheaders()
        if k.lower() not in ("content-length", "connection", "date", "server")
    ]
    page = {
        "status": f"{response.status} {response.reason}",
        "headers": headers,
        "body": base64.b64encode(body).decode(),
    }
    file.write_text(json.dumps(page))


def first_answer(port, path, cookie):
    """(status, names of the cookies set) of one GET: a state must not be re-set."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    sets = [c.split("=", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    return response.status, sets


def wrk_run(port, pid, path, seconds, script=None, cookie=None):
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    elif cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    before = cpu_seconds(pid)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    cpu = cpu_seconds(pid) - before
    result = catalog.parse_wrk(done.stdout)
    result["cpu_ms"] = cpu * 1000 / max(result["requests"], 1)
    return result


class Target:
    """One row: its server, how wrk requests it (path or random script), its cookie."""

    def __init__(self, label, server, path, state, scratch, names, prefix):
        self.label, self.server, self.path, self.state = label, server, path, state
        self.scratch, self.names, self.prefix = scratch, names, prefix
        self.pairs = []
        self.cookie = ""

    def script(self):
        if self.path != "random":
            return None
        file = self.scratch / f"{abs(hash(self.label))}.lua"
        names = self.scratch / f"names-{self.server}.txt"
        if not names.exists():
            names.write_text("\n".join(self.names) + "\n")
        file.write_text(RANDOM_LUA % {"names": names, "cookie": self.cookie, "prefix": self.prefix})
        return file

    def first_path(self):
        return self.prefix + self.names[0] if self.path == "random" else self.path

    def run(self, servers, seconds):
        proc, port = servers[self.server]
        return wrk_run(port, proc.pid, self.first_path(), seconds, self.script(), self.cookie)


def servers_for(args, folder, wanted):
    """Start the servers the chosen rows need; {name: (process, port)}."""
    from peers import plain, substanced

    settings = catalog.app_settings(folder, args.zodb_options)
    settings["pyramid.includes"] = "bench.stack_view"
    settings["shopcms.metrics.token"] = METRICS_TOKEN
    # The visitor states are made once: their session must not be due for reissue (every
    # answer would then set it anew) within the run; a real browser takes the new cookie.
    settings["shopcms.session.reissue_time"] = str(24 * 3600)
    settings.update(LONG_RUN)
    if args.cache_megabytes:
        settings["shopcms.page_cache.megabytes"] = str(args.cache_megabytes)
    started = {"hello": start(HELLO, args.threads)}
    peers = {}
    if "shop" in wanted:
        started["shop"] = start(SHOP, args.threads, json.dumps(settings))
    if "plain" in wanted:
        plain_folder, peers["plain"] = plain.build(args.products)
        started["plain"] = start(plain.SERVER, args.threads, str(plain_folder))
    if "substanced" in wanted:
        sd_folder, peers["substanced"] = substanced.build(args.products)
        started["substanced"] = start(
            substanced.server_code(),
            args.threads,
            json.dumps(substanced.settings(sd_folder)),
            python=str(substanced.PYTHON),
        )
    return started, peers


def cache_state(servers):
    """The page cache's gauges and counters as ``/metrics`` has them (one line)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", servers["shop"][1], timeout=60)
    conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    text = conn.getresponse().read().decode()
    conn.close()
    found = [
        line
        for line in text.splitlines()
        if line.startswith("shopcms_page_cache")
        and not line.startswith("#")
        and "_created" not in line
    ]
    return "; ".join(found)


def profile(target, servers, seconds, top=15):
    """py-spy (``--gil``) on the target's server during one run: top own and total."""
    proc, _port = servers[target.server]
    raw = target.scratch / "profile.txt"
    spy = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(proc.pid),
            "--duration",
            str(seconds),
            "--gil",
            "--rate",
            "250",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    target.run(servers, seconds)
    spy.wait()
    own, total, samples = {}, {}, 0
    for line in raw.read_text().splitlines():
        stack, _sp, count = line.rpartition(" ")
        frames = []
        for frame in stack.split(";"):
            match = re.fullmatch(r"(.*) \((.*):\d+\)", frame)
            name, file = (match[1], match[2]) if match else (frame, "")
            where = file.split("/src/", 1)[-1] if "shopcms/" in file else file.rsplit("/", 1)[-1]
            frames.append(f"{name} ({where})")
        n = int(count)
        samples += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            if "(shopcms/" in frame:  # total: shopcms's own functions (what it could cut)
                total[frame] = total.get(frame, 0) + n
    out(f"\nprofile: {target.label} (py-spy --gil, {samples} samples)")
    for title, table in (("own time", own), ("total time, shopcms's functions", total)):
        out(f"  top {top} by {title}:")
        for frame, n in sorted(table.items(), key=lambda item: -item[1])[:top]:
            out(f"    {n / max(samples, 1):6.1%}  {frame}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=4, help="each wrk run of a pair")
    parser.add_argument("--pairs", type=int, default=3, help="pairs per row (median)")
    parser.add_argument("--warmup", type=int, default=2, help="a row's warm-up run (s)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--only", action="append", help="rows whose label contains this")
    parser.add_argument(
        "--sample", type=int, default=0, help="random pages among the first N only (trials)"
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the missed rows")
    parser.add_argument(
        "--cache-megabytes",
        type=int,
        default=0,
        help="shopcms.page_cache.megabytes (default: the application's, as production.ini)",
    )
    parser.add_argument(
        "--zodb-options",
        default="&connection_cache_size=50000&connection_pool_size=8",
        help="added to shopcms's zodbconn.uri (as production.ini)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the servers stop too (finally)
    labels = [label for label in ROWS if not args.only or any(o in label for o in args.only)]
    out(f"machine: {catalog.machine()}")
    out(f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    folder, names = catalog.storage(args.products, False, 20_000)
    add_customer(folder)
    flows = load_flows()
    wanted = {ROWS[label][0] for label in labels}
    if wanted & {"ceiling", "ceiling-loop"}:
        wanted.add("shop")  # (the page it answers is shopcms's)
    servers, peers = servers_for(args, folder, wanted)
    prefixes = {
        "shop": "/nl/products/",
        "plain": "/",
        "substanced": "/",
        "ceiling": "/nl/products/",
        "ceiling-loop": "/nl/products/",
    }
    all_names = {"shop": names, "ceiling": names, "ceiling-loop": names, **peers}
    if args.sample:
        all_names = {server: found[: args.sample] for server, found in all_names.items()}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            targets = [
                Target(
                    label,
                    ROWS[label][0],
                    ROWS[label][1],
                    ROWS[label][2],
                    Path(scratch),
                    all_names[ROWS[label][0]],
                    prefixes[ROWS[label][0]],
                )
                for label in labels
            ]
            hello = Target("hello", "hello", "/", None, Path(scratch), [], "")
            states = make_states(flows, servers["shop"][1], names) if "shop" in servers else {}
            if wanted & {"ceiling", "ceiling-loop"}:
                page = Path(scratch) / "ceiling.json"
                capture_page(
                    servers["shop"][1], f"/nl/products/{names[3]}", states["consent"], page
                )
                if "ceiling" in wanted:
                    servers["ceiling"] = start(CEILING, args.threads, str(page))
                if "ceiling-loop" in wanted:
                    servers["ceiling-loop"] = start(CEILING, args.threads, str(page), "--loop")
            primed = set()
            for target in targets:  # warm: every random page once, then a short run
                target.cookie = states.get(target.state, "")
                if target.path == "random" and target.server not in primed:
                    port = servers[target.server][1]
                    paths = [target.prefix + name for name in target.names]
                    took = catalog.visit_all(port, paths)
                    out(f"  {target.server}: visited all {len(paths)} pages once in {took:.1f} s")
                    primed.add(target.server)
            for target in targets:
                status, sets = first_answer(
                    servers[target.server][1], target.first_path(), target.cookie
                )
                out(f"  {target.label}: HTTP {status}, sets cookies {sets or 'none'}")
                if args.warmup:
                    target.run(servers, args.warmup)
            for round_ in range(args.pairs):
                for target in targets:
                    base = hello.run(servers, args.seconds)
                    result = target.run(servers, args.seconds)
                    target.pairs.append((base, result))
                    bad = result["non2xx"] or result["socket_errors"]
                    out(
                        f"  round {round_ + 1} {target.label}: {result['rps']:.0f} req/s "
                        f"against {base['rps']:.0f}"
                        + (
                            f"  !! non-2xx {result['non2xx']} {result['socket_errors']}"
                            if bad
                            else ""
                        )
                    )
            missed = report(args, targets)
            if "shop" in servers:
                out("shopcms's page cache after the run (/metrics): " + cache_state(servers))
            if args.profile:
                for target in targets:
                    if target.label in missed:
                        if target.state:
                            target.cookie = make_states(flows, servers["shop"][1], names)[
                                target.state
                            ]
                        profile(target, servers, max(args.seconds, 5))
    finally:
        for proc, _port in servers.values():
            proc.terminate()
            proc.wait()


def report(args, targets):
    """Print the table (markdown) and the acceptance verdicts; the labels missed."""
    out()
    out(
        f"wrk -t2 -c16 {args.seconds} s per run, waitress threads={args.threads}, "
        f"{args.pairs} pairs per row (hello-world right before each run), medians; "
        f"{args.products} products"
    )
    out(
        "| page | of hello-world (pairs) | server CPU per request, x hello's | CPU ms/req | "
        "p50 ms | p99 ms | target | met? |"
    )
    out("| --- | --- | --- | ---: | ---: | ---: | --- | --- |")
    hello_cpu = statistics.median(b["cpu_ms"] for t in targets for b, _r in t.pairs)
    hello_rps = statistics.median(b["rps"] for t in targets for b, _r in t.pairs)
    out(
        f"| hello-world (baseline) | 1.00 ({hello_rps:,.0f} req/s) | 1.0 | {hello_cpu:.3f} "
        "| | | | |"
    )
    missed, cpu_of = set(), {}
    for target in targets:
        ratios = sorted(r["rps"] / b["rps"] for b, r in target.pairs)
        cpus = sorted(r["cpu_ms"] / b["cpu_ms"] for b, r in target.pairs)
        ratio, cpu = statistics.median(ratios), statistics.median(cpus)
        cpu_of[target.label] = cpu
        goal = ROWS[target.label][3]
        verdict = "" if goal is None else ("yes" if ratio >= goal else "no")
        if verdict == "no":
            missed.add(target.label)
        cell = (
            f"{ratio:.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})" if len(ratios) > 1 else f"{ratio:.2f}"
        )
        out(
            f"| {target.label} | {cell} | {cpu:.1f} | "
            f"{statistics.median(r['cpu_ms'] for _b, r in target.pairs):.3f} | "
            f"{statistics.median(r['p50'] for _b, r in target.pairs):.2f} | "
            f"{statistics.median(r['p99'] for _b, r in target.pairs):.2f} | "
            f"{'' if goal is None else f'>= {goal}'} | {verdict} |"
        )
    if PLAIN in cpu_of:
        for label in PERSONAL_PRODUCT_ROWS:
            if label in cpu_of:
                ok = cpu_of[label] <= cpu_of[PLAIN]
                out(
                    f"CPU per request, {label}: {cpu_of[label]:.1f} x hello's against the "
                    f"plain peer's {cpu_of[PLAIN]:.1f}: {'met' if ok else 'MISSED'}"
                )
                if not ok:
                    missed.add(label)
    return missed


if __name__ == "__main__":
    main()
