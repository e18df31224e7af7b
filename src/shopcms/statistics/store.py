"""The statistics database: aggregates only, in a ZODB database of their own.

The database is pyramid_zodbconn's named database ``statistics`` (setting
``zodbconn.uri.statistics``), never the main one: a flush commits there, so the main
database's last transaction (which keeps the shared pages of ``shopcms.web.pagecache`` valid)
does not move.  Its root holds one :class:`Statistics` under :data:`ROOT_KEY`:

- ``days``: OOBTree ``"YYYY-MM-DD"`` (the site's time zone) -> :class:`Period`;
- ``months``: OOBTree ``"YYYY-MM"`` -> :class:`Period`, the days rolled up after 25 months
  (``shopcms.statistics.retention``).

A :class:`Period` holds, per dimension (``shopcms.statistics.visits.DIMENSIONS``), an
OOBTree ``value -> BTrees.Length.Length``.  A ``Length`` resolves concurrent changes by
adding them up, so processes that flush at the same time never lose a count; two
processes inserting the same new value at once do conflict, and :func:`apply` then starts
its transaction again with the same counts (the caller keeps them until the commit
succeeded: nothing is lost, nothing counted twice).
"""

import logging
import random
import time
from contextlib import contextmanager

import transaction
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.POSException import ConflictError

from shopcms.statistics.visits import DIMENSIONS

log = logging.getLogger(__name__)

#: The name of the statistics database (``zodbconn.uri.statistics``).
DATABASE = "statistics"
#: Where the :class:`Statistics` live in that database's root.
ROOT_KEY = "shopcms_statistics"


class Period(Persistent):
    """The counters of one day or one month: ``dimension -> OOBTree(value -> Length)``."""

    def __init__(self):
        self.counters = OOBTree()
        for dimension in DIMENSIONS:
            self.counters[dimension] = OOBTree()

    def add(self, dimension, value, n):
        tree = self.counters.get(dimension)
        if tree is None:
            tree = self.counters[dimension] = OOBTree()
        counter = tree.get(value)
        if counter is None:
            tree[value] = Length(n)
        else:
            counter.change(n)

    def counts(self, dimension):
        """``{value: n}`` of a dimension."""
        tree = self.counters.get(dimension)
        return {} if tree is None else {value: counter() for value, counter in tree.items()}

    def total(self, dimension):
        tree = self.counters.get(dimension)
        return 0 if tree is None else sum(counter() for counter in tree.values())

    def merge_into(self, other):
        """Add every counter of this period to ``other`` (a roll-up)."""
        for dimension, tree in self.counters.items():
            for value, counter in tree.items():
                if counter():
                    other.add(dimension, value, counter())


class Statistics(Persistent):
    """The root of the aggregates: ``days`` and ``months`` (see the module)."""

    def __init__(self):
        self.days = OOBTree()
        self.months = OOBTree()

    def day(self, key, create=False):
        period = self.days.get(key)
        if period is None and create:
            period = self.days[key] = Period()
        return period

    def month(self, key, create=False):
        period = self.months.get(key)
        if period is None and create:
            period = self.months[key] = Period()
        return period

    def add(self, day, dimension, value, n):
        """Count ``n`` more for ``value`` of ``dimension`` on ``day`` (ISO date string)."""
        self.day(day, create=True).add(dimension, value, n)


def get_statistics(zodb_root, create=False):
    """The :class:`Statistics` in the statistics database's ``zodb_root`` (None if absent)."""
    statistics = zodb_root.get(ROOT_KEY)
    if statistics is None and create:
        statistics = zodb_root[ROOT_KEY] = Statistics()
    return statistics


class FlushFailed(RuntimeError):
    """The counts could not be committed (they are still the caller's)."""


def apply(db, counts, attempts=10, backoff=0.05):
    """Add ``counts`` (``(day, dimension, value) -> n``) in one transaction on ``db``.

    A conflict (another process added the same new value or day at the same moment)
    aborts and starts again with the same counts, up to ``attempts`` times, after a
    random pause of up to ``backoff`` x attempt seconds.  Returns the number of attempts
    used; raises :class:`FlushFailed` (or the storage's error) when nothing was committed.
    """
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in range(1, attempts + 1):
            tm.begin()
            try:
                statistics = get_statistics(conn.root(), create=True)
                # A fixed order: concurrent flushes touch the same buckets in the same order.
                for (day, dimension, value), n in sorted(counts.items()):
                    if n:
                        statistics.add(day, dimension, value, n)
                tm.get().note("shopcms: statistics flush")
                tm.commit()
                return attempt
            except ConflictError:
                tm.abort()
                log.debug("statistics flush conflicted (attempt %d), trying again", attempt)
                time.sleep(random.uniform(0, backoff * attempt))  # noqa: S311 (not security)
        raise FlushFailed(f"the statistics flush conflicted {attempts} times")
    finally:
        tm.abort()
        conn.close()


def ensure_statistics(db):
    """Create the :class:`Statistics` in a new statistics database (its own transaction)."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            if conn.root().get(ROOT_KEY) is None:
                get_statistics(conn.root(), create=True)
    except ConflictError:
        # Another process created it at the same moment: then it exists.
        pass
    finally:
        conn.close()


def get_statistics_database(registry):
    """The statistics ZODB database, or None when the statistics are turned off."""
    return getattr(registry, "_zodb_databases", {}).get(DATABASE)


@contextmanager
def statistics_transaction(registry):
    """The :class:`Statistics` in a connection and transaction of their own (scripts,
    tests): committed at the end of the block, aborted on an error."""
    db = get_statistics_database(registry)
    if db is None:
        raise LookupError("the statistics are turned off (shopcms.statistics.enabled)")
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            yield get_statistics(conn.root(), create=True)
    finally:
        conn.close()
