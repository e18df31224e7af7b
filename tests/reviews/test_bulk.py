"""One action on many reviews ticked in the queue: one POST, one transaction, exact counts.

The queue's checkboxes belong to the bulk form through their ``form`` attribute (they stand
in the table's rows), which WebTest's forms do not follow: the tests post what a browser
posts, the form's fields and every ticked ``selected``.
"""

from shopcms.reviews import aggregates
from shopcms.reviews.workflow import REVIEW_WORKFLOW
from tests.reviews import desk_fixtures
from tests.reviews.desk_fixtures import desk_url, read_review, snapshot
from tests.reviews.factory import plant

clients = desk_fixtures.clients
QUEUE = "/en/manage/reviews/"
PRODUCTS = ("mug-cafe", "opuntia-microdasys", "cereus-peruvianus", "rhipsalis-baccifera")


def ref(url):
    return "/".join(url.split("/")[-2:])


def bulk(app, refs, action="approve", status=303, **fields):
    token = app.get(QUEUE).html.select_one('input[name="csrf_token"]')["value"]
    data = [("csrf_token", token), ("action", action), ("apply", "apply")]
    data += list(fields.items())
    data += [("selected", item) for item in refs]
    return app.post(QUEUE + "bulk", data, status=status)


def notice(page):
    return " ".join(n.get_text(" ", strip=True) for n in page.html.select(".notice.info"))


def storage_of(site):
    return site.registry._zodb_databases[""].storage


def transactions_since(storage, tid):
    return [t.tid for t in storage.iterator(tid) if t.tid > tid]


def stored_aggregates(root, pid):
    folder = root["reviews"].of_product(pid)
    product = root["products"].by_id(pid)
    counts = folder.aggregates
    return (
        counts.count,
        counts.average,
        counts.distribution(),
        counts.language_counts(),
        product.rating,
        product.rating_count,
    )


def test_two_hundred_reviews_approved_in_one_request_and_one_transaction(site, clients):
    refs = []
    with site.edit() as root:
        pids = [root["products"][name].pid for name in PRODUCTS]
        already = plant(root, site.registry, pids[0], rating=1, state="published", author="x")
        for n in range(200):
            review = plant(
                root,
                site.registry,
                pids[n % len(pids)],
                rating=n % 5 + 1,
                language=("nl", "fr", "en")[n % 3],
                author=f"customer-{n}",
            )
            refs.append(ref(desk_url(review)))
    assert already.workflow_state == "published"
    app = clients["moderator"]
    token_page = app.get(QUEUE)
    storage = storage_of(site)
    before = storage.lastTransaction()
    data = [("csrf_token", token_page.forms["queue-bulk"]["csrf_token"].value)]
    data += [("action", "approve"), ("apply", "apply"), *(("selected", r) for r in refs)]
    answer = app.post(QUEUE + "bulk", data, status=303)
    assert len(transactions_since(storage, before)) == 1
    assert "200 reviews approved" in notice(answer.follow())
    with site.edit() as root:
        states = {root["reviews"][r.split("/")[0]][r.split("/")[1]].workflow_state for r in refs}
        assert states == {"published"}
        for pid in pids:
            stored = stored_aggregates(root, pid)
            aggregates.recount(root["reviews"].of_product(pid))
            assert stored_aggregates(root, pid) == stored
        # 50 reviews per product, ratings spread evenly; the first product has one more.
        assert stored_aggregates(root, pids[1])[:2] == (50, 3.0)
        assert stored_aggregates(root, pids[0])[0] == 51
    assert queue_total(app) == "0"


def queue_total(app):
    return app.get(QUEUE).html.select_one("#queue-total")["data-count"]


