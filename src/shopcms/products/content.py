"""Seed catalog from the ``content/`` folder: categories and demo products (``shopcms init``).

``content/products/categories.toml`` and ``products.toml`` describe them; images go through
the same checks and re-encoding as an editor's upload.  Loading adds only what the site
lacks, so running it again changes nothing.
"""

import tomllib
from decimal import Decimal
from pathlib import Path

from shopcms.products import images
from shopcms.products.giftcards import set_gift_card
from shopcms.products.resources import Category, Product


def load_catalog(site, folder, languages, registry=None, progress=None):
    """Add the categories and products of ``folder/products`` that the site lacks.

    ``categories.toml`` and ``products.toml`` describe them (see content/README.md); images
    go through the same checks and re-encoding as an editor's upload.  Returns the number of
    products added.  ``progress(done, total)``, if given, is called before each product of
    the file and once at the end.
    """
    products_dir = Path(folder) / "products"
    if not products_dir.is_dir():
        return 0
    categories = tomllib.loads((products_dir / "categories.toml").read_text(encoding="utf-8"))
    for entry in categories.get("category", ()):
        if entry["name"] not in site["categories"]:
            category = Category(entry["title"], entry.get("position", 0))
            site["categories"].add(entry["name"], category, registry=registry)
    catalog = tomllib.loads((products_dir / "products.toml").read_text(encoding="utf-8"))
    added = 0
    entries = catalog.get("product", ())
    for number, entry in enumerate(entries):
        if progress is not None:
            progress(number, len(entries))
        if entry["name"] in site["products"]:
            continue
        product = Product(
            entry["sku"],
            Decimal(entry["price"]),
            Decimal(entry["vat"]),
            stock=entry.get("stock", 0),
            categories=entry.get("categories", ()),
            published=entry.get("published", True),
        )
        if entry.get("gift_card"):
            set_gift_card(product, True)
        for lang in languages:
            if lang in entry["title"]:
                product.set_texts(lang, entry["title"][lang], entry["description"].get(lang, ""))
        for key, values in entry.get("attributes", {}).items():
            for lang, value in values.items():
                if lang in languages:
                    product.set_attribute(key, lang, value)
        if entry.get("image"):
            data = (products_dir / "images" / entry["image"]).read_bytes()
            sizes, dimensions, variants = images.process_with_variants(data)
            product.add_image(sizes, dimensions, alt=entry["title"], variants=variants)
        site["products"].add_product(entry["name"], product, registry=registry)
        added += 1
    if progress is not None:
        progress(len(entries), len(entries))
    return added
