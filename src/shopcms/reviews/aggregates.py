"""The product's rating, kept as stored aggregates on every transition.

A review counts while it is published: entering ``published`` adds it to its product's
:class:`Aggregates`, leaving it takes it away, and the product's
``rating`` (its mean and count, what the listing sorts and filters by) follows through
``products.api.set_rating``.  Nothing is computed from the reviews per request.
:func:`recount` rebuilds a product's aggregates from its reviews (the evolve step, a check).
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.traversal import find_root

from shopcms.products import api as products
from shopcms.reviews.workflow import PUBLISHED, REVIEW_WORKFLOW


class Aggregates(Persistent):
    """The published reviews of one product, counted per star and per language.

    Kept up to date on every transition (``aggregates.on_transition``) rather than computed
    per request: the product page reads five counters, never the reviews.  The counters are
    ``BTrees.Length`` objects, whose conflicts resolve by adding, so moderators approving
    reviews of the same product at once do not conflict on them.
    """

    def __init__(self):
        self.stars = tuple(Length() for _ in range(5))  # index 0: one star
        self.languages = OOBTree()  # language -> Length

    def add(self, review, sign=1):
        self.stars[review.rating - 1].change(sign)
        counter = self.languages.get(review.language)
        if counter is None:
            counter = self.languages[review.language] = Length()
        counter.change(sign)

    def remove(self, review):
        self.add(review, -1)

    def clear(self):
        for counter in self.stars:
            counter.set(0)
        for counter in self.languages.values():
            counter.set(0)

    @property
    def count(self):
        return sum(counter() for counter in self.stars)

    @property
    def average(self):
        """The mean rating (a float), or None without published reviews."""
        count = self.count
        if not count:
            return None
        return sum(star * counter() for star, counter in enumerate(self.stars, 1)) / count

    def distribution(self):
        """``[(stars, count), ...]`` from 5 stars down to 1."""
        return [(star, self.stars[star - 1]()) for star in range(5, 0, -1)]

    def language_counts(self):
        return {lang: counter() for lang, counter in self.languages.items() if counter()}


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
