"""The database is unreachable: 503 with ``Retry-After``, never a 500.

When the ZEO server restarts or PostgreSQL (RelStorage) goes away, the storage client raises
its own "disconnected" exception (``ZEO.Exceptions.ClientDisconnected``, psycopg2's
``OperationalError`` / ``InterfaceError``, RelStorage's ``ReplicaClosedException``) wherever
the request meets the database: opening the connection, loading an object, committing.
Nothing was saved by such a request (a commit that did reach the server is found again when
the visitor sends the form once more: every POST is safe to retry), so the visitor is told
to wait a moment and try again, with a ``Retry-After`` header for machines, and the storage
client reconnects by itself in the background: the shop serves again as soon as the
database is back, without a restart.

Such a request is not replayed at once (pyramid_retry replays a ZEO disconnect, a
``TransientError``, up to ``retry.attempts`` times): the client has already waited for the
server as long as it was told to (ZEO's ``wait_timeout``), and ten more waits would keep the
visitor and a server thread for minutes.  A tween just above the application turns these
exceptions into :class:`StorageUnavailable`, which is not retried; those raised by the
commit itself (in pyramid_tm, above that tween) are answered by the same view.

No 5xx answer sets a cookie (:func:`drop_cookies_of_failed_requests`): the cookies belong
to the state that was not saved.  The page says so without the site's layout: the layout
reads the site (navigation, the account), which is what is unavailable.  One warning line is
logged per request, without a traceback: an outage is an operator's event, not a bug.

A restarted ZEO server hands out object ids again from the highest one stored, so the ids a
client had fetched in advance and not used yet (``ClientStorage._oids``) may be given to
another client too: two new objects with one id, a commit refused with "A different object
already has the same oid" (a 500, and a checkout that cannot be placed until the process
restarts).  Each ZEO client here forgets those ids when it (re)connects
(:func:`forget_prefetched_oids`).

Setting: ``shopcms.outage.retry_after`` (seconds, default 10).
"""

import logging

from pyramid.events import NewResponse
from pyramid.renderers import render_to_response
from pyramid.tweens import EXCVIEW

from shopcms.web.errors import minimal_page
from shopcms.web.i18n import _

log = logging.getLogger(__name__)

TEMPLATE = "shopcms.web:templates/outage.pt"


_CONFLICTS = []


def _unavailable_exceptions():
    """The storage clients' "server unreachable" exceptions, of those installed."""
    found = []
    try:
        from ZEO.Exceptions import ClientDisconnected
    except ImportError:  # pragma: no cover (ZEO is an optional extra)
        pass
    else:
        found.append(ClientDisconnected)
    try:
        import psycopg2
    except ImportError:  # pragma: no cover (RelStorage is an optional extra)
        pass
    else:
        found += [psycopg2.OperationalError, psycopg2.InterfaceError]
        # A deadlock or serialization failure is an OperationalError too, but a conflict:
        # left to the retry machinery (and answered by this page only if it still escapes).
        _CONFLICTS.append(psycopg2.extensions.TransactionRollbackError)
    try:
        from relstorage.adapters.interfaces import ReplicaClosedException
    except ImportError:  # pragma: no cover
        pass
    else:
        found.append(ReplicaClosedException)
    return tuple(found)


UNAVAILABLE = _unavailable_exceptions()
CONFLICTS = tuple(_CONFLICTS)


class StorageUnavailable(Exception):
    """The database could not be reached (the storage client's exception is the cause)."""


def unavailable_tween_factory(handler, registry):
    """Turn the storage clients' disconnects into :class:`StorageUnavailable` (not retried)."""

    def unavailable_tween(request):
        try:
            return handler(request)
        except UNAVAILABLE as error:
            if isinstance(error, CONFLICTS):
                raise
            raise StorageUnavailable(f"{type(error).__name__}: {error}") from error

    return unavailable_tween


def unavailable(exc, request):
    """The 503 page: the database is unreachable, try again in a moment."""
    log.warning("database unavailable on %s %s: %s", request.method, request.path, str(exc)[:200])
    title = _("The shop is briefly unavailable")
    text = _(
        "We cannot reach our database for a moment. Nothing was saved: please wait "
        "a few seconds and try again."
    )
    try:
        response = render_to_response(TEMPLATE, {"title": title, "text": text}, request=request)
    except Exception:
        # This page must answer whatever else is broken (web.errors' last resort).
        log.exception("the outage page could not be rendered")
        response = minimal_page(request, 503, title, text)
    response.status = 503
    response.headers["Retry-After"] = str(request.registry.shopcms_outage_retry_after)
    response.cache_control = "no-store"
    return response


def drop_cookies_of_failed_requests(event):
    """NewResponse subscriber: a 5xx answer sends no cookie.

    Such a request's transaction was aborted (a storage outage, a conflict that outlived
    every retry, an error), but the cookies it meant to set are still added to the error
    page by their response callbacks: a checkout's "empty the cart" would reach the browser
    although the order was not stored, and the customer's retry would find an empty cart.
    """
    response = event.response
    if response.status_code >= 500 and "Set-Cookie" in response.headers:
        del response.headers["Set-Cookie"]  # every one of them


def forget_prefetched_oids(storage):
    """Make a ZEO ``ClientStorage`` drop its prefetched object ids on every (re)connection
    (see the module); any other storage is left as it is."""
    prefetched = getattr(storage, "_oids", None)
    connected = getattr(storage, "notify_connected", None)
    if not isinstance(prefetched, list) or connected is None:
        return

    def notify_connected(conn, info):
        del storage._oids[:]  # in place: a concurrent new_oid() then fetches fresh ones
        return connected(conn, info)

    storage.notify_connected = notify_connected


def includeme(config):
    settings = config.get_settings()
    config.registry.shopcms_outage_retry_after = int(settings.get("shopcms.outage.retry_after", 10))
    # pyramid_zodbconn (included before shopcms.web) has opened the databases.
    for db in getattr(config.registry, "_zodb_databases", {}).values():
        forget_prefetched_oids(db.storage)
    config.add_subscriber(drop_cookies_of_failed_requests, NewResponse)
    # Under the exception view tween: what this tween raises is rendered by the view below.
    config.add_tween("shopcms.web.outage.unavailable_tween_factory", under=EXCVIEW)
    for exception in (StorageUnavailable, *UNAVAILABLE):
        config.add_exception_view(unavailable, context=exception)
