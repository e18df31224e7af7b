"""The catalog listing: filter, count, facet, sort and page products through the catalog.

Never a scan of all products: every step works on docid sets of the catalog's indexes,
starting from the documents the requester may view (:func:`catalog.query.allowed_docids`),
so a hidden product can be in no result, count or facet.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from hypatia.text.parsetree import ParseError, QueryError

from shopcms.catalog.indexes import search_words
from shopcms.catalog.query import allowed_docids, docids, remembered
from shopcms.catalog.text import every_word
from shopcms.web import dependencies
from shopcms.web.security import VIEW, effective_principals

SORTS = ("price", "-price", "name", "newest", "rating")
#: The rating facet: products whose reviews average this many stars or more.
GOOD_RATING = 4
PER_PAGE = 24
MAX_QUERY = 100


@dataclass
class ListingQuery:
    """What the visitor asked for, parsed and bounded from the query string."""

    lang: str
    text: str = ""
    category: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "name"
    page: int = 1
    #: Only products rated at least this (``?stars=4``: the "4 stars and up" facet).
    stars: int | None = None

    @classmethod
    def from_params(cls, params, lang):
        def money(name):
            try:
                value = Decimal(params.get(name, "").replace(",", ".").strip())
            except InvalidOperation:
                return None
            return value if value.is_finite() and value >= 0 else None

        try:
            page = max(1, min(int(params.get("page", "1")), 10_000))
        except ValueError:
            page = 1
        sort = params.get("sort", "name")
        return cls(
            lang=lang,
            text=params.get("q", "").strip()[:MAX_QUERY],
            category=params.get("category") or None,
            price_min=money("min"),
            price_max=money("max"),
            sort=sort if sort in SORTS else "name",
            page=page,
            stars=GOOD_RATING if params.get("stars") == str(GOOD_RATING) else None,
        )


@dataclass
class Listing:
    products: list
    total: int
    pages: int = 1


def _cents(amount):
    return int(amount * 100)


def _text_docids(request, lang, text):
    """Docids whose text in ``lang`` has every word of ``text`` (case and accents ignored).

    Only the words are used: the visitor's input is never parsed as query syntax, and the
    results are not scored (a listing sorts by name, price or date): ``catalog.text``.
    """
    catalog = request.root.catalog
    index = catalog.get(f"text_{lang}")
    words = search_words(text)
    if index is None or not words:
        return catalog.family.IF.TreeSet()
    try:
        return every_word(request, index, words)
    except (ParseError, QueryError):
        return catalog.family.IF.TreeSet()


def price_docids(catalog, low, high):
    """Docids priced from ``low`` to ``high`` cents (inclusive).

    A range over the exact ``price`` index unions one set per distinct price, thousands at
    scale; the ``price_euros`` index has one set per whole euro.  Whole euros inside the
    range come from it, and only the two partial euros at the ends from the exact index.
    """
    family = catalog.family
    first_full = -(-low // 100)  # the first euro whose every cent lies in the range
    last_full = (high + 1) // 100 - 1  # the last such euro
    if first_full > last_full:
        return catalog["price"].applyInRange(low, high)
    parts = [catalog["price_euros"].applyInRange(first_full, last_full)]
    if low < first_full * 100:
        parts.append(catalog["price"].applyInRange(low, first_full * 100 - 1))
    if high >= (last_full + 1) * 100:
        parts.append(catalog["price"].applyInRange((last_full + 1) * 100, high))
    return family.IF.multiunion(parts)


def _visible(request, index_name, value):
    """The documents of ``index_name`` = ``value`` the requester may view.

    Remembered per catalog state and principals: the catalog's own sets are persistent
    BTrees, slow to intersect at 100,000 documents, and every visitor of a kind starts
    from the same set.
    """
    catalog = request.root.catalog
    principals = tuple(effective_principals(request))

    def compute():
        start = docids(catalog[index_name], value, request)
        return catalog.family.IF.intersection(start, allowed_docids(request))

    return remembered(request, ("visible", index_name, value, principals), compute)


def _filtered(request, query, result):
    """``result`` narrowed to the query's text, prices and rating."""
    catalog = request.root.catalog
    intersection = catalog.family.IF.intersection
    if query.stars is not None:
        result = intersection(result, catalog["rating"].applyGe(query.stars))
    if query.text:
        result = intersection(result, _text_docids(request, query.lang, query.text))
    if query.price_min is not None or query.price_max is not None:
        low = _cents(query.price_min) if query.price_min is not None else 0
        high = _cents(query.price_max) if query.price_max is not None else 2**62
        result = intersection(result, price_docids(catalog, low, high))
    return result


