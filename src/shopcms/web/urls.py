"""URLs, made in one place from the resource tree and the routes.

No path is assembled from strings anywhere else.  Every request has:

- ``request.link(resource=None, *elements, lang=None, query=None, absolute=False)``: the
  public URL of ``resource`` (the Site when None) followed by ``elements`` (a view name, a
  subpath), in ``lang`` (the request's language by default): ``request.link(product)``,
  ``request.link(None, "cart")``, ``request.link(page, "versions", 3)``;
- ``request.manage_link(...)``: the same under ``/{lang}/manage/``;
- ``request.account_link(*elements, ...)``: the logged-in customer's own area
  (``/{lang}/account/...``, whose root is the account itself).

A container (a resource with ``keys``) gets a trailing slash when no element follows
(``/nl/products/``), anything else none (``/nl/products/aloe-vera``); ``slash=True`` asks
for one where a container is only named: ``request.link(None, "products", slash=True)``.
``query`` is a mapping or a sequence of pairs; ``absolute=True`` gives a full URL, on the
shop's public address (:func:`public_url`): for mails and for the payment provider.

:func:`local_path` is the one check that a path sent back by a visitor (``came_from``,
``next``) stays on this site.
"""

import re
from urllib.parse import urlencode

from pyramid.request import Request, apply_request_extensions
from pyramid.traversal import resource_path_tuple

DEFAULT_PUBLIC_URL = "http://127.0.0.1:6543"


def public_url(registry, request=None):
    """The shop's address as customers reach it (``shopcms.public_url``), without a final
    slash; else the request's own, else the development server's."""
    configured = registry.settings.get("shopcms.public_url", "").rstrip("/")
    if configured:
        return configured
    return request.application_url if request is not None else DEFAULT_PUBLIC_URL


def linking_request(registry, request=None):
    """The request that makes a mail's links: ``request``, or for a command (None) one on
    the shop's public address, with the application's request methods (``link``, ``now``)."""
    if request is not None:
        return request
    blank = Request.blank("/", base_url=public_url(registry))
    blank.registry = registry
    apply_request_extensions(blank)
    return blank


def _segments(resource, elements):
    path = resource_path_tuple(resource)[1:] if resource is not None else ()
    return tuple(str(part) for part in (*path, *elements))


def _url(request, route, resource, elements, lang, query, absolute, slash):
    segments = _segments(resource, elements)
    if slash is None:
        slash = not elements and (resource is None or hasattr(resource, "keys"))
    path = request.route_path(route, lang=lang or request.locale_name, traverse=segments)
    if slash and not path.endswith("/"):
        path += "/"
    if query:
        path += "?" + urlencode(query, doseq=True, safe="/")
    return public_url(request.registry, request) + path if absolute else path


def link(request, resource=None, *elements, lang=None, query=None, absolute=False, slash=None):
    """The public URL of ``resource`` (see the module)."""
    return _url(request, "public", resource, elements, lang, query, absolute, slash)


def manage_link(
    request, resource=None, *elements, lang=None, query=None, absolute=False, slash=None
):
    """The management URL of ``resource`` (see the module)."""
    return _url(request, "manage", resource, elements, lang, query, absolute, slash)


def account_link(request, *elements, lang=None, query=None, absolute=False, slash=None):
    """A URL of the logged-in customer's own area (see the module)."""
    return _url(request, "account", None, elements, lang, query, absolute, slash)


#: A path on this site as this site writes one: printable ASCII (anything else is
#: percent-encoded), one leading slash, no backslash (browsers read it as a slash).
_LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]{0,1999}")


def local_path(value):
    """``value`` if it is a path on this site (``/...``), else None: never another site.

    Only what this site's own links and ``request.path_qs`` look like passes: control
    characters (a header split), spaces, a backslash and any non-ASCII character (a
    "division slash" ``∕∕evil.example`` or an ideographic full stop that a browser reads as
    ``//`` or ``.``) make the value ignored, so the caller falls back to its default page.
    """
    if isinstance(value, str) and _LOCAL_PATH.fullmatch(value):
        return value
    return None


def includeme(config):
    config.add_request_method(link, "link")
    config.add_request_method(manage_link, "manage_link")
    config.add_request_method(account_link, "account_link")
