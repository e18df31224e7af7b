"""A view that does nothing, served through shopcms's whole stack (``pyramid.includes``).

It measures the ceiling of the stack itself: transactions, retry, the ZODB connection,
security policy and the response subscribers, without any page to load or render.
"""

from pyramid.response import Response

from shopcms.tree.site import Site
from shopcms.web.security import VIEW


def nothing(context, request):
    return Response("<html><body>Hello</body></html>", content_type="text/html")


def includeme(config):
    config.add_view(
        nothing, context=Site, route_name="public", name="bench-nothing", permission=VIEW
    )
