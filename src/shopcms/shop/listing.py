"""The catalog listing: filter, count, facet, sort and page products through the catalog.

Never a scan of all products: every step works on docid sets of the catalog's indexes,
starting from the documents the requester may view (:func:`catalog.query.allowed_docids`),
so a hidden product can be in no result, count or facet.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from hypatia.text.parsetree import ParseError, QueryError

from ..catalog.indexes import fold
from ..catalog.query import allowed_docids

SORTS = ("price", "-price", "name", "newest")
PER_PAGE = 24
WORD = re.compile(r"\w+")
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
        )


@dataclass
class Listing:
    products: list
    total: int
    facets: list = field(default_factory=list)  # (category name, count)
    pages: int = 1


def _cents(amount):
    return int(amount * 100)


def _text_docids(catalog, lang, text):
    """Docids whose text in ``lang`` has every word of ``text`` (case and accents ignored).

    Only the words are used: the visitor's input is never parsed as query syntax.
    """
    index = catalog.get(f"text_{lang}")
    words = WORD.findall(fold(text))
    if index is None or not words:
        return catalog.family.IF.TreeSet()
    try:
        result = index.apply(" ".join(f'"{word}"' for word in words[:10]))
    except (ParseError, QueryError):
        return catalog.family.IF.TreeSet()
    return catalog.family.IF.TreeSet(result.keys())


def run(request, query):
    """The page of products for ``query`` and the counts around it."""
    catalog = request.root.catalog
    family = catalog.family
    intersection = family.IF.intersection

    base = intersection(catalog["content_type"].applyEq("product"), allowed_docids(request))
    if query.text:
        base = intersection(base, _text_docids(catalog, query.lang, query.text))
    if query.price_min is not None or query.price_max is not None:
        low = _cents(query.price_min) if query.price_min is not None else 0
        high = _cents(query.price_max) if query.price_max is not None else 2**62
        base = intersection(base, catalog["price"].applyInRange(low, high))

    categories = catalog["categories"]
    ordered = sorted(request.root["categories"].items(), key=lambda kv: (kv[1].position, kv[0]))
    facets = [(name, len(intersection(base, categories.applyEq(name)))) for name, _c in ordered]
    result = base
    if query.category:
        result = intersection(base, categories.applyEq(query.category))

    total = len(result)
    pages = max(1, -(-total // PER_PAGE))
    page = min(query.page, pages)
    start = (page - 1) * PER_PAGE
    products = []
    if total:
        if query.sort in ("price", "-price"):
            index, reverse = catalog["price"], query.sort == "-price"
        elif query.sort == "newest":
            index, reverse = catalog["created"], True
        else:
            index, reverse = catalog[f"title_{query.lang}"], False
        ordered = index.sort(
            result, reverse=reverse, limit=start + PER_PAGE, raise_unsortable=False
        )
        resolve = catalog.resolver(request.root)
        products = [resolve(docid) for docid in list(ordered)[start:]]
    query.page = page
    return Listing(products, total, facets, pages)
