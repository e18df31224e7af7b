"""schema.org data as JSON-LD, safe inside the page, and the shop's ``Organization``.

:func:`json_ld` writes the data so that no text inside it can end the
``<script type="application/ld+json">`` element that holds it.  Such a script is a data
block, never run: the Content-Security-Policy (``script-src 'self'``) does not apply to it
and it needs no 'unsafe-inline'.

The organisation's contact address is the setting ``shopcms.contact_email`` (default
``info@softcactus.be``, the address of the terms and the contest rules).
"""

import json

from shopcms.web.i18n import languages
from shopcms.web.urls import public_url

BRAND = "Soft Cactus"
LEGAL_NAME = "onto object bvba"
CONTACT = "info@softcactus.be"
#: The shop's logo (a square PNG drawn from favicon.svg): the organisation's logo and the
#: link preview of a page that has no image of its own.
LOGO = "shopcms.web:static/logo.png"

#: Characters written as JSON escapes: none of them can then close the script element or
#: start markup (``</script>``, ``<!--``), whatever a product or a review says.
_SCRIPT_SAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def json_ld(data):
    """``data`` as the text of a ``<script type="application/ld+json">`` element: JSON
    whose ``<``, ``>`` and ``&`` are escapes (the same JSON to a reader, no markup to the
    HTML parser), so it is safe to write unescaped into the page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_SAFE:  # str.replace: many times faster than str.translate
        text = text.replace(char, escape)
    return text


def absolute_static(request, spec):
    """The absolute address of a static file, on the shop's public address."""
    return public_url(request.registry, request) + request.static_path(spec)


def organization(request):
    """The shop's schema.org ``Organization`` (the home page's JSON-LD)."""
    contact = request.registry.settings.get("shopcms.contact_email") or CONTACT
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": BRAND,
        "legalName": LEGAL_NAME,
        "url": public_url(request.registry, request) + "/",
        "logo": absolute_static(request, LOGO),
        "email": contact,
        "contactPoint": {
            "@type": "ContactPoint",
            "contactType": "customer service",
            "email": contact,
            "availableLanguage": list(languages(request.registry)),
        },
    }
