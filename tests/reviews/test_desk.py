"""The moderation desk (/manage/reviews/): who enters, the queue and its filter, a review's
page, one action at a time, the shop's reply, the dashboard's count, user text kept inert."""

from datetime import UTC, datetime, timedelta

import pytest

from shopcms.reviews.moderation import report
from shopcms.reviews.resources import Review
from shopcms.tree.events import ObjectModified, notify
from tests.conftest import PASSWORD, Browser, login, make_site
from tests.reviews import desk_fixtures
from tests.reviews.desk_fixtures import action_forms, desk_url, planted, read_review, snapshot
from tests.reviews.factory import plant, product

clients = desk_fixtures.clients
QUEUE = "/nl/manage/reviews/"


def queue_refs(app, query=""):
    page = app.get(QUEUE + query)
    return [row["data-ref"] for row in page.html.select("table.reviews-queue tbody tr")]


def ref(url):
    return "/".join(url.split("/")[-2:])


def main_text(page):
    return page.html.select_one("main").get_text(" ", strip=True)


# -- who enters --------------------------------------------------------------------------


def test_only_moderators_and_administrators_enter(site, clients):
    url = planted(site, title="Secret pending title")
    expected = dict.fromkeys(desk_fixtures.ROLES, 403) | {"moderator": 200, "admin": 200}
    for path in (QUEUE, url):
        seen = {role: clients[role].get(path, status="*").status_int for role in clients}
        assert seen == expected, path
    for role in ("visitor", "customer", "editor", "orders"):
        assert "Secret pending title" not in clients[role].get(url, status=403).text
    # The author of a pending review does not reach it through the desk either.
    assert "Secret pending title" not in clients["author"].get(url, status=403).text
    clients["moderator"].get(url + "x", status=404)


def test_a_moderator_without_the_second_factor_is_a_customer(tmp_path):
    site = make_site(tmp_path, **{"shopcms.login.staff_second_factor": "true"})
    try:
        site.add_account("mod@example.be", roles=("moderator",))
        app = Browser(site.wsgi)
        login(app, "mod@example.be", PASSWORD, status="*")
        app.get(QUEUE, status=403)
        assert "reviews-card" not in app.get("/nl/manage/", status="*").text
    finally:
        site.close()


def test_the_management_page_links_to_the_desk_for_moderators_only(site, clients):
    for role in ("moderator", "admin"):
        page = clients[role].get("/en/manage/")
        assert page.html.select_one("#reviews-card a")["href"] == "/en/manage/reviews/"
    for role in ("editor", "orders"):
        assert "reviews-card" not in clients[role].get("/en/manage/").text


def test_the_dashboard_counts_the_queue(site, clients):
    app = clients["moderator"]
    card = app.get("/en/manage/").html.select_one("#reviews-card")
    assert "No reviews are waiting for moderation." in card.get_text()
    planted(site)
    assert app.get("/en/manage/").html.select_one("#reviews-waiting").get_text() == (
        "1 review is waiting for moderation."
    )
    for _ in range(2):
        planted(site)
    planted(site, state="published")  # not waiting
    with site.edit() as root:  # a reported published review is
        review = plant(root, site.registry, product(root).pid, state="published")
        report(review, "rude", datetime.now(UTC))
    assert app.get("/en/manage/").html.select_one("#reviews-waiting").get_text() == (
        "4 reviews are waiting for moderation."
    )


# -- the queue ---------------------------------------------------------------------------


def test_the_queue_holds_pending_and_reported_reviews_oldest_first(site, clients):
    first = planted(site)
    planted(site, state="published")
    second = planted(site, name="mug-cafe")
    with site.edit() as root:
        reported = plant(root, site.registry, product(root).pid, state="published")
        report(reported, "it is an advert", datetime.now(UTC))
        third = desk_url(reported)
    for state in ("rejected", "hidden", "withdrawn", "spam"):
        planted(site, state=state)
    app = clients["moderator"]
    assert queue_refs(app) == [ref(first), ref(second), ref(third)]
    row = app.get(QUEUE).html.select(f'tr[data-ref="{ref(third)}"]')[0]
    assert row.select_one(".reports").get_text() == "1"
    assert row.select_one('input[type="checkbox"]')["form"] == "queue-bulk"
    assert row.select_one(".queue-product a")["href"] == "/nl/products/mug-cafe"


def test_the_row_shows_what_a_moderator_needs(site, clients):
    long_text = "Word " * 100
    url = planted(
        site, rating=2, language="fr", title="Trop petit", text=long_text, verified=True,
        display="initials",
    )  # fmt: skip
    page = clients["moderator"].get("/en/manage/reviews/")
    row = page.html.select_one(f'tr[data-ref="{ref(url)}"]')
    assert row.select_one(".rating").get_text() == "2"
    assert row.select_one(".review a").get_text() == "Trop petit"
    assert row.select_one(".review a")["href"] == url.replace("/nl/", "/en/")
    excerpt = row.select_one(".excerpt").get_text()
    assert excerpt.endswith("\u2026") and len(excerpt) <= 141
    assert row.select_one(".language").get_text() == "FR"
    assert row.select_one(".name").get_text() == "A. d. S."
    assert row.select_one(".verified").get_text() == "yes"
    assert row.select_one(".queue-product a").get_text() == "Café Cactus mug"


