"""What other capabilities may use of products (the rest of the package is its own).

The checkout reads the visitor's cart and empties it once the order is placed; order lines
are priced with the one VAT rule of ``pricing`` and shipped by its shipping rule
(``summary``: goods, shipping, VAT and total, as the cart page shows them); the home page
shows recommendations; the reviews find the product they are about and give it its rating,
and render their forms on the product page with its small forms (``Repeated``,
``visible_errors``); a section of the product page is declared with the directive
``config.add_product_section`` (``sections``).
The home page shows the editors' featured products and categories and the newest
products (``storefront``: ``featured_products``, ``featured_categories``, ``new_arrivals``;
the editors' choice is read by ``featured_choice`` and kept by ``choose_featured``) and
the free delivery threshold (``free_delivery_from``).
The checkout charges the VAT of an order's destination (``taxation``: domestic, OSS or
reverse charge; ``charge``: goods and shipping converted by the one rule ``charged``; its
items made by ``charge_item``, which knows a gift card is not shipped; the promotions'
lines made by ``promotion_line``, which knows a gift card is never reduced).
The contests check and re-encode their images as the products do (``images``: by content,
JPEG, PNG or WebP, re-encoded as JPEG; nothing of the uploaded file is kept) and upload
them with the same widget (``ImageUploadWidget``, ``UploadStore``, ``IMAGE_TYPES``).
The back-in-stock alerts hear when a product that was out of stock has some again
(``StockReturned``, sent by every writer of the stock).
``shopcms make-image-variants`` gives images stored before the AVIF and WebP variants
theirs (``add_missing_image_variants``, ``IMAGE_VARIANT_FORMATS``).
"""

from shopcms.products import lists
from shopcms.products.events import StockReturned
from shopcms.products.giftcards import charge_item
from shopcms.products.images import VARIANT_FORMATS as IMAGE_VARIANT_FORMATS
from shopcms.products.images import ImageRejected
from shopcms.products.images import add_missing_variants as add_missing_image_variants
from shopcms.products.images import process as process_image
from shopcms.products.images import read_limited as read_image
from shopcms.products.pricing import (
    BELGIAN,
    DOMESTIC,
    OSS,
    REVERSE_CHARGE,
    SHIPPING_METHODS,
    Taxation,
    charge,
    charged,
    free_delivery_from,
    oss_enabled,
    shipping_cost,
    summary,
    taxation,
    totals,
    vat_included,
)
from shopcms.products.recommendations import for_customer as recommended_for
from shopcms.products.reductions import promotion_line
from shopcms.products.resources import Product
from shopcms.products.schemas.desk import ACCEPTED_TYPES as IMAGE_TYPES
from shopcms.products.schemas.desk import ImageUploadWidget, UploadStore
from shopcms.products.storefront import choose as choose_featured
from shopcms.products.storefront import chosen as featured_choice
from shopcms.products.storefront import featured_categories, featured_products, new_arrivals
from shopcms.products.views.cards import RememberedMarkup
from shopcms.products.views.parts import site, unmasked_token
from shopcms.products.views.small import Repeated, visible_errors

__all__ = [
    "RememberedMarkup",
    "IMAGE_TYPES",
    "IMAGE_VARIANT_FORMATS",
    "add_missing_image_variants",
    "SHIPPING_METHODS",
    "ImageRejected",
    "ImageUploadWidget",
    "UploadStore",
    "process_image",
    "read_image",
    "Product",
    "Repeated",
    "StockReturned",
    "cart",
    "choose_featured",
    "empty_cart",
    "featured_categories",
    "featured_choice",
    "featured_products",
    "new_arrivals",
    "free_delivery_from",
    "product_by_id",
    "recommended_for",
    "set_rating",
    "shipping_cost",
    "site",
    "unmasked_token",
    "summary",
    "totals",
    "vat_included",
    "visible_errors",
    # VAT by destination (issue 17, part "vat"): pricing's schemes and its one conversion.
    "BELGIAN",
    "DOMESTIC",
    "OSS",
    "REVERSE_CHARGE",
    "Taxation",
    "charge",
    "charge_item",
    "promotion_line",
    "charged",
    "oss_enabled",
    "taxation",
]


def cart(request):
    """The visitor's cart: ``[(product id, quantity), ...]`` (its cookie, or the account's)."""
    return lists.read(request, lists.CART)


def empty_cart(request):
    """Empty the visitor's cart (after the order is placed)."""
    lists.write(request, lists.CART, [])


def product_by_id(site, pid):
    """The product with id ``pid`` in ``site``, or None."""
    return site["products"].by_id(pid)


def set_rating(site, pid, average, count):
    """Give product ``pid`` the mean rating ``average`` of its ``count`` published reviews
    (nothing happens for a product that no longer exists)."""
    product = product_by_id(site, pid)
    if product is not None:
        product.set_rating(average, count)
