"""Reviews at scale: the product page with 1,000 reviews, the moderation queue with 10,000.

Builds a FileStorage once under ``var/bench/reviews/`` (``--rebuild`` builds it again): the
seed catalog and pages of ``content/``, a moderator, 1,000 published reviews of one
product (ratings 1-5, three languages, some with a shop reply) and ``--queue`` (10,000)
pending reviews spread over the other products.  Then, in-process through the whole WSGI
stack (webtest), with the cookies real visitors have (so the shared-page cache, which
serves visitors without cookies, does not answer):

- **product page**: ``/nl/products/<with reviews>`` against ``/nl/products/<without>``, a
  visitor with a cookie choice saved; ``--rounds`` rounds after a warm-up, the two pages
  alternating so that both meet the same machine.  Target: the page with 1,000 reviews
  within 1.2x the time of the one without (medians).  Measured twice: as visitors get it
  (the reviews section's rendering kept for its state, the visitor's token put in) and
  with the section rendered anew on every request (the first visitor after a change).
- **moderation queue**: a logged-in moderator's ``/nl/manage/reviews/`` (the first page,
  oldest first) with ``--queue`` pending reviews, against the same page on a database with
  one page's worth (25); and how many reviews the first page loaded from the database: all
  connection caches are emptied before one request, and the non-ghost reviews counted
  after it.  Target: no more reviews loaded than the page shows.

```sh
.venv/bin/python bench/reviews.py            # --rounds 200 --queue 10000
```
"""

import argparse
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

import transaction
from servers import out
from webtest import TestApp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from shopcms import main  # noqa: E402
from shopcms.pages.content import load_pages  # noqa: E402
from shopcms.products.content import load_catalog  # noqa: E402
from shopcms.products.sections import RenderedSections  # noqa: E402
from shopcms.reviews import moderation  # noqa: E402
from shopcms.reviews.resources import (  # noqa: E402
    Review,
    customer_key,
    new_key,
    shown_name,
)
from shopcms.reviews.workflow import REVIEW_WORKFLOW  # noqa: E402
from shopcms.tree.database import site_transaction  # noqa: E402
from shopcms.web.clock import now  # noqa: E402

BENCH = ROOT / "var" / "bench"
MODERATOR = ("moderator@example.be", "a long enough passphrase")
WORDS = [
    "mooi",
    "sterk",
    "handig",
    "groot",
    "klein",
    "warm",
    "zacht",
    "stevig",
    "licht",
    "prachtig",
    "snel",
    "goed",
]
QUEUE_PAGE = 25


def settings(folder):
    return {
        "zodbconn.uri": f"file://{folder}/Data.fs?blobstorage_dir={folder}/blobs"
        "&connection_cache_size=50000",
        "shopcms.secret": "bench-secret-" + "x" * 40,
        "shopcms.languages": "nl fr en",
        "shopcms.login.staff_second_factor": "false",
        "shopcms.mail.queue": f"{folder}/mailqueue",
        "shopcms.mail.host": "127.0.0.1",
        "shopcms.mail.port": "1",
        "shopcms.vault.keys": "gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=",
        "shopcms.statistics.enabled": "false",
        "shopcms.bank.iban": "BE71 0961 2345 6769",
        "shopcms.bank.bic": "GKCCBEBB",
    }


def review(rng, pid, index, state_path):
    author = f"bench{index:06d}"
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
    item = Review(
        pid=pid,
        rating=rng.randint(1, 5),
        title=" ".join(rng.choice(WORDS) for _ in range(3)),
        text=f"{words}.",
        language=rng.choice(("nl", "fr", "en")),
        display=rng.choice(("full", "first-initial", "initials", "anonymous")),
        author=author,
        author_key=customer_key(author),
        shown_name=shown_name("Anna de Smet", "initials"),
        email=None,
        verified=rng.random() < 0.5,
    )
    REVIEW_WORKFLOW.initialize(item, actor=item.author_key)
    return item, state_path


def add_reviews(registry, pid, count, publish, rng, start=0, batch=500):
    """``count`` reviews of product ``pid`` (published or pending), in batches."""
    for first in range(0, count, batch):
        with site_transaction(registry) as site:
            reviews = site["reviews"]
            folder = reviews.folder_for(pid, registry=registry)
            for index in range(start + first, start + min(first + batch, count)):
                item, _ = review(rng, pid, index, None)
                folder.add(new_key(), item, registry=registry)
                reviews.record_author(item.author_key, item)
                if publish:
                    REVIEW_WORKFLOW.transition(item, None, "approve", actor="system:bench")
                    if index % 7 == 0:
                        moderation.reply(item, "Dank u!", "system:bench", now(registry), registry)