def test_the_filter_narrows_the_queue(site, clients):
    app = clients["moderator"]
    nl = planted(site, rating=5, language="nl")
    fr = planted(site, rating=1, language="fr")
    other = planted(site, rating=5, language="nl", name="opuntia-microdasys")
    rejected = planted(site, state="rejected")
    with site.edit() as root:
        pid, key = ref(nl).split("/")
        review = root["reviews"][pid][key]
        review.created = datetime.now(UTC) - timedelta(days=10)  # written ten days ago
        notify(ObjectModified(review), site.registry)
        other_pid = root["products"]["opuntia-microdasys"].pid
    assert queue_refs(app, "?rating=1") == [ref(fr)]
    assert queue_refs(app, "?language=nl") == [ref(nl), ref(other)]
    assert queue_refs(app, f"?product={other_pid}") == [ref(other)]
    assert queue_refs(app, "?state=rejected") == [ref(rejected)]
    assert queue_refs(app, "?older_than=7") == [ref(nl)]
    assert queue_refs(app, "?older_than=7&rating=1") == []
    page = app.get(QUEUE + "?rating=1")
    assert page.html.select_one("#queue-filter-rating option[selected]")["value"] == "1"


@pytest.mark.parametrize(
    "query",
    ["?rating=9", "?rating=x", "?language=de", "?state=lost", "?older_than=-1", "?product=a"],
)
def test_a_bad_filter_answers_400_with_a_message_and_the_whole_queue(site, clients, query):
    url = planted(site)
    page = clients["moderator"].get(QUEUE + query, status=400)
    assert page.html.select_one("#queue-filter .error-summary") is not None
    assert [row["data-ref"] for row in page.html.select("tbody tr")] == [ref(url)]


def test_the_queue_pages_by_25(site, clients):
    with site.edit() as root:
        pid = product(root).pid
        for n in range(30):
            plant(root, site.registry, pid, title=f"Review {n:02d}")
    app = clients["moderator"]
    first = app.get(QUEUE).html
    assert [a.get_text() for a in first.select("tbody .review a")] == [
        f"Review {n:02d}" for n in range(25)
    ]
    assert first.select_one("#queue-total").get_text() == "30 recensies"
    second = app.get(QUEUE + "?page=2").html
    assert [a.get_text() for a in second.select("tbody .review a")] == [
        f"Review {n:02d}" for n in range(25, 30)
    ]


# -- one review --------------------------------------------------------------------------


def test_the_review_page_shows_everything_about_it(site, clients):
    aid = desk_fixtures.author_id(site)
    earlier = planted(site, state="published", author=aid, name="opuntia-microdasys", title="Nice")
    url = planted(site, author=aid, text="First line\nsecond line\n\nA new paragraph here.")
    with site.edit() as root:
        pid, key = ref(url).split("/")
        report(root["reviews"][pid][key], "Mentions my neighbour by name", datetime.now(UTC))
    page = clients["moderator"].get(url)
    paragraphs = page.html.select(".review-text p")
    assert [p.get_text("|") for p in paragraphs] == [
        "First line|second line",
        "A new paragraph here.",
    ]
    assert page.html.select_one(".reports .reason").get_text() == "Mentions my neighbour by name"
    assert [a["href"] for a in page.html.select(".earlier a")] == [earlier]
    assert page.html.select_one(".review-product a").get_text() == "Mok Café Cactus"
    assert set(action_forms(page)) == {"approve", "reject", "spam"}
    history = page.html.select("table.history tbody tr")
    assert len(history) == 1


def test_approve_from_the_page(site, clients):
    url = planted(site, rating=5, lang="en")  # the state's label is asserted in English
    app = clients["moderator"]
    form = action_forms(app.get(url))["approve"]
    form["text"] = "Fine"
    page = form.submit("run", status=303).follow()
    assert "Waiting" not in page.html.select_one(".state").get_text()
    assert page.html.select_one(".state")["data-state"] == "published"
    entry = read_review(site, url, lambda r: r.workflow_history[-1])
    assert (entry.transition, entry.comment) == ("approve", "Fine")
    assert "moderator-user@example.be" in page.html.select_one("table.history tbody tr").text
    rating = site.read(lambda root: (product(root).rating, product(root).rating_count))
    assert rating == (5.0, 1)
    # The page now offers what a published review allows.
    assert set(action_forms(page)) == {"hide", "spam"}


