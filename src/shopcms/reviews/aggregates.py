"""The product's rating, kept as stored aggregates on every transition.

A review counts while it is published: entering ``published`` adds it to its product's
:class:`~shopcms.reviews.resources.Aggregates`, leaving it takes it away, and the product's
``rating`` (its mean and count, what the listing sorts and filters by) follows through
``products.api.set_rating``.  Nothing is computed from the reviews per request.
:func:`recount` rebuilds a product's aggregates from its reviews (the evolve step, a check).
"""

from pyramid.traversal import find_root

from shopcms.products import api as products
from shopcms.reviews.workflow import PUBLISHED, REVIEW_WORKFLOW


def publish_rating(folder):
    """Give the product of ``folder`` (a ProductReviews) its current mean and count."""
    aggregates = folder.aggregates
    products.set_rating(find_root(folder), folder.pid, aggregates.average, aggregates.count)


def count_in(review):
    """Count ``review`` (newly published) in its product's aggregates."""
    folder = review.__parent__
    folder.aggregates.add(review)
    publish_rating(folder)


def count_out(review):
    """Take ``review`` (no longer published, or going away) out of the aggregates."""
    folder = review.__parent__
    folder.aggregates.remove(review)
    publish_rating(folder)


def on_transition(event):
    if event.workflow is not REVIEW_WORKFLOW:
        return
    was, now = event.from_state.name == PUBLISHED, event.to_state.name == PUBLISHED
    if was and not now:
        count_out(event.content)
    elif now and not was:
        count_in(event.content)


def recount(folder):
    """Rebuild ``folder``'s aggregates from its published reviews (loads them all)."""
    folder.aggregates.clear()
    for review in folder.values():
        if review.workflow_state == PUBLISHED:
            folder.aggregates.add(review)
    publish_rating(folder)
