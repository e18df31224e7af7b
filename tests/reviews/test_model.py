"""The reviews' model: aggregates kept per transition, the product's rating, names shown."""

import pytest

from shopcms.reviews import aggregates
from shopcms.reviews.resources import ANONYMOUS, FIRST_INITIAL, FULL, INITIALS, shown_name
from shopcms.reviews.workflow import REVIEW_WORKFLOW
from shopcms.workflow import TransitionNotAllowed
from tests.reviews.factory import plant, product


@pytest.mark.parametrize(
    ("display", "shown"),
    [(FULL, "Anna de Smet"), (FIRST_INITIAL, "Anna S."), (INITIALS, "A. d. S."), (ANONYMOUS, None)],
)
def test_the_name_is_shown_as_the_author_chose(display, shown):
    assert shown_name("  Anna  de Smet ", display) == shown


def test_only_published_reviews_count_and_the_product_follows(site):
    with site.edit() as root:
        pid = product(root).pid
        first = plant(root, site.registry, pid, rating=5, state="published", author="a")
        plant(root, site.registry, pid, rating=1, state="pending", author="b")
        plant(root, site.registry, pid, rating=1, state="rejected", author="c")
        plant(root, site.registry, pid, rating=2, state="published", language="fr", author="d")
        folder = root["reviews"].of_product(pid)
        assert folder.aggregates.count == 2
        assert folder.aggregates.average == 3.5
        assert folder.aggregates.distribution() == [(5, 1), (4, 0), (3, 0), (2, 1), (1, 0)]
        assert folder.aggregates.language_counts() == {"nl": 1, "fr": 1}
        assert (product(root).rating, product(root).rating_count) == (3.5, 2)
        REVIEW_WORKFLOW.transition(first, None, "hide", actor="system:test")
        assert (product(root).rating, product(root).rating_count) == (2.0, 1)
    with site.edit() as root:
        folder = root["reviews"].of_product(pid)
        stored = (folder.aggregates.count, folder.aggregates.average)
        aggregates.recount(folder)
        assert (folder.aggregates.count, folder.aggregates.average) == stored == (1, 2.0)


def test_transitions_not_leaving_a_state_are_refused(site):
    with site.edit() as root:
        review = plant(root, site.registry, product(root).pid, state="rejected", author="a")
        with pytest.raises(TransitionNotAllowed):
            REVIEW_WORKFLOW.transition(review, None, "approve", actor="system:test")
        assert review.workflow_state == "rejected"


def test_only_a_published_review_is_public_in_the_catalog(site):
    with site.edit() as root:
        pid = product(root).pid
        states = ("pending", "published", "rejected", "hidden", "spam", "withdrawn")
        planted = {s: plant(root, site.registry, pid, state=s, author=s) for s in states}
        catalog = root.catalog
        public = {
            catalog.docid_for(r)
            for r in planted.values()
            if "system.Everyone" in catalog["allowed"]._rev_index.get(catalog.docid_for(r), ())
        }
        assert public == {catalog.docid_for(planted["published"])}


def test_the_daily_limit_counts_what_the_author_wrote_not_what_the_shop_did(site):
    """A reply or a moderation the same day does not use up the author's reviews."""
    from datetime import timedelta

    from shopcms.reviews import moderation
    from shopcms.reviews.resources import customer_key
    from shopcms.reviews.writing import written_today
    from shopcms.web.clock import now

    with site.edit() as root:
        pid = product(root).pid
        review = plant(root, site.registry, pid, state="published", author="daily")
        review.created = review.created - timedelta(days=2)
        moderation.reply(review, "Dank u!", "system:test", now(site.registry))
        reviews = root["reviews"]
        assert written_today(reviews, customer_key("daily"), now(site.registry)) == 0
        review.edit(rating=3, title="Changed", text=review.text, language="nl")
        assert written_today(reviews, customer_key("daily"), now(site.registry)) == 1
