"""The database: the root factory and the one place the Site is created.

The storage is chosen only by the ``zodbconn.uri`` setting (FileStorage with blobs in
development, ZEO or RelStorage/PostgreSQL where several processes share a database; see
production.ini).  The Site is created, and the evolve generation checked, once at start-up
in a transaction of its own, so that no request, and in particular no GET, ever writes
merely because the database is new.
"""

import logging
import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import transaction
from pyramid.settings import asbool
from pyramid.threadlocal import manager as threadlocal_manager
from pyramid_zodbconn import get_connection

from shopcms import evolve
from shopcms.tree.site import create_site

log = logging.getLogger(__name__)

SITE_KEY = "site"


class StartupError(RuntimeError):
    """The database cannot be served by this code (too new, or evolve pending)."""


def root_factory(request):
    """The Site, read from this request's ZODB connection."""
    return get_connection(request).root()[SITE_KEY]


def evolve_steps(registry):
    """The evolve steps the packages declared (``config.add_evolve_step``)."""
    return evolve.evolve_steps(registry)


def appmaker(zodb_root, registry):
    """Create the Site in ``zodb_root`` unless it exists; stamp a new database's generation.

    Idempotent.  Returns ``(site, created)``.  The caller commits.
    """
    site = zodb_root.get(SITE_KEY)
    if site is not None:
        return site, False
    site = create_site(registry)
    zodb_root[SITE_KEY] = site
    evolve.stamp_new(zodb_root, evolve_steps(registry))
    return site, True


def get_database(registry):
    return registry._zodb_databases[""]


def open_root(registry):
    """A connection of its own (own transaction manager) for scripts and start-up work.

    Returns ``(connection, transaction_manager)``; the caller commits and closes.
    """
    tm = transaction.TransactionManager()
    conn = get_database(registry).open(transaction_manager=tm)
    return conn, tm


@contextmanager
def site_transaction(registry):
    """Work on the Site outside a request (scripts, start-up, test set-up).

    Opens a connection with its own transaction manager, makes ``registry`` the current
    one (so resource events reach the catalog and other subscribers exactly as in a
    request), yields the Site, and commits on success or aborts on error.
    """
    conn, tm = open_root(registry)
    threadlocal_manager.push({"registry": registry, "request": None})
    try:
        with tm:
            yield conn.root()[SITE_KEY]
    finally:
        threadlocal_manager.pop()
        conn.close()


def bootstrap(registry, script=False):
    """Make sure the database holds a Site on the generation this code expects.

    A database newer than the code refuses to start.  An older one is evolved when
    ``shopcms.evolve_on_start`` is true, and otherwise refuses to start with a message
    pointing at ``shopcms evolve``.  For a script (``script=True``) only the Site is made:
    the ``shopcms`` command evolves or reports on its own terms.
    """
    conn, tm = open_root(registry)
    threadlocal_manager.push({"registry": registry, "request": None})
    try:
        with tm:
            _site, created = appmaker(conn.root(), registry)
        if created:
            log.info("created a new site")
        current, latest = evolve.check(conn.root(), evolve_steps(registry))
    finally:
        threadlocal_manager.pop()
        conn.close()
    if script:
        return
    if current > latest:
        raise StartupError(
            f"the database is at generation {current}, newer than this code ({latest})"
        )
    if current < latest:
        if asbool(registry.settings.get("shopcms.evolve_on_start", False)):
            evolve.evolve(get_database(registry), registry, evolve_steps(registry), log=log.info)
        else:
            raise StartupError(
                f"the database is at generation {current}, the code at {latest}: "
                "run 'shopcms evolve' first"
            )


def ensure_storage_directory(settings):
    """Create the folder of a ``file://`` storage (and its blobs) so a fresh clone starts."""
    uri = settings.get("zodbconn.uri", "")
    if not uri.startswith("file://"):
        return
    parts = urlsplit(uri)
    os.makedirs(os.path.dirname(parts.path), exist_ok=True)
    for param in parts.query.split("&"):
        if param.startswith("blobstorage_dir="):
            os.makedirs(param.split("=", 1)[1], exist_ok=True)
