"""Public pages against a bare Pyramid hello-world, served the same way.

Each application runs in its own process under waitress (same thread count) on
127.0.0.1; a client process-pool of keep-alive connections loads it for a fixed time after
a warm-up.  Only loopback addresses are used.  Prints rps, p50, p99 and the ratio to the
baseline.
"""

import argparse
import http.client
import statistics
import sys
import tempfile
import textwrap
import threading
import time

from servers import HELLO, start

SHOP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from shopcms.web.serving import serve
    from shopcms import main
    from shopcms.web.clock import now
    from shopcms.pages.content import load_pages
    from shopcms.tree.database import site_transaction

    folder = sys.argv[3]
    app = main({}, **{
        "zodbconn.uri": f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs",
        "shopcms.secret": "bench-secret-" + "x" * 40,
        "shopcms.bank.iban": "BE71 0961 2345 6769",
        "shopcms.bank.bic": "GKCCBEBB",
        "shopcms.vault.keys": "gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=",
        "shopcms.mail.queue": f"{folder}/mailqueue",
    })
    with site_transaction(app.registry) as site:
        load_pages(site, Path("content").resolve(), ("nl", "fr", "en"), now(app.registry),
                   registry=app.registry)
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), _quiet=True)
    """
)


def load(port, path, seconds, connections):
    """Keep ``connections`` keep-alive clients busy for ``seconds``; returns latencies (s)."""
    latencies, lock = [], threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
            began = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            mine.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def summary(latencies, seconds):
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1] if ordered else 0
    return len(ordered) / seconds, statistics.median(ordered), p99


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        targets = [
            ("hello-world (baseline)", (HELLO,), "/"),
            ("home /nl/", (SHOP, folder), "/nl/"),
            ("policy /fr/privacy", (SHOP, folder), "/fr/privacy"),
        ]
        for label, (code, *extra), path in targets:
            proc, port = start(code, args.threads, *extra)
            try:
                load(port, path, args.warmup, args.connections)
                rows.append(
                    (
                        label,
                        *summary(load(port, path, args.seconds, args.connections), args.seconds),
                    )
                )
            finally:
                proc.terminate()
                proc.wait()
    base = rows[0][1]
    sys.stdout.write(f"{'target':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs base':>8}\n")
    for label, rps, p50, p99 in rows:
        sys.stdout.write(
            f"{label:<24} {rps:>9.0f} {p50 * 1000:>8.2f} {p99 * 1000:>8.2f} {rps / base:>8.2f}\n"
        )


if __name__ == "__main__":
    main()
