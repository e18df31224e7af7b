"""Uploaded product images: checked by content, re-encoded, served only as images.

An upload is accepted only when Pillow recognises it as one of the allowed raster formats
(JPEG, PNG, WebP) by its content, whatever its name or declared type, and within the size
and pixel limits.  It is then decoded and re-encoded as JPEG in two sizes, and the same two
sizes in the smaller modern formats (:data:`VARIANT_FORMATS`: AVIF where this Pillow can
write it, and WebP) for the browsers that take them: nothing of the uploaded file itself
(metadata, trailing data, scripts) is ever stored or served.

:func:`add_upload` and :func:`remove` change a product's images and record the change, so
the catalog and the pages' validators follow.  Images stored before the modern formats
existed get theirs from :func:`add_missing_variants` (``shopcms make-image-variants``).

An image's URLs carry its id, new at each upload, and an image never changes once stored:
they are served as immutable, cached for a year (``views.image``).
"""

import io
import warnings

from PIL import Image, UnidentifiedImageError, features

from shopcms.web.i18n import _

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: Longest side of each stored size, in pixels.
SIZES = {"large": 1200, "thumb": 400}
CONTENT_TYPE = "image/jpeg"
#: The formats stored beside the JPEG, best first (the order of a ``<picture>``'s sources),
#: with their content types: AVIF only where this Pillow was built with libavif.
VARIANT_FORMATS = {
    **({"avif": "image/avif"} if features.check("avif") else {}),
    "webp": "image/webp",
}
#: Encoder settings per format: about the JPEG's quality at 85, at a fraction of its bytes;
#: AVIF's speed 8 keeps an upload of 20 images within a few seconds.
ENCODING = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "WEBP": {"quality": 80, "method": 3},
    "AVIF": {"quality": 60, "speed": 8},
}
#: How long a browser or cache keeps an image (a year, in seconds): its URL changes with it.
IMMUTABLE_AGE = 31_536_000
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


def decode(data):
    """The upload ``data`` as an RGB or greyscale Pillow image, or ImageRejected."""
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
    return image


def encode(image, fmt="jpeg"):
    """``{size: bytes}``: ``image`` scaled to each of :data:`SIZES` (never up) and encoded
    as ``fmt`` (``jpeg`` or one of :data:`VARIANT_FORMATS`)."""
    result = {}
    for size, longest in SIZES.items():
        copy = image.convert("RGB")
        copy.thumbnail((longest, longest))
        out = io.BytesIO()
        copy.save(out, fmt.upper(), **ENCODING[fmt.upper()])
        result[size] = out.getvalue()
    return result


def process(data):
    """``({size: jpeg bytes}, (width, height))`` for the upload ``data``, or ImageRejected."""
    image = decode(data)
    return encode(image), image.size


def process_with_variants(data):
    """``({size: jpeg bytes}, (width, height), {format: {size: bytes}})`` for the upload
    ``data`` (the formats of :data:`VARIANT_FORMATS`), or ImageRejected."""
    image = decode(data)
    variants = {fmt: encode(image, fmt) for fmt in VARIANT_FORMATS}
    return encode(image), image.size, variants


def scaled_size(image, size):
    """``(width, height)`` of ``image`` (a stored ProductImage) at ``size``: as Pillow's
    thumbnail scales it, within a pixel (what ``srcset`` and ``width``/``height`` need)."""
    longest = SIZES[size]
    scale = min(1.0, longest / max(image.width, image.height, 1))
    return max(1, round(image.width * scale)), max(1, round(image.height * scale))


def add_missing_variants(product):
    """Give each image of ``product`` the formats of :data:`VARIANT_FORMATS` it lacks,
    encoded from its large JPEG (the best of it that is kept); returns how many images got
    some.  For images stored before those formats were made at upload."""
    made = 0
    for stored in product.images:
        missing = [fmt for fmt in VARIANT_FORMATS if fmt not in stored.variants]
        if not missing:
            continue
        with stored.blobs["large"].open("r") as f:
            image = Image.open(io.BytesIO(f.read()))
            image.load()
        stored.add_variants({fmt: encode(image, fmt) for fmt in missing})
        made += 1
    if made:
        # The images live inside the product's record: store it again; and its pages
        # change (their sources), so their validators must too.
        product._p_changed = True
        product.changed()
    return made


def add_upload(product, fileobj, alt=None):
    """Check and re-encode the upload ``fileobj`` and add it to ``product`` with its
    alternative texts ``alt`` (``{lang: text}``); ImageRejected when the product has all the
    images it may have or the file is not an image we accept.  Returns the new image."""
    if len(product.images) >= MAX_IMAGES:
        raise ImageRejected(
            _("A product has at most ${count} images.", mapping={"count": MAX_IMAGES})
        )
    sizes, dimensions, variants = process_with_variants(read_limited(fileobj))
    image = product.add_image(sizes, dimensions, alt, variants=variants)
    product.changed()
    return image


def remove(product, image_id):
    """Remove the image ``image_id`` of ``product``; False when it has no such image."""
    if product.image(image_id) is None:
        return False
    product.remove_image(image_id)
    product.changed()
    return True
