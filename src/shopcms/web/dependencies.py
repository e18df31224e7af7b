"""What a cached page was rendered from, and when that changed.

CONTRACT (issue 18; the page cache, ``shopcms.web.pagecache``, relies on it):

- :data:`DEPENDENCIES`: after a skeleton rendering (``shopcms.web.personal.SKELETON`` in the
  environ), the environ holds under this key a ``frozenset`` of the oids (``bytes``) of
  every database record the rendering read through the request's ZODB connection, or
  ``None`` when they are not known (then the page may be kept only while the database's
  last transaction is unchanged).  It is there when the WSGI application returns;
- :func:`watch` ``(db)`` returns a :class:`Watcher`; its ``poll()`` returns the oids changed
  by the transactions committed since the previous ``poll()`` (in this process, and in other
  processes through ZEO or a RelStorage poll), or :data:`EVERYTHING` when that is not known
  (the first poll, a reconnect);
- :class:`DependencyIndex` maps cached keys to their oids and back.

How a rendering's records are known.  Loads of ghosts are not enough: a warm connection
loads nothing, the records a page shows are mostly in its cache already.  But every read of
a persistent object, loaded or not, moves it to the most recently used end of its
connection's pickle cache ring (that is how the cache knows what to ghostify first).  So a
recording puts a marker object at that end when the connection opens for a skeleton
rendering, and at the end reads the ring backwards from the newest object to the marker:
those are exactly the objects read since, whatever the size of the cache (measured: 0.1 to
0.15 ms per rendering of 25 to 50 records, the same with 50,000 objects in the cache, where
copying the ring with ``lru_items()`` takes 17 ms).  The ring is a C structure the persistent
package does not expose to Python: :mod:`._ring` reads it, after checking the layout on the
marker itself; where the check fails the oids are not known (``None``), never wrong.

Work remembered across requests (the catalog's set memo, ``shopcms.catalog.query``) reads
no records when it is reused: :func:`recorded` records what its computation read, and
:func:`note` adds it to the renderings that reuse it.  :func:`ignore` leaves out a record
read only to key such a memo (the catalog's generation), which would otherwise make every
page depend on every indexing.
"""

import contextlib
import logging
import threading

from pyramid.tweens import EXCVIEW
from ZODB.interfaces import IMVCCStorage

from shopcms.web import _ring
from shopcms.web.personal import SKELETON

log = logging.getLogger(__name__)

#: The environ key of a skeleton rendering's dependencies (see the module).
DEPENDENCIES = "shopcms.dependencies"
#: What :meth:`Watcher.poll` returns when it cannot tell which records changed.
EVERYTHING = None
#: In the environ while a rendering records: the stack of active :class:`_ring.Recording`.
RECORDINGS = "shopcms.dependencies.recordings"


# -- recording a rendering -----------------------------------------------------------------


def _stack(request):
    return request.environ.get(RECORDINGS)


def start(request, conn):
    """Start recording what ``request`` reads through ``conn`` (its primary connection).

    Called when pyramid_zodbconn opens the connection of a skeleton rendering; does nothing
    for other requests, or when a recording runs already."""
    environ = request.environ
    if not environ.get(SKELETON) or environ.get(RECORDINGS):
        return
    environ[DEPENDENCIES] = None
    environ[RECORDINGS] = [_ring.Recording(conn, depth=0)]


def finish(request):
    """Stop the recording of ``request`` and leave its oids in ``environ[DEPENDENCIES]``."""
    stack = request.environ.pop(RECORDINGS, None)
    if not stack:
        return
    for nested in reversed(stack[1:]):  # left open by an error: closed, never kept
        nested.stop()
    request.environ[DEPENDENCIES] = stack[0].stop()


def note(request, oids):
    """Count ``oids`` (or None: not known) among the records the current recordings read."""
    for recording in _stack(request) or ():
        recording.add(oids)


def ignore(request, obj):
    """Leave ``obj``'s record out of the current recordings (read only to key a memo)."""
    oid = getattr(obj, "_p_oid", None)
    if oid is not None:
        for recording in _stack(request) or ():
            recording.ignored.add(oid)


def recording(request):
    """True while ``request`` records its dependencies."""
    return bool(_stack(request))


@contextlib.contextmanager
def recorded(request):
    """Record what the block reads (inside a rendering's recording): yields a list that holds,
    after the block, the frozenset of oids (or None when not known).  Outside a recording
    the block runs as it is and the list holds None."""
    found = [None]
    stack = _stack(request)
    if not stack:
        yield found
        return
    nested = _ring.Recording(stack[0].conn, depth=len(stack))
    stack.append(nested)
    try:
        yield found
    finally:
        if stack and stack[-1] is nested:
            stack.pop()
        found[0] = nested.stop()


