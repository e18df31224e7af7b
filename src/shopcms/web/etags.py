"""Validators for cheap anonymous pages: ETag and 304 Not Modified.

A view names everything its page depends on (the content's modification time, the
language, the query, the visitor's list cookies...); the ETag is a digest of that.  When the
browser already holds that version, the view answers 304 before rendering anything.
Only a visitor without cookies gets a validator: the page of a visitor with cookies holds
their personal parts and is never stored (``shopcms.web.sharing``).

What the layout shows of the visitor on every page (the cookie banner, a greeting) is part
of every validator: the capability that shows it declares a function ``request -> tuple``
with ``config.add_validator_part(func)``.
"""

import hashlib

from pyramid.response import Response

from shopcms.web.sharing import carries_no_state


def etag_for(*parts):
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def not_modified(request, *parts):
    """A 304 response if the browser holds the current version, else None.

    Also sets the ETag (and ``Cache-Control: no-cache``: reuse only after revalidation) on
    the response the view will render.  Besides ``parts``, the ETag covers what the layout
    shows of the visitor (the declared validator parts: the cookie banner asks again after 6
    months or a new cookie policy, with the same cookies).
    """
    if not carries_no_state(request):
        request.response.vary = ("Cookie",)
        return None
    layout = (part for func in request.registry.shopcms_validator_parts for part in func(request))
    etag = etag_for(*parts, *layout)
    request.response.etag = etag
    request.response.cache_control = "no-cache"
    request.response.vary = ("Cookie",)
    if etag in request.if_none_match:
        response = Response(status=304)
        response.etag = etag
        response.cache_control = "no-cache"
        response.vary = ("Cookie",)
        return response
    return None


def add_validator_part(config, func):
    """Config directive: ``func(request)`` (a tuple) is part of every page's validator."""
    config.registry.shopcms_validator_parts.append(func)


def includeme(config):
    config.registry.shopcms_validator_parts = []
    config.add_directive("add_validator_part", add_validator_part)
