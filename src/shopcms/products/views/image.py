"""A product's stored images: ``…/products/NAME/image/ID/SIZE`` (``SIZE.webp``,
``SIZE.avif``), immutable, cached for a year."""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileResponse
from pyramid.view import view_config

from shopcms.products.images import CONTENT_TYPE, IMMUTABLE_AGE, SIZES, VARIANT_FORMATS
from shopcms.products.resources import Product
from shopcms.web.security import VIEW


@view_config(context=Product, route_name="public", name="image", permission=VIEW)
def image(context, request):
    """``…/products/NAME/image/ID/SIZE``: a stored JPEG; ``SIZE.webp``, ``SIZE.avif``: the
    same in that format (``images.VARIANT_FORMATS``).  Served only as an image.

    The id is new at each upload and a stored image never changes, so the URL is its
    fingerprint: cached for a year as immutable; ``public`` (shared caches too) only while
    the product is published, as everyone may see it then."""
    if len(request.subpath) != 2:
        raise HTTPNotFound()
    size, dot, fmt = request.subpath[1].partition(".")
    stored = context.image(request.subpath[0])
    if stored is None or size not in SIZES:
        raise HTTPNotFound()
    if not dot:
        blob, content_type = stored.blobs[size], CONTENT_TYPE
    elif fmt in stored.variants and fmt in VARIANT_FORMATS:
        blob, content_type = stored.variants[fmt][size], VARIANT_FORMATS[fmt]
    else:
        raise HTTPNotFound()
    response = FileResponse(blob.committed(), request=request, content_type=content_type)
    response.headers["Cache-Control"] = (
        f"{'public' if context.published else 'private'}, max-age={IMMUTABLE_AGE}, immutable"
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = "inline"
    response.etag = f"{stored.id}-{request.subpath[1]}"
    response.conditional_response = True
    return response