@contextlib.contextmanager
def unrecorded(request):
    """Leave out of the current recordings what the block reads, unless it is read outside
    the block too (before or after it).  For records read only to find others, such as the
    catalog's docid-to-path mapping when a listing resolves the products it shows: the
    products themselves count (:func:`note` them), the buckets that led there do not."""
    stack = _stack(request) or []
    for active in reversed(stack):  # the newest marker first: each walks its own segment
        active.pause()
    try:
        yield
    finally:
        for active in stack:  # the oldest first, so the nesting order stays
            active.resume()


def dependencies_tween_factory(handler, registry):
    """Stop a skeleton rendering's recording after its view, before the transaction ends.

    It must end inside pyramid_tm: ending the transaction makes the connection ghostify
    the objects other transactions changed (and trim its cache), which takes them off the
    ring.  The connection is opened here if nothing opened it yet, so that the recording
    starts before traversal reads anything."""
    from pyramid_zodbconn import get_connection

    def tween(request):
        if not request.environ.get(SKELETON):
            return handler(request)
        request.environ[DEPENDENCIES] = None
        try:
            get_connection(request)  # the ZODBConnectionOpened subscriber starts recording
        except Exception:
            log.debug("no database connection: dependencies unknown", exc_info=True)
            return handler(request)
        try:
            return handler(request)
        finally:
            finish(request)

    return tween


def _on_opened(event):
    if event.request is not None:
        start(event.request, event.conn)


def _on_will_close(event):
    # A recording the tween did not close (an error before it ran) must not leave its
    # marker in the connection's cache; its oids are not trusted.
    request = event.request
    if request is not None and request.environ.get(RECORDINGS):
        finish(request)
        request.environ[DEPENDENCIES] = None


# -- watching the database -----------------------------------------------------------------


class Watcher:
    """The records changed since the last :meth:`poll`, from a storage instance of its own.

    ZODB gives every MVCC storage instance the oids of each transaction committed after its
    last poll: for FileStorage and ZEO through its MVCC adapter (this process's commits, and
    ZEO's invalidations of other processes' commits), for RelStorage by polling the
    database.  So a watcher is one more such instance, polled by the page cache; a first
    poll, a reconnect (ZEO's "invalidate everything"), an error or a gap RelStorage cannot
    account for answer :data:`EVERYTHING`.  Thread-safe."""

    def __init__(self, db):
        self.db = db
        self._lock = threading.Lock()
        self._instance = None
        self._polled = IMVCCStorage.providedBy(db.storage)

    def poll(self):
        with self._lock:
            if self._instance is None:
                self._instance = self.db._mvcc_storage.new_instance()
                self._poll_instance()  # the start: the first answer is EVERYTHING anyway
                return EVERYTHING
            try:
                changed = self._poll_instance()
            except Exception:
                # The database went away: a new instance next time, and everything may
                # have changed meanwhile.  The caller sees the error (an outage).
                broken, self._instance = self._instance, None
                with contextlib.suppress(Exception):
                    broken.release()
                raise
            return EVERYTHING if changed is None else frozenset(changed)

    def _poll_instance(self):
        if self._polled:
            self._instance.sync()
        return self._instance.poll_invalidations()

    def close(self):
        with self._lock:
            if self._instance is not None:
                with contextlib.suppress(Exception):
                    self._instance.release()
                self._instance = None


def watch(db):
    return Watcher(db)


class DependencyIndex:
    """Keys of cached pages by the oids they depend on."""

    def __init__(self):
        self._oids = {}  # key -> frozenset of oids
        self._keys = {}  # oid -> set of keys

    def add(self, key, oids):
        self.discard(key)
        self._oids[key] = oids
        for oid in oids:
            self._keys.setdefault(oid, set()).add(key)

    def discard(self, key):
        for oid in self._oids.pop(key, ()):
            keys = self._keys.get(oid)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._keys[oid]

    def affected(self, oids):
        """The keys that depend on any of ``oids``."""
        found = set()
        for oid in oids:
            keys = self._keys.get(oid)
            if keys:
                found |= keys
        return found

    def clear(self):
        self._oids.clear()
        self._keys.clear()


def includeme(config):
    from pyramid_zodbconn import ZODBConnectionOpened, ZODBConnectionWillClose

    config.add_subscriber(_on_opened, ZODBConnectionOpened)
    config.add_subscriber(_on_will_close, ZODBConnectionWillClose)
    config.add_tween("shopcms.web.dependencies.dependencies_tween_factory", under=EXCVIEW)
