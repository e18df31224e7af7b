"""The project's evolve steps, in generation order.

To change the shape of stored data: write a function ``(site, registry)`` that
migrates an existing Site, then append ``EvolveStep(<last generation + 1>,
"<what it does>", function)`` to ``STEPS``. Never renumber, reorder or remove a
step that has been released: deployed databases record the generation they
reached, and ``shopcms.evolve.validate`` rejects gaps and reordering.

``EvolveStep`` lives here rather than in ``shopcms.evolve`` so that this module
can define steps without a circular import; ``shopcms.evolve`` re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EvolveStep:
    """One schema migration.

    ``generation`` is the generation the database reaches once this step has
    run (the first step is 1). ``function(site, registry)`` mutates the Site
    (``zodb_root['site']``) in place; it runs inside a transaction that the
    runner commits or aborts, so it must not commit, abort or open
    connections itself. Changes to plain (non-persistent) containers must be
    flagged with ``_p_changed = True`` or they will not be saved.
    """

    generation: int
    title: str
    function: Callable[[Any, Any], None]


def add_catalog_of_products(site, registry):
    """Generation 1: the product catalog.

    Adds the ``categories`` folder, replaces the Products folder of the foundation by the
    one that hands out short product ids (it was always empty then), and rebuilds the
    catalog with the product indexes (categories, price, created, text and title per
    language).
    """
    from persistent.mapping import PersistentMapping

    from shopcms.catalog import reindex_all
    from shopcms.i18n import languages
    from shopcms.resources.products import Categories, Products

    if "categories" not in site:
        site.add("categories", Categories(), registry=registry)
    if not isinstance(site["products"], Products) and not len(site["products"]):
        site.remove("products", registry=registry)
        site.add("products", Products(), registry=registry)
    for account in site["customers"].values():
        if not hasattr(account, "shop_lists"):
            account.shop_lists = PersistentMapping()
    reindex_all(site, languages(registry))


STEPS: tuple[EvolveStep, ...] = (
    EvolveStep(
        1, "Add the product catalog: categories, product ids and indexes", add_catalog_of_products
    ),
)
