"""Shared pages, declared on the view; every other page is private.

A view declares ``shared=True`` (``@view_config(..., shared=True)``) when its page is the
same for every visitor who carries no state: the catalog, the policy pages, the home page.
What follows from that declaration is decided here and nowhere else:

- **page cache**: a shared page's ``200`` answer to a visitor without cookies may be kept
  and served to the next such visitor (``shopcms.web.pagecache`` reads :data:`ENVIRON_KEY`);
- **browser caches**: a private page is never stored (``Cache-Control: no-store``, no
  validators); a shared page keeps the validators its view sets (``shopcms.web.etags``)
  for a visitor without cookies only: a visitor with cookies is given the page with their
  personal parts (``shopcms.web.personal``), never to be stored either, and the same
  whether the page cache filled a skeleton or the application rendered it in full;
- **the consent banner** on a shared page is shown whatever the visitor's headers
  (:func:`is_shared`): the cached copy serves everybody.

Independently of the declaration, a request that carries no state (:func:`carries_no_state`:
a GET without cookies or credentials) is given the stateless CSRF token
(``shopcms.web.csrf``) on every page: a first visit starts no session; the first form sent
does.  A view that sets its own freshness (a static file, a product image: ``max-age``) keeps
it.
"""

from pyramid.events import NewResponse
from pyramid.response import Response

from shopcms.web.marks import SKELETON

#: Set in the WSGI environ while a shared page is answered to a visitor without state; the
#: page cache in front of the application reads it.
ENVIRON_KEY = "shopcms.shared_page"
#: The declaration of the view that answered: True, False, or absent (no view ran).
DECLARED_KEY = "shopcms.view_shared"


def carries_no_state(request):
    """A GET (or HEAD) that sends no cookie and no credentials: nothing personal to show."""
    return (
        request.method in ("GET", "HEAD")
        and not request.cookies
        and "Authorization" not in request.headers
    )


def is_shared(request):
    """True while a view declared shared answers a visitor who carries no state."""
    return bool(request.environ.get(ENVIRON_KEY))


def declared_shared(request):
    """Whether the view that answered this request declared its page shared."""
    return bool(request.environ.get(DECLARED_KEY))


def shared_view(view, info):
    """View deriver of the ``shared`` option (see the module)."""
    shared = bool(info.options.get("shared", False))

    def derived(context, request):
        # The view that answers last decides: an exception view replaces the failed one's.
        request.environ[DECLARED_KEY] = shared
        request.environ[ENVIRON_KEY] = shared and carries_no_state(request)
        if not shared and request.environ.get(SKELETON):
            # The page cache asked for a skeleton of a page that is not shared: it will
            # ask again for the visitor.  The view does not run twice (a click counted
            # twice, a page rendered for nothing): an empty answer the cache does not keep.
            return Response(status=204)
        return view(context, request)

    return derived


shared_view.options = ("shared",)


def keeps_own_freshness(response):
    return response.cache_control.max_age is not None or response.cache_control.public


def cache_headers(event):
    """Private pages are never stored; shared pages keep their validators (see the module)."""
    request, response = event.request, event.response
    if keeps_own_freshness(response):
        return
    if declared_shared(request) and carries_no_state(request):
        return
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("ETag", None)
    response.headers.pop("Last-Modified", None)


def includeme(config):
    config.add_view_deriver(shared_view)
    config.add_subscriber(cache_headers, NewResponse)
