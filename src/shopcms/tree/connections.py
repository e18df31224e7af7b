"""ZODB connections that go back to their pool when opening them fails.

``DB.open`` takes a connection from the pool and then opens it; opening registers it with
the request's transaction manager, which, in an active transaction, synchronises it with
the storage at once.  While the storage is unreachable (a ZEO or PostgreSQL restart) that
synchronisation raises, ``DB.open`` passes the error on, and the connection it took is
neither returned to the pool nor closed: it stays registered with a transaction manager that
is gone.  Each such request leaks one connection ("DB.open() has 13 open connections with a
pool_size of 7"), and closing the database at shutdown then fails on them (aborting the
explicit transaction manager of a request long finished raises ``NoTransaction``).

:class:`ReleasingConnection` closes itself when its ``open`` fails, so it returns to the
pool and leaves the transaction manager before the error goes on; :func:`release_failed_opens`
makes a database use it.
"""

import logging

from ZODB.Connection import Connection

log = logging.getLogger(__name__)


class ReleasingConnection(Connection):
    """A ZODB connection that is closed again when opening it fails (see the module)."""

    def open(self, transaction_manager=None, delegate=True):
        try:
            super().open(transaction_manager, delegate)
        except BaseException:
            if delegate:  # only the primary connection goes back to the pool
                self._release()
            raise

    def _release(self):
        try:
            self.close()
        except Exception:
            # The storage is what failed; closing must not hide the error that opening met.
            log.warning("a connection whose opening failed could not be closed", exc_info=True)


def release_failed_opens(db):
    """Make ``db`` open only :class:`ReleasingConnection` from now on; returns ``db``.

    The connections already in the pool (``ZODB.DB`` made one to create the root) are of
    ZODB's class: they are dropped, so the next ``open`` makes a releasing one.  Call it
    before ``db`` serves requests.
    """
    db.klass = ReleasingConnection
    with db._lock:  # DB.open pops under this lock
        db.pool.clear()
    return db
