"""Views that exist only in the test application (``pyramid.includes``).

They let the tests prove mechanisms of the real stack: the commit veto, the 500 page, and
the cookie registry's guard; each is registered with an explicit permission like every
view.  The include also installs a clock the tests can move forward.
"""

from datetime import UTC, datetime, timedelta

from pyramid.httpexceptions import HTTPNoContent
from pyramid.response import Response

from shopcms.tree.site import Site
from shopcms.web.security import VIEW


def write_then_fail(context, request):
    context.test_marker = "half-written"
    return Response("rejected", status=400)


def write_ok(context, request):
    context.test_marker = "written"
    return HTTPNoContent()


ATTEMPTS = []


def always_conflicting(context, request):
    """Writes, then meets a conflict on every attempt (as a hot spot under load would)."""
    from ZODB.POSException import ConflictError

    ATTEMPTS.append(request.path)
    context.test_marker = "conflicted"
    raise ConflictError("simulated conflict")


def boom(context, request):
    raise RuntimeError("secret internal detail that must not reach the browser")


def undeclared_cookie(context, request):
    response = Response("cookie")
    response.set_cookie("tracker", "1")
    return response


class TestClock:
    """The application's clock in tests: real time plus an offset the test can move."""

    def __init__(self):
        self.offset = timedelta()

    def __call__(self):
        return datetime.now(UTC) + self.offset

    def advance(self, **delta):
        self.offset += timedelta(**delta)

    def advance_to(self, hour, tzinfo):
        """Move forward to the next ``hour`` o'clock in ``tzinfo``: a test whose times must
        fall within one day (of the site's time zone) starts there, whenever it runs."""
        now = self().astimezone(tzinfo)
        target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        if target <= now:
            target = (target + timedelta(days=1)).replace(hour=hour)
        self.offset += target.astimezone(UTC) - now.astimezone(UTC)  # (over a DST change)


def includeme(config):
    config.registry.shopcms_clock = TestClock()
    common = {"context": Site, "route_name": "public", "permission": VIEW}
    config.add_view(write_then_fail, name="test-write-then-fail", request_method="POST", **common)
    config.add_view(write_ok, name="test-write-ok", request_method="POST", **common)
    config.add_view(boom, name="test-boom", **common)
    config.add_view(always_conflicting, name="test-conflict", request_method="POST", **common)
    config.add_view(undeclared_cookie, name="test-undeclared-cookie", **common)
