"""The reviews as the catalog finds them: a product's published reviews, the moderation queue.

Every query goes through ``catalog.query.search`` (filtered by what the requester may see)
and sorts and pages by the catalog's indexes: only the reviews of the page asked for are
loaded, however many a product or the queue holds.
"""

import itertools
from dataclasses import dataclass

from hypatia.query import And, Eq, Ge, Le, Or
from pyramid.traversal import resource_path

from shopcms.catalog.query import index, search
from shopcms.reviews.workflow import PENDING, PUBLISHED

#: Reviews per page on the product page; rows per page of the queue.
PAGE_SIZE = 10
QUEUE_PAGE_SIZE = 25
SORTS = {"newest": ("created", True), "helpful": ("votes", True)}


@dataclass(frozen=True)
class Page:
    """One page of reviews: ``items`` (the Reviews), ``total`` found, ``number``, ``size``."""

    items: list
    total: int
    number: int
    size: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.size))


def _page(request, query, sort, reverse, number, size):
    results = search(request, query)
    total = len(results)
    number = max(1, min(number, max(1, -(-total // size))))
    if not total:
        return Page([], 0, number, size)
    ordered = results.sort(index(request, sort), reverse=reverse, limit=number * size)
    ids = list(itertools.islice(ordered.all(resolve=False), (number - 1) * size, number * size))
    resolve = request.root.catalog.resolver(request.root)
    return Page([resolve(docid) for docid in ids], total, number, size)


def _of_product(request, pid):
    folder = request.root["reviews"].of_product(pid)
    return None if folder is None else Eq(index(request, "path"), resource_path(folder))


def published(request, pid, *, sort="newest", rating=None, language=None, number=1):
    """A page of product ``pid``'s published reviews (newest or most helpful first),
    optionally only those of one ``rating`` and one ``language``."""
    where = _of_product(request, pid)
    if where is None:
        return Page([], 0, 1, PAGE_SIZE)
    terms = [where, Eq(index(request, "state"), PUBLISHED)]
    if rating is not None:
        terms.append(Eq(index(request, "rating"), rating))
    if language is not None:
        terms.append(Eq(index(request, "language"), language))
    sort_index, reverse = SORTS[sort]
    return _page(request, And(*terms), sort_index, reverse, number, PAGE_SIZE)


def queue_query(request, *, state=None, pid=None, rating=None, language=None, older_than=None):
    """The moderation queue's query: by default the pending reviews and the published ones
    that were reported; or the reviews in ``state``; narrowed by product, rating, language
    and age (``older_than``: a timedelta)."""
    state_index = index(request, "state")
    if state is None:
        reported = And(Eq(state_index, PUBLISHED), Ge(index(request, "flags"), 1))
        terms = [Or(Eq(state_index, PENDING), reported)]
    else:
        terms = [Eq(state_index, state)]
    terms.append(Eq(index(request, "content_type"), "review"))
    if pid is not None:
        where = _of_product(request, pid)
        if where is None:
            return None
        terms.append(where)
    if rating is not None:
        terms.append(Eq(index(request, "rating"), rating))
    if language is not None:
        terms.append(Eq(index(request, "language"), language))
    if older_than is not None:
        terms.append(Le(index(request, "created"), request.now - older_than))
    return And(*terms)


def queue(request, number=1, **filters):
    """A page of the moderation queue, oldest first (see :func:`queue_query`)."""
    query = queue_query(request, **filters)
    if query is None:
        return Page([], 0, 1, QUEUE_PAGE_SIZE)
    return _page(request, query, "created", False, number, QUEUE_PAGE_SIZE)


def queue_count(request):
    """How many reviews wait for a moderator (the dashboard's figure): no review loaded."""
    return len(search(request, queue_query(request)))