def test_those_moved_meanwhile_are_skipped_and_counted(site, clients):
    with site.edit() as root:
        pid = root["products"]["mug-cafe"].pid
        reviews = [plant(root, site.registry, pid, author=f"c{n}") for n in range(4)]
        urls = [desk_url(review) for review in reviews]
        REVIEW_WORKFLOW.transition(reviews[0], None, "approve", actor="system:other")
        REVIEW_WORKFLOW.transition(reviews[1], None, "reject", actor="system:other")
    app = clients["moderator"]
    page = bulk(app, [ref(url) for url in urls]).follow()
    assert notice(page) == (
        "2 reviews approved; 2 skipped because they were moved meanwhile or the action does "
        "not apply to them"
    )
    states = [read_review(site, url, lambda r: r.workflow_state) for url in urls]
    assert states == ["published", "rejected", "published", "published"]
    one = bulk(app, [ref(urls[0]), "1/0179655943095675530000"]).follow()
    assert notice(one) == (
        "0 reviews approved; 2 skipped because they were moved meanwhile or the action does "
        "not apply to them"
    )


def test_a_bulk_rejection_needs_its_reason_and_nothing_changes_without(site, clients):
    with site.edit() as root:
        pid = root["products"]["mug-cafe"].pid
        urls = [desk_url(plant(root, site.registry, pid, author=f"c{n}")) for n in range(3)]
    app = clients["moderator"]
    before = [snapshot(site, url) for url in urls]
    refused = bulk(app, [ref(u) for u in urls], action="reject", status=400)
    assert "Choose a reason for the rejection." in refused.text
    assert [snapshot(site, url) for url in urls] == before
    done = bulk(app, [ref(u) for u in urls], action="reject", reason="advertising").follow()
    assert notice(done) == "3 reviews rejected"
    assert {read_review(site, url, lambda r: r.rejection) for url in urls} == {("advertising", "")}


def test_nothing_ticked_or_a_forged_name_is_refused(site, clients):
    with site.edit() as root:
        url = desk_url(plant(root, site.registry, root["products"]["mug-cafe"].pid))
    app = clients["moderator"]
    before = snapshot(site, url)
    assert "Tick the reviews to act on." in bulk(app, [], status=400).text
    bulk(app, [ref(url), "../../customers"], status=400)
    bulk(app, [ref(url)], action="withdraw", status=400)
    assert snapshot(site, url) == before


def test_only_moderators_act_in_bulk(site, clients):
    with site.edit() as root:
        url = desk_url(plant(root, site.registry, root["products"]["mug-cafe"].pid))
    for role in ("visitor", "author", "customer", "editor", "orders"):
        app = clients[role]
        token = app.get("/en/").html.select_one('input[name="csrf_token"]')["value"]
        data = {"csrf_token": token, "action": "approve", "selected": ref(url)}
        app.post(QUEUE + "bulk", data, status=403)
    assert read_review(site, url, lambda r: r.workflow_state) == "pending"


def test_one_review_approved_is_said_in_the_singular(site, clients):
    with site.edit() as root:
        url = desk_url(plant(root, site.registry, root["products"]["mug-cafe"].pid))
    page = bulk(clients["admin"], [ref(url)], action="spam").follow()
    assert notice(page) == "1 review marked as spam"


def test_the_queue_comes_back_as_it_was_filtered(site, clients):
    with site.edit() as root:
        pid = root["products"]["mug-cafe"].pid
        url = desk_url(plant(root, site.registry, pid, rating=1))
        plant(root, site.registry, pid, rating=5)
    app = clients["moderator"]
    page = app.get(QUEUE + "?rating=1")
    form = page.html.select_one("form#queue-bulk")
    assert form["action"] == "/en/manage/reviews/bulk?rating=1"
    data = {"csrf_token": page.forms["queue-bulk"]["csrf_token"].value, "action": "hide"}
    data["selected"] = ref(url)
    answer = app.post(form["action"], data, status=303)
    assert answer.location.endswith("/en/manage/reviews/?rating=1")
    assert notice(answer.follow()) == (
        "0 reviews hidden; 1 skipped because it was moved meanwhile or the action does not "
        "apply to it"
    )