def test_a_rejection_needs_a_reason_and_other_needs_a_text(site, clients):
    url = planted(site, lang="en")  # the messages asserted are the English ones
    app = clients["moderator"]
    before = snapshot(site, url)
    form = action_forms(app.get(url))["reject"]
    refused = form.submit("run", status=400)
    assert "Choose a reason for the rejection." in refused.text
    assert snapshot(site, url) == before
    form = action_forms(refused)["reject"]
    form["reason"] = "other"
    refused = form.submit("run", status=400)
    assert "Say why the review is rejected." in refused.text
    assert snapshot(site, url) == before
    form = action_forms(refused)["reject"]
    form["reason"] = "other"
    form["text"] = "Please write about the mug."
    page = form.submit("run", status=303).follow()
    assert read_review(site, url, lambda r: (r.workflow_state, r.rejection)) == (
        "rejected",
        ("other", "Please write about the mug."),
    )
    assert "Please write about the mug." in page.html.select_one(".rejection").get_text()


def test_a_stale_page_is_told_who_moved_the_review(site, clients):
    url = planted(site)
    first, second = clients["moderator"], clients["admin"]
    stale = action_forms(second.get(url))["approve"]
    reject = action_forms(first.get(url))["reject"]
    reject["reason"] = "advertising"
    reject.submit("run", status=303)
    answer = stale.submit("run", status=409)
    said = answer.html.select_one("#already-moved .moved").get_text()
    assert "moderator-user@example.be" in said
    assert answer.html.select_one("#already-moved a")["href"] == url
    history = read_review(site, url, lambda r: [e.transition for e in r.workflow_history])
    assert history == [None, "reject"]


def test_the_shop_replies_and_removes_the_reply(site, clients):
    url = planted(site, state="published")
    app = clients["moderator"]
    form = app.get(url).forms["review-reply"]
    form["reply"] = "Thank you!\nWe are glad."
    page = form.submit("save", status=303).follow()
    assert [p.get_text() for p in page.html.select(".shop-reply p")] == [
        "Thank you!",
        "We are glad.",
    ]
    assert read_review(site, url, lambda r: r.reply[0]) == "Thank you!\nWe are glad."
    page = page.forms["review-reply"].submit("remove", status=303).follow()
    assert read_review(site, url, lambda r: r.reply) is None
    assert not page.html.select(".shop-reply")


# -- user text stays text ----------------------------------------------------------------

PAYLOADS = (
    "<script>alert('t')</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "https://evil.example/phish",
    "<svg onload=alert(1)>",
    "{{7*7}} ${7*7}",
)


def _inert(page):
    html = page.html
    assert not [s for s in html.select("script") if "alert" in (s.string or "")]
    assert not html.select("[onerror], [onload]")
    assert not html.select("img[src=x], svg")
    assert not [a for a in html.select("a[href]") if "javascript:" in a["href"]]
    assert not [a for a in html.select("a[href]") if "evil.example" in a["href"]]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert_on_the_desk(site, clients, payload):
    aid = desk_fixtures.author_id(site)
    earlier = f"Earlier {payload} x" * 3
    planted(site, author=aid, name="opuntia-microdasys", title=payload, text=earlier)
    url = planted(site, author=aid, title=payload, text=f"Text {payload}\nmore {payload} text")
    with site.edit() as root:
        pid, key = ref(url).split("/")
        review = root["reviews"][pid][key]
        report(review, payload, datetime.now(UTC))
        review.set_reply(f"Reply {payload}", "system:test")
    app = clients["moderator"]
    queue = app.get(QUEUE)
    _inert(queue)
    assert payload in queue.html.select_one("tbody .review a").get_text()
    page = app.get(url)
    _inert(page)
    assert payload in page.html.select_one(".reports .reason").get_text()
    assert payload in page.html.select_one(".review-title").get_text()
    assert f"Reply {payload}" in page.html.select_one(".shop-reply").get_text()
    assert payload in page.html.select_one(".earlier a").get_text()


# -- the queue answers from the catalog ----------------------------------------------------


def reviews_in_memory(db):
    """How many reviews are loaded (not ghosts) in the connections' caches."""
    loaded = []

    def count(connection):
        loaded.extend(obj for _oid, obj in connection._cache.lru_items() if isinstance(obj, Review))

    db._connectionMap(count)
    return len(loaded)


def test_the_first_page_of_a_long_queue_loads_only_the_reviews_shown(site, clients):
    with site.edit() as root:
        pids = [root["products"][name].pid for name in ("mug-cafe", "opuntia-microdasys")]
        for n in range(400):
            plant(root, site.registry, pids[n % 2], state=("pending", "published")[n % 4 == 3])
    app = clients["moderator"]
    db = site.registry._zodb_databases[""]
    db.cacheMinimize()  # every review a ghost: what the page needs is loaded again
    assert reviews_in_memory(db) == 0
    page = app.get(QUEUE)
    assert page.html.select_one("#queue-total")["data-count"] == "300"
    assert len(page.html.select("tbody tr")) == 25
    assert reviews_in_memory(db) == 25
    db.cacheMinimize()
    app.get(QUEUE + "?page=12&language=nl")
    assert reviews_in_memory(db) == 25