def build(folder, queue, published, rebuild):
    """The database of the benchmark (cached); returns its folder."""
    marker = folder / "built"
    if marker.exists() and not rebuild:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    app = main({}, **settings(folder))
    registry = app.registry
    rng = random.Random(13)
    with site_transaction(registry) as site:
        load_catalog(site, ROOT / "content", ("nl", "fr", "en"), registry=registry)
        load_pages(site, ROOT / "content", ("nl", "fr", "en"), now(registry), registry=registry)
        site["customers"].create(*MODERATOR, roles=("moderator",))
        pids = sorted(site["products"].by_pid.keys())
    # pids[0]: the reviews; pids[1]: none; pids[2]: one page's worth; the rest: the queue.
    reviewed, others = pids[0], pids[3:]
    add_reviews(registry, reviewed, published, True, rng)
    add_reviews(registry, pids[2], 10, True, rng, start=published + queue)
    per_product = -(-queue // len(others))
    start = published
    for pid in others:
        count = min(per_product, queue - (start - published))
        if count <= 0:
            break
        add_reviews(registry, pid, count, False, rng, start=start)
        start += count
    registry._zodb_databases[""].close()
    marker.write_text("ok")
    return folder


def open_app(folder):
    app = main({}, **settings(folder))
    return app, TestApp(app, extra_environ={"HTTP_ORIGIN": "http://localhost"})


def product_urls(app):
    with site_transaction(app.registry) as site:
        products = site["products"]
        pids = sorted(products.by_pid.keys())
        with_reviews = products.by_id(pids[0]).__name__
        without = products.by_id(pids[1]).__name__
        ten = products.by_id(pids[2]).__name__
        count = site["reviews"].of_product(pids[0]).aggregates.count
    return f"/nl/products/{with_reviews}", f"/nl/products/{without}", f"/nl/products/{ten}", count


def timed(client, url, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(url, status=200)
        times.append(time.perf_counter() - start)
    return times


def visitor(app, url):
    """A visitor who answered the cookie banner ("refuse"), as most real visitors have: the
    choice cookie makes every page theirs, rendered for them."""
    client = TestApp(app, extra_environ={"HTTP_ORIGIN": "http://localhost"})
    page = client.get(url)
    # WebTest lists a form with an id twice (by number and by id): the first will do.
    banner = next(
        form
        for form in page.forms.values()
        if form.method.lower() == "post"
        and "form" in form.fields
        and form["form"].value == "cookie-banner"
    )
    banner.submit("choice", value="refuse", status=303)
    assert "cookie_consent" in client.cookies
    return client


def moderator(app):
    client = TestApp(app, extra_environ={"HTTP_ORIGIN": "http://localhost"})
    form = client.get("/nl/login").forms["login"]
    form["email"], form["password"] = MODERATOR
    form.submit("login", status=303)
    return client


def reviews_loaded(app, client, url):
    """How many reviews one GET of ``url`` loads: caches emptied first, non-ghosts after."""
    db = app.registry._zodb_databases[""]
    db.cacheMinimize()
    client.get(url, status=200)
    loaded = 0
    for conn in db.pool.all:
        loaded += sum(1 for _oid, obj in conn._cache.lru_items() if isinstance(obj, Review))
    return loaded


def bench_product_page(folder, rounds, kept=True):
    """The product pages with 1,000 reviews, with none and with 10 (one page's worth: what a
    page shows of 1,000 too); ``kept=False``: every request renders the reviews section
    anew (as the first visitor after a change does), instead of the kept rendering."""
    app, _ = open_app(folder)
    if not kept:
        app.registry.shopcms_rendered_sections = RenderedSections(size=0)
    with_url, without_url, ten_url, count = product_urls(app)
    client = visitor(app, without_url)
    urls = (with_url, without_url, ten_url)
    for url in urls:
        timed(client, url, 20)
    times = {url: [] for url in urls}
    for _ in range(rounds):
        for url in urls:
            times[url] += timed(client, url, 1)
    many, none, ten = (statistics.median(times[url]) for url in urls)
    how = "kept section" if kept else "section rendered anew"
    out(f"product page ({how}), {count} published reviews: median {many * 1000:.2f} ms")
    out(f"product page ({how}), no review:                 median {none * 1000:.2f} ms")
    out(f"product page ({how}), 10 published reviews:     median {ten * 1000:.2f} ms")
    ratio = many / none
    out(
        f"ratio to none {ratio:.2f} (target <= 1.20): {'met' if ratio <= 1.2 else 'MISSED'}; "
        f"ratio to 10 reviews {many / ten:.2f}"
    )
    transaction.abort()
    app.registry._zodb_databases[""].close()
    return ratio


def bench_queue(big, small, rounds):
    results = {}
    for name, folder in (("small", small), ("big", big)):
        app, _ = open_app(folder)
        client = moderator(app)
        url = "/nl/manage/reviews/"
        timed(client, url, 10)
        loaded = reviews_loaded(app, client, url)
        results[name] = (statistics.median(timed(client, url, rounds)), loaded)
        app.registry._zodb_databases[""].close()
    (small_t, small_loaded), (big_t, big_loaded) = results["small"], results["big"]
    out(f"queue, {QUEUE_PAGE} pending: median {small_t * 1000:.2f} ms, {small_loaded} loaded")
    out(f"queue, big:       median {big_t * 1000:.2f} ms, {big_loaded} reviews loaded")
    out(
        f"ratio {big_t / small_t:.2f}; reviews loaded {big_loaded} <= {QUEUE_PAGE}: "
        f"{'met' if big_loaded <= QUEUE_PAGE else 'MISSED'}"
    )


def run():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--queue", type=int, default=10000)
    parser.add_argument("--published", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    big = build(
        BENCH / f"reviews-{args.published}-{args.queue}", args.queue, args.published, args.rebuild
    )
    small = build(
        BENCH / f"reviews-{args.published}-{QUEUE_PAGE}", QUEUE_PAGE, args.published, args.rebuild
    )
    bench_product_page(big, args.rounds)
    bench_product_page(big, args.rounds, kept=False)
    bench_queue(big, small, max(20, args.rounds // 4))


if __name__ == "__main__":
    run()
