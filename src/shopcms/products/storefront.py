"""What the shop's front page shows of the catalog: the editors' featured products and
categories, and the newest products.

The editors' choice is kept on the folders it is about: product ids on ``Products`` and
category names on ``Categories`` (class-level defaults, so a database from before has an
empty choice and needs no evolve step).  What a visitor gets is always filtered by what
they may view (a hidden or removed product, a removed category, is left out), so a choice
that went stale never shows anything it should not.
"""

from shopcms.products.listing import _visible, visible_products

#: How many products each of the front page's rows may hold.
MAX_FEATURED = 8
NEW_ARRIVALS = 8


def featured_products(request):
    """The featured products the requester may see, in the editors' order."""
    return visible_products(request, request.root["products"].featured_pids)


def featured_categories(request):
    """``[(name, category)]`` of the featured categories that still exist, in order."""
    categories = request.root["categories"]
    return [(name, categories[name]) for name in categories.featured_names if name in categories]


def chosen(site):
    """The editors' choice as stored: ``(product ids, category names)``."""
    return tuple(site["products"].featured_pids), tuple(site["categories"].featured_names)


def choose(site, pids, names):
    """Keep ``pids`` (product ids) and ``names`` (category names) as the featured ones, in
    that order; ids and names that do not exist are dropped.  Marks the folders modified
    (a POST's transaction stores them)."""
    products, categories = site["products"], site["categories"]
    products.featured_pids = tuple(pid for pid in pids if products.by_id(pid) is not None)[
        :MAX_FEATURED
    ]
    categories.featured_names = tuple(name for name in names if name in categories)[:MAX_FEATURED]
    products.touch()
    categories.touch()


def new_arrivals(request, limit=NEW_ARRIVALS, exclude=()):
    """Up to ``limit`` of the newest products the requester may view (through the catalog,
    newest first), leaving out the products ``exclude`` (ids: the featured ones)."""
    catalog = request.root.catalog
    candidates = _visible(request, "content_type", "product")
    if not candidates:
        return []
    skip = set(exclude)
    ordered = catalog["created"].sort(
        candidates, reverse=True, limit=limit + len(skip), raise_unsortable=False
    )
    resolve = catalog.resolver(request.root)
    found = [resolve(docid) for docid in ordered]
    return [p for p in found if p is not None and p.pid not in skip][:limit]
