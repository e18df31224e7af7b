"""A page's skeleton filled for a visitor, as the page cache fills it, next to its full render.

``filled_and_full(site, browser, path)`` asks the application twice for ``path`` with the
browser's cookies: once normally (the full render) and once as the page cache's miss does
(``environ[SKELETON]``: personal parts as holes, CSRF tokens as the mark).  It then fills the
skeleton's holes by calling each declared part with a lightweight request made from the
visitor's environ (a Pyramid request with the registry, the request extensions, the page's
language, the Site on its own ZODB connection, pushed as Pyramid's current request: no
router, no view, no transaction manager),
and each CSRF mark with that request's token.  Both bodies come back with CSRF tokens
unmasked (``web.csrf.unmask`` where it exists), so a test compares them directly.

The page cache itself is turned off in these sites (``shopcms.page_cache.megabytes = 0``):
the application answers both requests.
"""

import re
from typing import NamedTuple

import transaction
from pyramid.csrf import get_csrf_token
from pyramid.request import Request, apply_request_extensions
from pyramid.threadlocal import manager

from shopcms.tree.database import root_factory
from shopcms.web import csrf, personal
from tests.conftest import make_site

NO_PAGE_CACHE = {"shopcms.page_cache.megabytes": "0"}
TOKEN = re.compile(r'(name="csrf_token"[^>]*?value=")([^"]*)(")')


def make_uncached_site(tmp_path):
    return make_site(tmp_path, **NO_PAGE_CACHE)


def unmasked(body):
    """``body`` with each CSRF token as the secret it carries (masking differs per response)."""
    unmask = getattr(csrf, "unmask", None)
    if unmask is None:
        return body
    return TOKEN.sub(lambda m: m[1] + (unmask(m[2]) or m[2]) + m[3], body)


def part_request(site, environ, lang):
    """The lightweight request the page cache makes from the visitor's ``environ``."""
    clean = {k: v for k, v in environ.items() if not k.startswith(("shopcms.", "webob."))}
    request = Request(clean)
    request.registry = site.registry
    apply_request_extensions(request)
    request.locale_name = lang
    request.root = root_factory(request)
    return request


def fill(site, environ, skeleton, lang):
    """``skeleton`` (text) with its holes and CSRF marks filled for the visitor of ``environ``."""
    holes = environ.get(personal.HOLES, [])
    request = part_request(site, environ, lang)
    # As the router does: templates find their renderers (and the banner its request)
    # through Pyramid's thread locals.
    manager.push({"registry": site.registry, "request": request})
    try:
        parts = site.registry.shopcms_personal_parts
        texts = [parts[name](request, **dict(args)) for name, args in holes]
        for index, text in enumerate(texts):
            marker = personal.hole(index)
            assert skeleton.count(marker) == 1, marker
            skeleton = skeleton.replace(marker, text)
        while personal.CSRF_MARK in skeleton:
            skeleton = skeleton.replace(personal.CSRF_MARK, get_csrf_token(request), 1)
    finally:
        manager.pop()
        request._process_finished_callbacks()
        transaction.abort()
    assert "\x00" not in skeleton
    return skeleton


class Rendered(NamedTuple):
    filled: str  # the skeleton filled for the visitor
    full: str  # the page rendered in full for the visitor
    holes: list  # the skeleton's ``[(name, args)]``
    skeleton: str  # the skeleton as the page cache keeps it


def filled_and_full(site, browser, path, lang=None):
    """The :class:`Rendered` page ``path`` for ``browser``'s visitor."""
    lang = lang or path.strip("/").split("/")[0]
    full = browser.get(path)
    skeleton = browser.get(path, extra_environ={personal.SKELETON: True})
    assert skeleton.status_int == full.status_int == 200
    environ = skeleton.request.environ
    holes = list(environ.get(personal.HOLES, []))
    filled = fill(site, environ, skeleton.text, lang)
    return Rendered(unmasked(filled), unmasked(full.text), holes, skeleton.text)
