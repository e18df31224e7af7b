"""Evolve steps of the products package."""

from shopcms.products.resources import Categories, Products


def keep_changes_apart(site, registry):
    """Evolve step 14: the products and categories folders keep their modification time in
    a record of their own (``shopcms.products.changes``), so an edit of one product no
    longer writes the folders every product page and listing reads.  Idempotent."""
    for name, kind in (("products", Products), ("categories", Categories)):
        folder = site.get(name)
        if isinstance(folder, kind):
            folder.keep_changes_apart()
