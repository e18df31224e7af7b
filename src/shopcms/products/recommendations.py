"""Recommended for you: products suggested from a customer's orders and recently viewed.

Only for a logged-in customer whose consent ledger says the personalisation purpose is given
(``shopcms.privacy.purposes.PERSONALISATION``); for anyone else :func:`for_customer` returns
nothing and the pages show their generic selection.

Recommendations are computed on the fly for each page and never stored: nothing about them
is written to the database, with or without consent (the pages asking are GETs, which never
write).  They are computed from

- the customer's own orders, found through the catalog (the ``allowed`` index holds the
  customer's own principal for each of their orders, and only for those), and
- the ``recent`` cookie (recently viewed products), which the browser keeps only with the
  visitor's cookie consent for personalisation, and is read only while that holds.

The categories of those products, the most frequent first, are searched in the catalog
(never a scan of all products) for products the requester may view, newest first, leaving
out what the customer already bought, what they recently viewed (shown apart) and
``exclude``.
"""

from collections import Counter

from shopcms.catalog.query import docids
from shopcms.privacy import ledger
from shopcms.privacy.consent import allows
from shopcms.privacy.purposes import PERSONALISATION
from shopcms.products import lists
from shopcms.products.listing import _visible, visible_products
from shopcms.web.cookies import Category
from shopcms.web.security import user_principal

LIMIT = 4
#: How many of the latest orders and categories are looked at (bounds the work per page).
MAX_ORDERS = 20
MAX_CATEGORIES = 3
SLACK = 8


def wanted(request, account):
    """True when ``account`` is the requester and has given consent to personalisation."""
    return (
        account is not None
        and account is request.identity
        and ledger.given(account.preferences, PERSONALISATION)
    )


def own_orders(request, account, limit=MAX_ORDERS):
    """The latest orders of ``account`` (newest first), through the catalog."""
    catalog = request.root.catalog
    # Orders granted to this customer's own principal: exactly their orders, which they
    # (the requester) may view.
    mine = catalog.family.IF.intersection(
        docids(catalog["allowed"], user_principal(account.__name__)),
        docids(catalog["content_type"], "order"),
    )
    if not mine:
        return []
    resolve = catalog.resolver(request.root)
    ordered = catalog["created"].sort(mine, reverse=True, limit=limit, raise_unsortable=False)
    return [
        order
        for order in map(resolve, ordered)
        if order is not None and order.customer == account.__name__
    ]


def for_customer(request, account, exclude=(), limit=LIMIT):
    """Up to ``limit`` products recommended to ``account`` (the requester), or ``[]``.

    ``[]`` without the personalisation consent, for anyone but the requester, or when there
    is nothing to go on.  ``exclude``: products not to suggest (the one on the page).
    """
    if not wanted(request, account):
        return []
    bought = {line["pid"] for order in own_orders(request, account) for line in order.lines}
    recent = (
        lists.read_cookie(request, lists.RECENT)
        if allows(request, Category.PERSONALISATION)
        else []
    )
    seeds = visible_products(request, [*sorted(bought), *recent])
    weights = Counter(name for product in seeds for name in product.categories)
    if not weights:
        return []
    skip = bought | set(recent) | {product.pid for product in exclude}
    catalog = request.root.catalog
    resolve = catalog.resolver(request.root)
    chosen, seen = [], set()
    # The most frequent categories first; ties in a stable order (by name).
    for category, _count in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[
        :MAX_CATEGORIES
    ]:
        # Only products carry categories; ``_visible`` keeps those the requester may view.
        candidates = _visible(request, "categories", category)
        # Newest first, as far as needed: the skipped and already chosen ones, plus some
        # room for products out of stock.
        ordered = catalog["created"].sort(
            candidates,
            reverse=True,
            limit=limit + len(skip) + len(seen) + SLACK,
            raise_unsortable=False,
        )
        for docid in ordered:
            if docid in seen:
                continue
            product = resolve(docid)
            if product is None or product.pid in skip or not product.in_stock:
                continue
            seen.add(docid)
            chosen.append(product)
            if len(chosen) >= limit:
                return chosen
    return chosen
