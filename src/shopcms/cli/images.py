"""The subcommand that gives the images stored before the modern formats theirs:
``make-image-variants`` (once after upgrading; running it again makes only what is missing).
"""

from shopcms.cli.app import Progress, load, out
from shopcms.products import api as products
from shopcms.tree.database import site_transaction

#: Products per transaction: a crash loses little, and memory stays bounded.
BATCH = 50


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    add(
        "make-image-variants",
        cmd_make_image_variants,
        "make the AVIF and WebP images that stored product images lack",
    )


def cmd_make_image_variants(args):
    """Encode every stored product image that lacks them in the modern formats (AVIF where
    this Pillow can write it, WebP), from its large JPEG, in transactions of a few products:
    the pages offer them as soon as they exist.  New uploads get them at once; run this
    once after upgrading (again changes nothing).  Prints how many images got them."""
    registry = load(args.ini)
    with site_transaction(registry) as site:
        names = list(site["products"].keys())
    made = 0
    with Progress("make-image-variants", unit="products") as progress:
        for start in range(0, len(names), BATCH):
            with site_transaction(registry) as site:
                folder = site["products"]
                for name in names[start : start + BATCH]:
                    product = folder.get(name)
                    if product is not None:
                        made += products.add_missing_image_variants(product)
            progress(min(start + BATCH, len(names)), len(names))
    formats = ", ".join(products.IMAGE_VARIANT_FORMATS)
    out(f"made {formats} for {made} image(s)")
