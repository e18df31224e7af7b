"""What filling a shared page costs in process: the WSGI stack called directly, no server.

``personal.py`` measures pages through waitress, where the server's own work (parsing each
URL, writing headers and body) is most of a cached page's cost; this script takes that
away and measures shopcms alone.  On the bench's 10,000-product catalog
(``catalog.py``'s storage), the visitor states are made through the site's own forms over
HTTP (``flows.py``: a waitress server in this process, only for that), then each row calls
the application (``shopcms.main``, as the servers run it, every layer in front of
Pyramid included) ``--calls`` times per round with that visitor's cookies, after every page
was visited once (the page cache holds them all), and prints the CPU time per call
(``time.process_time``, one thread): the best and the median of ``--rounds`` rounds.  The
hello-world's view called the same way is the baseline.

```sh
.venv/bin/python bench/fill.py            # --calls 2000 --rounds 7
.venv/bin/python bench/fill.py --profile "product page, logged in + cart"
```

``--profile`` runs that one row under cProfile instead and prints where its time goes
(sorted by own time; the whole profile is kept in var/bench/fill.prof), to find what a
fill still does that it need not.
"""

import argparse
import io
import logging
import random
import statistics
import sys
import threading
import time

import flows
import personal
from servers import out

import catalog

ROWS = {
    "product page, no cookie": ("random", None),
    "product page, consent cookie": ("random", "consent"),
    "product page, consent + cart": ("random", "cart"),
    "product page, logged in + cart": ("random", "customer"),
    "filtered listing, consent cookie": (personal.LISTING, "consent"),
    "one-word search, consent cookie": (personal.SEARCH, "consent"),
}


def environ(path, cookie, port):
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(port),
        "HTTP_HOST": f"127.0.0.1:{port}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    return env


def cpu_per_call(app, paths, cookie, port, calls, rounds):
    """(best, median) CPU milliseconds per call over ``rounds`` rounds of ``calls``."""
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    for path in paths[:200]:  # warm: this row's pages once
        b"".join(app(environ(path, cookie, port), start_response))
    assert seen["status"].startswith("200"), seen
    times = []
    for _ in range(rounds):
        began = time.process_time()
        for _ in range(calls):
            b"".join(app(environ(random.choice(paths), cookie, port), start_response))
        times.append((time.process_time() - began) * 1000 / calls)
    return min(times), statistics.median(times)


def profile(app, paths, cookie, port, calls):
    """One warm round of ``calls`` under cProfile; the 40 functions with most own time."""
    import cProfile
    import pstats

    cpu_per_call(app, paths, cookie, port, calls, 1)  # warm
    profiler = cProfile.Profile()
    profiler.enable()
    cpu_per_call(app, paths, cookie, port, calls, 1)
    profiler.disable()
    profiler.dump_stats("var/bench/fill.prof")  # for pstats' callers and callees
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(40)


def hello_app():
    """The baseline's application: ``servers.HELLO``'s view and route, without its server."""
    from pyramid.config import Configurator
    from pyramid.response import Response

    def hello(request):
        return Response("<html><body>Hello</body></html>", content_type="text/html")

    with Configurator() as config:
        config.add_route("hello", "/")
        config.add_view(hello, route_name="hello")
    return config.make_wsgi_app()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", choices=ROWS, help="profile this row instead")
    args = parser.parse_args()
    from waitress.server import create_server

    from shopcms import main as make_app

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # (its 4 threads queue)
    out(f"machine: {catalog.machine()}")
    folder, names = catalog.storage(args.products, False, 20_000)
    personal.add_customer(folder)
    settings = catalog.app_settings(folder, "&connection_cache_size=50000")
    settings["shopcms.session.reissue_time"] = str(24 * 3600)
    settings.update(personal.LONG_RUN)
    app = make_app({}, **settings)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    port = server.effective_port
    threading.Thread(target=server.run, daemon=True).start()
    try:
        states = personal.make_states(flows, port, names)
        products = [f"/nl/products/{name}" for name in names]
        catalog.visit_all(port, products)
        if args.profile:
            path, state = ROWS[args.profile]
            paths = products if path == "random" else [path]
            profile(app, paths, states.get(state), port, args.calls)
            return
        best, median = cpu_per_call(hello_app(), ["/"], None, port, args.calls, args.rounds)
        out("| row | best ms | median ms | x hello's |\n| --- | ---: | ---: | ---: |")
        out(f"| hello-world's app | {best:.3f} | {median:.3f} | 1.0 |")
        for label, (path, state) in ROWS.items():
            paths = products if path == "random" else [path]
            found = cpu_per_call(app, paths, states.get(state), port, args.calls, args.rounds)
            out(f"| {label} | {found[0]:.3f} | {found[1]:.3f} | {found[0] / best:.1f} |")
    finally:
        server.close()
        catalog.close_app(app)


if __name__ == "__main__":
    main()
