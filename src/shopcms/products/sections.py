"""Sections other capabilities add to the product page, and the page's structured data.

The products package knows nothing of what a section shows (the reviews add theirs): a
capability declares a section once, in its ``includeme``::

    config.add_product_section("reviews", values, template, validator=..., data=...)

- ``values(product, request)``: the section's template values, or None when it has
  nothing to show; called for every rendering of the product page, so it must be cheap
  (read stored figures and one page of items, never scan).
- ``template``: the section's template (an asset spec; a theme may replace it as any
  other), rendered with those values and ``product``; its HTML goes under the product.
- ``validator(product, request)``: a tuple naming everything the section shows besides
  the product itself (its stored figures, the visitor's cookies it reads).  It is part of
  the product page's ETag, so a change the section shows is never answered with a stale 304.
- ``data(product, request, values)``: schema.org properties the section adds to the
  page's ``Product`` (JSON-LD), e.g. ``aggregateRating``.

Sections render in the order declared.  A section with a validator is rendered once per
state and kept (:class:`RenderedSections`, per application and process): the validator's
contract (the same parts, the same section) is what the page's ETag already relies on, so
a product page whose section shows a thousand reviews costs a look-up, not a rendering.
The visitor's CSRF token is put into a kept rendering, as the small forms do; a skeleton
(``shopcms.web.personal``) is never kept nor taken from what is kept: its holes are numbered
in its page.
:func:`product_data` is the page's ``Product``; ``shopcms.findability`` writes it into the
head as JSON-LD, escaped so that no text inside it can end the ``<script>`` block.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from pyramid.csrf import get_csrf_token
from pyramid.renderers import render

from shopcms.findability.api import BRAND
from shopcms.web.personal import in_skeleton

#: Stands for the visitor's CSRF token in a kept rendering.
_TOKEN = "shopcms-section-token"  # noqa: S105 (a stand-in, not a secret)


@dataclass(frozen=True)
class ProductSection:
    name: str
    values: Callable
    template: str
    validator: Callable | None = None
    data: Callable | None = None


def add_product_section(config, name, values, template, validator=None, data=None):
    """Config directive: declare a section of the product page (see the module)."""
    config.registry.shopcms_product_sections.append(
        ProductSection(name, values, template, validator, data)
    )


def declared(request):
    return request.registry.shopcms_product_sections


def _validator(section, product, request):
    """``section``'s validator for ``product``, asked once per request (the ETag and the
    kept rendering both need it)."""
    asked = request.__dict__.setdefault("shopcms_section_validators", {})
    key = (section.name, product.pid)
    if key not in asked:
        asked[key] = section.validator(product, request)
    return asked[key]


def validator_parts(product, request):
    """What the declared sections show of ``product`` besides it (for the page's ETag)."""
    return tuple(
        (section.name, _validator(section, product, request))
        for section in declared(request)
        if section.validator is not None
    )


class RenderedSections:
    """Sections rendered before, by key; bounded (least recently used out), per process."""

    def __init__(self, size=1024):
        self.size = size
        self._kept = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


def _render(section, product, request):
    """``(html, data)`` of ``section`` for ``product``, or None when it shows nothing."""
    values = section.values(product, request)
    if values is None:
        return None
    html = render(section.template, {**values, "product": product}, request)
    data = section.data(product, request, values) if section.data is not None else {}
    return html, data


#: The CSRF token's value in a rendered form (masked anew at each call of
#: ``get_csrf_token``, so the rendering's own tokens are found by their place).
_TOKEN_VALUE = re.compile(r'(name="csrf_token" value=")[^"]*(")')


def _kept(section, product, request):
    """:func:`_render`, kept for the section's state (see the module).  A skeleton (the
    page cache's rendering, ``shopcms.web.personal``) is rendered anew: its personal parts
    are holes numbered in the page's own order."""
    if section.validator is None or in_skeleton(request):
        return _render(section, product, request)
    key = (
        section.name,
        product.pid,
        product.__name__,
        product.modified,
        request.locale_name,
        request.path_qs,
        _validator(section, product, request),
    )
    kept = request.registry.shopcms_rendered_sections
    found = kept.get(key)
    if found is None:
        found = _render(section, product, request)
        if found is not None:
            found = (_TOKEN_VALUE.sub(rf"\g<1>{_TOKEN}\g<2>", found[0]), found[1])
        kept.put(key, found or ())
    if not found:
        return None
    return found[0].replace(_TOKEN, escape(get_csrf_token(request))), found[1]


def rendered(product, request):
    """``(sections, data)``: each section's HTML (those with something to show), and the
    schema.org properties they add to the product."""
    html, data = [], {}
    for section in declared(request):
        found = _kept(section, product, request)
        if found is not None:
            html.append(found[0])
            data.update(found[1])
    return html, data


def product_data(product, request, title, description, extra, price=None):
    """The page's schema.org ``Product``: name, description, images, code, brand, the offer
    (price, currency, availability, address), and what the sections add (``extra``, the
    reviews' ``aggregateRating`` and ``review``); ``price``: what it sells for now (an
    automatic promotion's, else its price).  The head writes it as JSON-LD
    (``shopcms.findability``), safely escaped."""
    url = request.link(product, absolute=True)
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": title,
        "sku": product.sku,
        "url": url,
        "brand": {"@type": "Brand", "name": BRAND},
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": str(product.price if price is None else price),
            "priceCurrency": "EUR",
            "availability": "https://schema.org/"
            + ("InStock" if product.in_stock else "OutOfStock"),
        },
    }
    if description:
        data["description"] = description
    images = [
        request.link(product, "image", image.id, "large", absolute=True) for image in product.images
    ]
    if images:
        data["image"] = images
    data.update(extra)
    return data


def includeme(config):
    config.registry.shopcms_product_sections = []
    config.registry.shopcms_rendered_sections = RenderedSections()
    config.add_directive("add_product_section", add_product_section)
