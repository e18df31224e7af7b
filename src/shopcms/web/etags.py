"""Validators for cheap anonymous pages: ETag and 304 Not Modified.

A view names everything its page depends on (the content's modification time, the
language, the query, the visitor's list cookies...); the ETag is a digest of that.  When the
browser already holds that version, the view answers 304 before rendering anything.
Pages of logged-in users are private (``Cache-Control: no-store``) and get no validator.
"""

import hashlib

from pyramid.response import Response

from shopcms.privacy.consent import page_state


def etag_for(*parts):
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def not_modified(request, *parts):
    """A 304 response if the browser holds the current version, else None.

    Also sets the ETag (and ``Cache-Control: no-cache``: reuse only after revalidation) on
    the response the view will render.  Besides ``parts``, the ETag covers what the layout
    shows of the cookie choice (the banner asks again after 6 months or a new cookie
    policy, with the same cookies).
    """
    if request.authenticated_userid is not None:
        return None
    etag = etag_for(*parts, *page_state(request))
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
