"""Counts kept in a process's memory and stored in the database by a transaction of their
own: how a GET (a page view, a click on a mailed link) counts without writing.

A :class:`Tally` is a counter of keys under a lock (the server's threads share it), one per
application and purpose (:func:`tally`).  :func:`flush` takes everything counted, hands it to
the owner's ``store(site, counts)`` inside one ``site_transaction`` and retries on a write
conflict; counts that cannot be written (a conflict that outlives the attempts, the
database unreachable) go back into the tally for the next flush, so nothing is lost while
the process lives.  The owner stores counts as ``BTrees.Length`` (whose concurrent
increments merge), so flushes of several processes do not conflict on one number.

Who flushes: the server's timer (``operations.timer``) on each round, and the process's
exit (``atexit``, registered once per tally by :func:`flush_at_exit`).  What a process
killed without warning had not flushed yet is lost; the owners say so.
"""

import atexit
import logging
import threading
import weakref
from collections import Counter

from ZODB.POSException import ConflictError

from shopcms.tree.database import site_transaction

log = logging.getLogger(__name__)

#: Attempts of one flush against write conflicts.
ATTEMPTS = 5


class Tally:
    """Counts not yet stored: ``key -> count`` (see the module)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.exit_flush = False

    def add(self, key, count=1):
        with self.lock:
            self.counts[key] += count

    def take(self):
        """Everything counted so far; the tally starts again from zero."""
        with self.lock:
            taken, self.counts = self.counts, Counter()
            return taken

    def give_back(self, counts):
        with self.lock:
            self.counts.update(counts)

    def snapshot(self):
        """``{key: count}`` as it is now (a copy)."""
        with self.lock:
            return dict(self.counts)


def tally(registry, attribute, factory=Tally):
    """The application's tally kept in ``registry.<attribute>`` (made on first use)."""
    found = getattr(registry, attribute, None)
    if found is None:
        found = factory()
        setattr(registry, attribute, found)
    return found


def flush(registry, counted, store, what, at_exit=False):
    """Store what ``counted`` (a :class:`Tally`) holds with ``store(site, counts)`` in a
    transaction of its own (see the module); ``what`` names the counts in the log.
    Returns how many were taken off the tally, 0 when they were kept for later."""
    counts = counted.take()
    if not counts:
        return 0
    for attempt in range(ATTEMPTS):
        try:
            with site_transaction(registry) as site:
                store(site, counts)
            return sum(counts.values())
        except ConflictError:
            if attempt == ATTEMPTS - 1:
                break
        except Exception as exc:
            if at_exit:  # the database may be closed already: say so in one line
                log.warning("%s were lost at exit: %r", what, exc)
                return 0
            log.exception("%s could not be stored; kept for later", what)
            break
    counted.give_back(counts)
    return 0


def flush_at_exit(counted, registry, flush_registry):
    """Call ``flush_registry(registry, at_exit=True)`` when the process exits (once per
    tally; the registry is held weakly, so a closed application is not kept alive)."""
    if counted.exit_flush:
        return
    counted.exit_flush = True
    atexit.register(_at_exit, weakref.ref(registry), flush_registry)


def _at_exit(registry_ref, flush_registry):
    registry = registry_ref()
    if registry is not None:
        flush_registry(registry, at_exit=True)
