"""The database: the root factory and the one place the Site is created.

The storage is chosen only by the ``zodbconn.uri`` setting (FileStorage with blobs in
development, ZEO or RelStorage/PostgreSQL where several processes share a database; see
production.ini).  The Site is created, and the evolve generation checked, once at start-up
in a transaction of its own, so that no request, and in particular no GET, ever writes
merely because the database is new.
"""

import logging
import os
import random
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pyramid_zodbconn
import transaction
from pyramid.settings import asbool
from pyramid.threadlocal import manager as threadlocal_manager
from pyramid_zodbconn import get_connection
from ZODB.POSException import ConflictError

from shopcms import evolve
from shopcms.tree.connections import release_failed_opens
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


class _Unopened:
    """What pyramid_zodbconn is given for an optional database that could not be opened:
    it sets an activity monitor on every database it opened, and nothing else."""

    def setActivityMonitor(self, monitor):  # noqa: N802 (ZODB's name)
        pass


def open_databases(config, optional=()):
    """Open the databases of the ``zodbconn.uri*`` settings, as pyramid_zodbconn does,
    except that a database named in ``optional`` that cannot be opened (a corrupt file, an
    unreachable server) is left out instead of stopping the application.

    Its error is logged once, here, and kept in :func:`failed_databases` for the
    package that owns the database to show.  The main database is never optional.
    """
    registry = config.registry
    failed = registry.shopcms_failed_databases = {}

    def db_from_uri(uri, name, databases):
        if not name or name not in optional:
            return _open_database(uri, name, databases)
        try:
            return _open_database(uri, name, databases)
        except Exception as error:
            log.error(
                "the %s database could not be opened (%s: %s); the site runs without it",
                name,
                type(error).__name__,
                error,
                exc_info=True,
            )
            failed[name] = error
            return _Unopened()

    pyramid_zodbconn.includeme(config, db_from_uri=db_from_uri)


def _open_database(uri, name, databases, attempts=3):
    """``pyramid_zodbconn.db_from_uri``, tried again when creating the root conflicts.

    Two processes that start at once on a new shared storage (ZEO, RelStorage) both find
    no root and create one; the one that loses reads a root born after its snapshot
    (``ReadConflictError``).  Opening again finds the root the other made.
    """
    for attempt in range(1, attempts + 1):
        try:
            return release_failed_opens(pyramid_zodbconn.db_from_uri(uri, name, databases))
        except Exception as error:
            # ZODB.DB registers itself in ``databases`` before it reads the root: a
            # storage that opened but cannot be read must not be found there.
            half_open = databases.pop(name, None)
            if half_open is not None:
                half_open.close()
            if not isinstance(error, ConflictError) or attempt == attempts:
                raise
            log.info("creating the root of the %s database conflicted; opening it again", name)
            time.sleep(random.uniform(0.05, 0.2))  # noqa: S311 (a pause, not a secret)


def failed_databases(registry):
    """``{name: exception}``: the optional databases that could not be opened at start."""
    return getattr(registry, "shopcms_failed_databases", {})


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


def in_own_transaction(db, work, *, note, write=True, attempts=8, backoff=0.02):
    """``work(root)`` with the ZODB root of ``db`` in a connection and transaction of its
    own: committed (with ``note``) when ``write``, else aborted; done again after a
    conflict, up to ``attempts`` times with a random pause that grows each time.  Returns
    what ``work`` returns; the last ConflictError escapes.

    For writes that must outlive the request's transaction (a failed login's counters: the
    request is aborted with its 4xx answer) or that belong to another database (the
    statistics' days).  ``work`` may run more than once: it must only read and write the
    database it is given.
    """
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in range(1, attempts + 1):
            tm.begin()
            try:
                result = work(conn.root())
                if write:
                    tm.get().note(note)
                    tm.commit()  # writes nothing when nothing changed
                return result
            except ConflictError:
                tm.abort()
                if attempt == attempts:
                    raise
                time.sleep(random.uniform(0, backoff * attempt))  # noqa: S311 (jitter)
    finally:
        tm.abort()
        conn.close()
