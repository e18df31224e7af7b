"""What every page shows of the products: the cart's count in the header, product images.

Declared as layout values (``ui.cart_count``, ``ui.image_url(product, size)``) by the
package's ``includeme``.
"""

from shopcms.products import lists


def cart_count(request):
    """How many items the visitor's cart holds (its cookie, or the account's cart)."""
    return sum(qty for _pid, qty in lists.read(request, lists.CART))


def image_url(request):
    """``ui.image_url(product, size="thumb")``: the URL of a product's first image, or None."""

    def url(product, size="thumb"):
        if not product.images:
            return None
        return request.link(product, "image", product.images[0].id, size)

    return url
