"""Views for the benchmarks only (``pyramid.includes = bench.stack_view``; never in a site).

- ``/{lang}/bench-nothing``: a view that does nothing, served through shopcms's whole stack.
  It measures the ceiling of the stack itself: transactions, retry, the ZODB connection,
  security policy and the response subscribers, without any page to load or render.
- ``POST /{lang}/bench-edit?name=PRODUCT``: what an editor's save of a product does to the
  database (``mixed.py``): its Dutch description changed through the domain methods and
  ``changed()`` (the catalog reindexes, the listing's validator moves), one transaction.
- :data:`RENDERS`: the GETs Pyramid's router handled (``NewRequest``), per path and query:
  a page the page cache answered (from a skeleton or whole) never reaches the router, so
  these are the renders, whatever the cache's own flags say (``servers.SHOP
  --count-renders`` hands them over).
"""

import collections
import threading

from pyramid.events import NewRequest
from pyramid.response import Response

from shopcms.tree.site import Site
from shopcms.web.security import VIEW

RENDERS = collections.Counter()
LOCK = threading.Lock()


def count_render(event):
    environ = event.request.environ
    if environ.get("REQUEST_METHOD") == "GET":
        key = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            key += "?" + environ["QUERY_STRING"]
        with LOCK:
            RENDERS[key] += 1


def nothing(context, request):
    return Response("<html><body>Hello</body></html>", content_type="text/html")


def edit(context, request):
    product = context["products"][request.GET["name"]]
    edits = getattr(product, "bench_edits", 0) + 1
    product.bench_edits = edits
    text = product.descriptions.get("nl", "")
    product.set_texts("nl", product.titles["nl"], f"{text.split(' [')[0]} [edit {edits}]")
    product.changed()
    return Response(f"edited {product.__name__} ({edits})", content_type="text/plain")


def includeme(config):
    config.add_subscriber(count_render, NewRequest)
    config.add_view(
        nothing, context=Site, route_name="public", name="bench-nothing", permission=VIEW
    )
    config.add_view(
        edit,
        context=Site,
        route_name="public",
        name="bench-edit",
        request_method="POST",
        permission=VIEW,
        require_csrf=False,
    )
