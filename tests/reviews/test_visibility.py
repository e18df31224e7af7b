"""Only published reviews are public: on every page, in the JSON-LD, in the counts, at any URL.

Reviews in every state carry a marker of their own in the title, the text and the name.  A
visitor and a customer who wrote none of them crawl the whole site and try every address a
review could have: only the published review's markers are ever served, and the product's
count and average are those of the published review alone.
"""

import pytest

from tests.conftest import Browser, login
from tests.crawl import crawl, webtest_fetch
from tests.reviews.factory import plant, product

STATES = ("pending", "published", "rejected", "hidden", "withdrawn", "spam")


def marker(state, field):
    return f"zq{state}{field}marker"


@pytest.fixture
def planted(site):
    with site.edit() as root:
        pid = product(root).pid
        planted = {}
        for number, state in enumerate(STATES, 1):
            review = plant(
                root,
                site.registry,
                pid,
                state=state,
                rating=number if number <= 5 else 1,
                author=f"author-{state}",
                name=f"Anna {marker(state, 'name')}",
                title=marker(state, "title"),
                text=f"{marker(state, 'text')} is what this review says about the mug.",
            )
            planted[state] = (pid, review.__name__)
    return planted


def markers_in(text):
    return {
        state
        for state in STATES
        for field in ("title", "text", "name")
        if marker(state, field) in text
    }


def served(fetch, addresses):
    found = set()
    for address in addresses:
        status, _type, text = fetch(address)
        found |= markers_in(text)
    return found


def test_only_the_published_review_is_served_anywhere(site, planted):
    visitor = Browser(site.wsgi)
    customer = Browser(site.wsgi)
    site.add_account("reader@example.be")
    login(customer, "reader@example.be", "a long enough passphrase")
    for app in (visitor, customer):
        fetch = webtest_fetch(app)
        seen = {}

        def remembering(address, fetch=fetch, seen=seen):
            status, content_type, text = fetch(address)
            seen[address] = markers_in(text)
            return status, content_type, text

        statuses = crawl(remembering, ["/nl/", "/fr/", "/en/", "/nl/products/mug-cafe"])
        assert 500 not in statuses.values()
        shown = set().union(*seen.values())
        assert shown == {"published"}, {a: m for a, m in seen.items() if m - {"published"}}
        page = app.get("/nl/products/mug-cafe")
        assert markers_in(page.text) == {"published"}
        # Every address a review could be reached at, in every language and under manage.
        direct = [
            f"/{lang}/{area}reviews/{pid}/{key}{tail}"
            for (pid, key) in planted.values()
            for lang in ("nl", "fr", "en")
            for area in ("", "manage/")
            for tail in ("", "/")
        ]
        direct += [f"/nl/products/mug-cafe/reviews?rating={n}" for n in range(1, 6)]
        direct += [f"/nl/products/mug-cafe/reviews?language={lang}" for lang in ("nl", "fr", "en")]
        direct += ["/nl/manage/reviews/", "/nl/manage/reviews/?state=pending"]
        assert served(fetch, direct) <= {"published"}


def test_the_counts_are_those_of_the_published_review_alone(site, planted):
    with site.edit() as root:
        mug = product(root)
        folder = root["reviews"].of_product(mug.pid)
        assert (mug.rating, mug.rating_count) == (2.0, 1)  # the published one has 2 stars
        assert folder.aggregates.distribution() == [(5, 0), (4, 0), (3, 0), (2, 1), (1, 0)]
