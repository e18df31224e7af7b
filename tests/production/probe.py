"""A view of the test application behind the proxy (``pyramid.includes``): what the shop
sees of the request after waitress applied its trusted-proxy settings.

``REMOTE_ADDR`` is the address the statistics recorder keys visits on
(``shopcms.statistics.recorder``), ``client_addr`` the one the login throttle counts; the
scheme and host are what the CSRF Origin check and absolute links use.
"""

from pyramid.response import Response

from shopcms.tree.site import Site
from shopcms.web.security import VIEW


def seen(context, request):
    response = Response(content_type="application/json")
    response.json_body = {
        "remote_addr": request.environ.get("REMOTE_ADDR"),
        "client_addr": request.client_addr,
        "scheme": request.scheme,
        "host_url": request.host_url,
        "application_url": request.application_url,
        "forwarded_headers": sorted(k for k in request.environ if "FORWARDED" in k),
    }
    return response


def includeme(config):
    config.add_view(seen, context=Site, route_name="public", permission=VIEW, name="test-seen")
