"""Rendered pages kept in memory for visitors who carry no state.

A visitor without any cookie sees exactly what every other such visitor sees for the same
URL and the same content: no cart count, no recently viewed products, no notices.  For those
requests a catalog page is rendered once per content version and then served from this
cache.  The key always includes the version of what the page shows (the Products folder's
or the product's modification time), so a change is visible at once; the cache is bounded
(least recently used entries go first) and per process.

A page with forms carries the visitor's CSRF token: it is rendered with a placeholder that
is replaced by the real token of each response.
"""

import threading
from collections import OrderedDict

CSRF_PLACEHOLDER = "\x00csrf-token\x00"


class PageCache:
    def __init__(self, max_entries=2000):
        self.max_entries = max_entries
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
            return body

    def put(self, key, body):
        with self._lock:
            self._pages[key] = body
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)


def cacheable(request):
    """True for a request whose page is the same for every visitor without state."""
    return not request.cookies and request.method == "GET"


def serve(request, key, render):
    """The page for ``key``, from the cache or from ``render()`` (a str); sets the body of
    ``request.response`` and returns it.  The CSRF placeholder becomes this visitor's token.
    """
    cache = request.registry.shopcms_page_cache
    body = cache.get(key)
    if body is None:
        request.shopcms_csrf_placeholder = True
        body = render()
        cache.put(key, body)
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, request.session.get_csrf_token())
    request.response.text = body
    return request.response


def includeme(config):
    size = int(config.get_settings().get("shopcms.page_cache.size", 2000))
    config.registry.shopcms_page_cache = PageCache(size)
