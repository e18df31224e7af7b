"""What every page shows of the products: the cart's count in the header, product images,
the header's search box.

The header's count is the personal part ``cart-count`` (``shopcms.web.personal``); the rest
are layout values (``ui.cart_count``, ``ui.image_url(product, size)``,
``ui.picture(product, image, size)``, ``ui.search_form``), declared by the package's
``includeme``.
"""

from dataclasses import dataclass

from shopcms.products import lists
from shopcms.products.images import SIZES, VARIANT_FORMATS, scaled_size
from shopcms.products.listing import MAX_QUERY
from shopcms.products.resources import Products
from shopcms.products.views.forms import header_search_form


def cart_count(request):
    """How many items the visitor's cart holds (its cookie, or the account's cart)."""
    return sum(qty for _pid, qty in lists.read(request, lists.CART))


def cart_count_part(request):
    """The personal part ``cart-count`` (``shopcms.web.personal``): the header's count of
    the cart's items, or nothing while the cart is empty."""
    count = cart_count(request)
    return f'<span class="count">({count})</span>' if count else ""


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


@dataclass(frozen=True)
class Picture:
    """What the ``product-picture`` macro writes for one image: a ``<source>`` per modern
    format the image has (``sources``: ``(content type, srcset)``, best first), the JPEG's
    ``src`` and ``srcset``, the ``width`` and ``height`` of ``src`` (the page reserves the
    space before the image arrives) and the ``alt`` text in the page's language."""

    sources: tuple
    src: str
    srcset: str
    width: int
    height: int
    alt: str


def picture(request):
    """``ui.picture(product, image=None, size="thumb")``: the :class:`Picture` of ``image``
    (default the product's first) with ``size`` as its ``src``, or None without images."""

    def make(product, image=None, size="thumb"):
        if image is None:
            if not product.images:
                return None
            image = product.images[0]
        # One traversal URL, the sizes and formats appended: a listing writes many.
        base = request.link(product, "image", image.id)
        # Each width once, smallest first: an image smaller than the large size is stored
        # at the same width twice, and a srcset may not repeat a width.
        widths = {}
        for name in sorted(SIZES, key=SIZES.get):
            widths.setdefault(scaled_size(image, name)[0], name)

        def srcset(suffix):
            return ", ".join(f"{base}/{name}{suffix} {width}w" for width, name in widths.items())

        width, height = scaled_size(image, size)
        return Picture(
            sources=tuple(
                (VARIANT_FORMATS[fmt], srcset(f".{fmt}"))
                for fmt in VARIANT_FORMATS
                if fmt in image.variants
            ),
            src=f"{base}/{size}",
            srcset=srcset(""),
            width=width,
            height=height,
            alt=image.alt.get(request.locale_name, ""),
        )

    return make