def run(request, query):
    """The page of products for ``query``, their total and the number of pages.

    Starts from the smallest set it can (the category's products, or all products), then
    narrows it; sorting reads the sort index only as far as the page needs.
    """
    catalog = request.root.catalog
    if query.category:
        start = _visible(request, "categories", query.category)
    else:
        start = _visible(request, "content_type", "product")
    result = _filtered(request, query, start)
    total = len(result)
    pages = max(1, -(-total // PER_PAGE))
    page = min(query.page, pages)
    offset = (page - 1) * PER_PAGE
    products = []
    if total and query.sort == "rating":
        products = _by_rating(request, result, offset, query.lang)
    elif total:
        if query.sort in ("price", "-price"):
            index, reverse = catalog["price"], query.sort == "-price"
        elif query.sort == "newest":
            index, reverse = catalog["created"], True
        else:
            index, reverse = catalog[f"title_{query.lang}"], False
        ordered = index.sort(
            result, reverse=reverse, limit=offset + PER_PAGE, raise_unsortable=False
        )
        products = resolved(request, list(ordered)[offset:])
    query.page = page
    return Listing(products, total, pages=pages)


def resolved(request, found):
    """The resources of the docids ``found``, in that order.

    A cached page showing them depends on them, not on the catalog's docid-to-path buckets
    and the folders' BTree nodes that led to them (other documents' additions change those):
    the way there is not recorded (``shopcms.web.dependencies``), the resources are.
    """
    resolve = request.root.catalog.resolver(request.root)
    with dependencies.unrecorded(request):
        resources = [resolve(docid) for docid in found]
    dependencies.note(request, {r._p_oid for r in resources if r._p_oid is not None})
    return resources


def _by_rating(request, result, offset, lang):
    """The page at ``offset`` of ``result`` best rated first, then the products without a
    rating by name (the rating index sorts only the rated ones)."""
    catalog = request.root.catalog
    family = catalog.family
    rated = family.IF.intersection(result, catalog["rating"].applyGe(0))
    wanted = offset + PER_PAGE
    ordered = list(catalog["rating"].sort(rated, reverse=True, limit=wanted))
    if len(ordered) < wanted:
        unrated = family.IF.difference(result, rated)
        by_name = catalog[f"title_{lang}"].sort(
            unrated, limit=wanted - len(ordered), raise_unsortable=False
        )
        ordered.extend(by_name)
    return resolved(request, ordered[offset:wanted])


def rating_count(request, query):
    """How many products the "4 stars and up" facet would show with the query's other
    filters."""
    catalog = request.root.catalog
    base = _filtered(request, query, _visible(request, "content_type", "product"))
    return len(catalog.family.IF.intersection(base, catalog["rating"].applyGe(GOOD_RATING)))


def facet_counts(request, query):
    """``[(category, count)]``: how many products each category would show with the
    query's other filters, in the categories' order."""
    intersection = request.root.catalog.family.IF.intersection
    ordered = sorted(request.root["categories"].items(), key=lambda kv: (kv[1].position, kv[0]))

    def compute():
        base = _filtered(request, query, _visible(request, "content_type", "product"))
        return [
            (name, len(intersection(base, _visible(request, "categories", name))))
            for name, _c in ordered
        ]

    key = (
        "facets",
        tuple(effective_principals(request)),
        query.lang,
        query.text,
        query.price_min,
        query.price_max,
        tuple(name for name, _c in ordered),
    )
    return remembered(request, key, compute)


def visible_products(request, pids):
    """The products for ``pids`` that the requester may see, in that order (a list of short
    product ids, as the visitor's lists and the orders keep them)."""
    folder = request.root["products"]
    found = []
    for pid in pids:
        product = folder.by_id(pid)
        if product is not None and request.has_permission(VIEW, product):
            found.append(product)
    return found
