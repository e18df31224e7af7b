"""Views of the test application for tests/production (``pyramid.includes``).

``test-seen``: what the shop sees of the request after waitress applied its trusted-proxy
settings.  ``REMOTE_ADDR`` is the address the statistics recorder keys visits on
(``shopcms.statistics.recorder``), ``client_addr`` the one the login throttle counts; the
scheme and host are what the CSRF Origin check and absolute links use.

``test-storage-down?kind=zeo|postgres|conflict``: a request that meant to set a cookie (as
a checkout empties the cart) and then meets the storage client's "disconnected" exception,
or a conflict on every attempt.
"""

from pyramid.response import Response

from shopcms.tree.site import Site
from shopcms.web.cookies import set_cookie
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


def storage_down(context, request):
    request.add_response_callback(lambda req, resp: set_cookie(req, resp, "cart", "emptied"))
    kind = request.GET.get("kind")
    if kind == "zeo":
        from ZEO.Exceptions import ClientDisconnected

        raise ClientDisconnected("timed out waiting for connection")
    if kind == "postgres":
        import psycopg2

        raise psycopg2.OperationalError("connection to server failed: Connection refused")
    from ZODB.POSException import ConflictError

    context.test_marker = "conflicted"
    raise ConflictError("simulated conflict")


def includeme(config):
    common = {"context": Site, "route_name": "public", "permission": VIEW}
    config.add_view(seen, name="test-seen", **common)
    config.add_view(storage_down, name="test-storage-down", **common)
