"""Uploaded product images: checked by content, re-encoded, served only as images.

An upload is accepted only when Pillow recognises it as one of the allowed raster formats
(JPEG, PNG, WebP) by its content, whatever its name or declared type, and within the size
and pixel limits.  It is then decoded and re-encoded as JPEG in two sizes: nothing of the
uploaded file itself (metadata, trailing data, scripts) is ever stored or served.

:func:`add_upload` and :func:`remove` change a product's images and record the change, so
the catalog and the pages' validators follow.
"""

import io
import warnings

from PIL import Image, UnidentifiedImageError

from shopcms.web.i18n import _

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: Longest side of each stored size, in pixels.
SIZES = {"large": 1200, "thumb": 400}
CONTENT_TYPE = "image/jpeg"
#: At most this many images per product.
MAX_IMAGES = 20


class ImageRejected(ValueError):
    """The upload is not an image we accept; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def read_limited(fileobj, max_bytes=MAX_BYTES):
    """Read at most ``max_bytes`` (+1 to detect more) from an upload."""
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(
            _("The file is too large: at most ${mb} MB.", mapping={"mb": max_bytes // 2**20})
        )
    return data


def process(data):
    """``{size: jpeg bytes}`` for the upload ``data``, or ImageRejected."""
    not_an_image = ImageRejected(_("This file is not a JPEG, PNG or WebP image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                probe.verify()
            if fmt not in ALLOWED_FORMATS:
                raise not_an_image
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ImageRejected(_("The image has too many pixels."))
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        if isinstance(exc, ImageRejected):
            raise
        raise not_an_image from None
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    result = {}
    for size, longest in SIZES.items():
        copy = image.convert("RGB")
        copy.thumbnail((longest, longest))
        out = io.BytesIO()
        copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        result[size] = out.getvalue()
    return result, image.size


def add_upload(product, fileobj, alt=None):
    """Check and re-encode the upload ``fileobj`` and add it to ``product`` with its
    alternative texts ``alt`` (``{lang: text}``); ImageRejected when the product has all the
    images it may have or the file is not an image we accept.  Returns the new image."""
    if len(product.images) >= MAX_IMAGES:
        raise ImageRejected(
            _("A product has at most ${count} images.", mapping={"count": MAX_IMAGES})
        )
    sizes, dimensions = process(read_limited(fileobj))
    image = product.add_image(sizes, dimensions, alt)
    product.changed()
    return image


def remove(product, image_id):
    """Remove the image ``image_id`` of ``product``; False when it has no such image."""
    if product.image(image_id) is None:
        return False
    product.remove_image(image_id)
    product.changed()
    return True
