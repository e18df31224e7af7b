"""What other capabilities may use of products (the rest of the package is its own).

The checkout reads the visitor's cart and empties it once the order is placed; order lines
are priced with the one VAT rule of ``pricing``; the home page shows recommendations.
"""

from shopcms.products import lists
from shopcms.products.pricing import totals, vat_included
from shopcms.products.recommendations import for_customer as recommended_for

__all__ = ["cart", "empty_cart", "recommended_for", "totals", "vat_included"]


def cart(request):
    """The visitor's cart: ``[(product id, quantity), ...]`` (its cookie, or the account's)."""
    return lists.read(request, lists.CART)


def empty_cart(request):
    """Empty the visitor's cart (after the order is placed)."""
    lists.write(request, lists.CART, [])
