"""What every page shows of the products: the cart's count in the header, product images,
the header's search box.

Declared as layout values (``ui.cart_count``, ``ui.image_url(product, size)``,
``ui.search_form``) by the package's ``includeme``.
"""

from shopcms.products import lists
from shopcms.products.listing import MAX_QUERY
from shopcms.products.resources import Products
from shopcms.products.views.forms import header_search_form


def cart_count(request):
    """How many items the visitor's cart holds (its cookie, or the account's cart)."""
    return sum(qty for _pid, qty in lists.read(request, lists.CART))


def search_text(request):
    """What the visitor searched for, on the listing (the header's search box shows it);
    ``""`` on every other page."""
    route = request.matched_route
    if route is None or route.name != "public" or not isinstance(request.context, Products):
        return ""
    return request.GET.get("q", "").strip()[:MAX_QUERY]


def search_form(request):
    """The header's search box (HTML), showing the listing's search on the listing."""
    return header_search_form(request, search_text(request))


def image_url(request):
    """``ui.image_url(product, size="thumb")``: the URL of a product's first image, or None."""

    def url(product, size="thumb"):
        if not product.images:
            return None
        return request.link(product, "image", product.images[0].id, size)

    return url
