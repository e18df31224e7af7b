"""The product page with 1,000 published reviews against the same page with none.

In-process (the WSGI application called directly, the shared-page cache off, so every
request is rendered by the view): a fresh site with the demo catalog, the product page of
``mug-cafe`` timed without reviews, then again after 1,000 published reviews (same run,
same machine, same way).  Prints the medians and the ratio; exits 1 when the ratio is over
the target (1.2).  Also prints, for the record, the first rendering after a change (the
section rendered anew rather than kept).

    .venv/bin/python bench/reviews.py --reviews 1000 --rounds 200
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from webob import Request

from shopcms import main
from shopcms.products.content import load_catalog
from shopcms.reviews.resources import Review, guest_key, new_key
from shopcms.reviews.workflow import REVIEW_WORKFLOW
from shopcms.tree.database import site_transaction

ROOT = Path(__file__).resolve().parents[1]
PAGE = "/nl/products/mug-cafe"
TARGET = 1.2


def make_app(folder):
    return main(
        {},
        **{
            "zodbconn.uri": f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs",
            "shopcms.secret": "bench-secret-" + "x" * 40,
            "shopcms.bank.iban": "BE71 0961 2345 6769",
            "shopcms.bank.bic": "GKCCBEBB",
            "shopcms.vault.keys": "gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=",
            "shopcms.mail.queue": f"{folder}/mailqueue",
            "shopcms.page_cache.megabytes": "0",
        },
    )


def plant(site, registry, count):
    pid = site["products"]["mug-cafe"].pid
    folder = site["reviews"].folder_for(pid, registry=registry)
    for n in range(count):
        key = guest_key(f"2026-{n:06}")
        review = Review(
            pid=pid,
            rating=1 + n % 5,
            title=f"Review {n}",
            text="A sturdy mug that keeps coffee warm.\nSecond line.",
            language=("nl", "fr", "en")[n % 3],
            display="full",
            author=None,
            author_key=key,
            shown_name="Anna de Smet",
            email=None,
            verified=bool(n % 2),
        )
        REVIEW_WORKFLOW.initialize(review, actor=key)
        folder.add(new_key(), review, registry=registry)
        REVIEW_WORKFLOW.transition(review, None, "approve", actor="system:bench")


def get(app):
    start = time.perf_counter()
    response = Request.blank(PAGE).get_response(app)
    elapsed = time.perf_counter() - start
    assert response.status_int == 200, response.status
    return elapsed


def median(app, rounds):
    for _n in range(20):
        get(app)
    return statistics.median(get(app) for _n in range(rounds))


def main_(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        with site_transaction(app.registry) as site:
            load_catalog(site, ROOT / "content", ("nl", "fr", "en"), registry=app.registry)
        none = median(app, args.rounds)
        with site_transaction(app.registry) as site:
            plant(site, app.registry, args.reviews)
        first = get(app)
        full = median(app, args.rounds)
    ratio = full / none
    print(f"product page, no reviews:      p50 {none * 1000:7.2f} ms")
    print(f"product page, {args.reviews} reviews: p50 {full * 1000:7.2f} ms  ratio {ratio:.2f}")
    print(f"  (first rendering after the change: {first * 1000:.2f} ms)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main_())
