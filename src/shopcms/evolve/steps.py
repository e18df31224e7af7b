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


def pages_with_revisions_and_catalog(site, registry):
    """Generation 1: pages with revisions, and the product catalog.

    - A page of the foundation (one title and body per language) becomes a page with
      revisions, each language published as its first revision; privacy, cookies and terms
      become policy pages.
    - Adds the ``categories`` folder, replaces the Products folder of the foundation by the
      one that hands out short product ids (it was always empty then), gives accounts their
      shop lists, and rebuilds the catalog with the declared indexes (product indexes; text
      and title per language).
    """
    from datetime import UTC, datetime

    from persistent.mapping import PersistentMapping

    from shopcms.catalog import reindex_all
    from shopcms.i18n import languages
    from shopcms.resources.pages import POLICY_KINDS, Page, PolicyPage
    from shopcms.resources.products import Categories, Products

    # Indexes first: what is added below is indexed with the declared indexes.
    site.catalog.ensure_indexes(languages(registry))
    now = datetime.now(UTC)
    for name, old in list(site["pages"].items()):
        if hasattr(old, "revisions"):
            continue
        page = PolicyPage(name) if name in POLICY_KINDS else Page()
        for lang, title in old.titles.items():
            page.save_draft(lang, title, old.bodies.get(lang, ""), "", "system:evolve", now)
            page.publish(lang, now, actor="system:evolve")
        site["pages"].remove(name, registry=registry)
        site["pages"].add(name, page, registry=registry)
    if "categories" not in site:
        site.add("categories", Categories(), registry=registry)
    # The foundation's folder (shopcms.resources.site.Products, now an alias of the new
    # class) lacks the product ids.
    if not hasattr(site["products"], "by_pid") and not len(site["products"]):
        site.remove("products", registry=registry)
        site.add("products", Products(), registry=registry)
    for account in site["customers"].values():
        if not hasattr(account, "shop_lists"):
            account.shop_lists = PersistentMapping()
    reindex_all(site, languages(registry))


def order_numbers_and_references(site, registry):
    """Generation 2: the orders folder gets its number counters and lookup tables.

    The folder of earlier generations (``shopcms.resources.site.Orders``, now the class in
    ``shopcms.resources.orders``) held no orders yet.
    """
    orders = site["orders"]
    if not hasattr(orders, "counters"):
        orders.setup()


def accounts_preferences_and_tokens(site, registry):
    """Generation 3: accounts get token nonces, a verified flag and the TOTP slot; their
    preferences get the consent ledger, addresses, phone and payment methods; the orders
    folder gets its lookup by customer (for the account's order list)."""
    for account in site["customers"].values():
        if not hasattr(account, "token_nonces"):
            account.setup_accounts()
        if not hasattr(account.preferences, "consents"):
            account.preferences.setup()
    orders = site["orders"]
    if not hasattr(orders, "by_customer"):
        from BTrees.OOBTree import OOBTree

        orders.by_customer = OOBTree()
        # Numbers sort in the order they were handed out (YYYY-NNNNNN).
        for number, order in sorted(orders.items()):
            if order.customer is not None:
                orders.by_customer[order.customer] = (
                    *orders.by_customer.get(order.customer, ()),
                    number,
                )


def unused_analytics_folder(site, registry):
    """Generation 4: the empty ``analytics`` folder goes.  The connection statistics live in
    a database of their own (``shopcms.analytics``); a folder holding something is kept."""
    folder = site.get("analytics")
    if folder is not None and not len(folder):
        site.remove("analytics", registry=registry)


def guest_orders_by_email(site, registry):
    """Generation 5: the orders folder finds a guest's orders by their email address (for
    a guest's request for their data or its erasure)."""
    from BTrees.OOBTree import OOBTree

    from shopcms.resources.orders import guest_key

    orders = site["orders"]
    orders.by_guest_email = OOBTree()
    for number, order in orders.items():
        if order.customer is None and not getattr(order, "erased", None):
            key = guest_key(order.contact.get("email", ""))
            orders.by_guest_email[key] = (*orders.by_guest_email.get(key, ()), number)


STEPS: tuple[EvolveStep, ...] = (
    EvolveStep(
        1,
        "Pages with revisions; the product catalog: categories, product ids and indexes",
        pages_with_revisions_and_catalog,
    ),
    EvolveStep(2, "Orders: yearly number counters and lookup tables", order_numbers_and_references),
    EvolveStep(
        3, "Accounts: tokens, consent ledger, saved details", accounts_preferences_and_tokens
    ),
    EvolveStep(
        4,
        "The unused analytics folder goes (statistics have their own database)",
        unused_analytics_folder,
    ),
    EvolveStep(5, "Orders: a guest's orders found by email", guest_orders_by_email),
)
