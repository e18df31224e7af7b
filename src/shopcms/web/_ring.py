"""Reading a ZODB connection's pickle cache ring: the objects read since a marker.

The C pickle cache of the persistent package keeps its non-ghost objects in a doubly
linked ring, the most recently used last; every read of an object (an attribute, a BTree
operation) moves it there.  Python sees the ring only as ``lru_items()``, a copy of all of
it (tens of milliseconds for 50,000 objects), so it is read here through ctypes, from the
newest object back to the marker.  The layout (persistent's ``cPersistent_HEAD`` and
``CACHE_HEAD``) is checked on every marker before anything is read: where it does not hold
(another build, the pure-Python persistent) a recording knows nothing (``None``), and is
never wrong.
"""

import ctypes
import logging

from persistent import Persistent

log = logging.getLogger(__name__)

_POINTER = ctypes.sizeof(ctypes.c_void_p)
#: PyObject_HEAD: a reference count and a type.
_HEAD = 2 * _POINTER
#: cPersistent_HEAD: PyObject_HEAD, jar, oid, cache, then the ring {r_prev, r_next}.
_JAR, _OID, _CACHE, _RING = (_HEAD + i * _POINTER for i in range(4))
#: CACHE_HEAD: PyObject_HEAD, then the ring's home {r_prev, r_next}.
_HOME = _HEAD
#: Marker oids: no storage hands out oids this high (they count up from zero).
MARKER_PREFIX = b"\xff\xff\xff\xff\xff\xff\xfe"
_warned = []


def _pointer(address):
    return ctypes.c_void_p.from_address(address).value


class _Marker(Persistent):
    """A record that is never stored: its place in the ring marks where a recording began."""

    touch = None


class Recording:
    """The oids of the objects read through ``conn`` from now until :meth:`stop`.

    ``depth`` tells nested recordings' markers apart.  :meth:`add` counts oids read
    elsewhere (a memo's), ``ignored`` those not to count."""

    def __init__(self, conn, depth=0):
        self.conn = conn
        self.cache = conn._cache
        self.extra = set()
        self.ignored = set()
        self.found = set()
        self.known = True
        self.marker = None
        self.ok = False
        self.oid = MARKER_PREFIX + bytes([depth % 256])
        self.resume()

    def resume(self):
        """Record from now on (again): a marker at the ring's newest end."""
        try:
            if self.cache.get(self.oid) is not None:
                del self.cache[self.oid]
            marker = _Marker()
            marker._p_oid, marker._p_jar = self.oid, self.conn
            self.cache[self.oid] = marker
            self.marker = marker
            marker.touch  # noqa: B018 (the read moves it to the ring's newest end)
            self.ok = self._layout_holds()
        except Exception:
            log.debug("could not place a recording marker", exc_info=True)
            self.ok = False
        if not self.ok:
            self.known = False
            if not _warned:
                _warned.append(True)
                log.warning("the pickle cache's ring cannot be read: dependencies unknown")

    def pause(self):
        """Keep what was read since :meth:`resume` and stop recording until the next one."""
        try:
            oids = self.read()
        finally:
            self._remove_marker()
        if oids is None:
            self.known = False
        else:
            self.found.update(oids)

    def _layout_holds(self):
        marker, address = self.marker, id(self.marker)
        return (
            _pointer(address + _JAR) == id(self.conn)
            and _pointer(address + _OID) == id(marker._p_oid)
            and _pointer(address + _CACHE) == id(self.cache)
            and _pointer(id(self.cache) + _HOME) == address + _RING
        )

    def add(self, oids):
        """Count ``oids`` as read (``None``: something unknown was read)."""
        if oids is None:
            self.extra = None
        elif self.extra is not None:
            self.extra.update(oids)

    def read(self):
        """The oids read since the marker, newest first, or None when the ring does not
        reach the marker (it was ghostified: the cache was trimmed meanwhile)."""
        if not self.ok:
            return None
        home = id(self.cache) + _HOME
        stop = id(self.marker) + _RING
        node = _pointer(home)  # r_prev of the home: the newest object
        left = len(self.cache) + 1  # a bound (ringlen() would walk the whole ring)
        oids = []
        while node != stop:
            if node == home or left <= 0 or not node:
                return None
            obj = ctypes.cast(node - _RING, ctypes.py_object).value
            oid = obj._p_oid
            if oid is not None and not oid.startswith(MARKER_PREFIX):
                oids.append(oid)
            node = _pointer(node)  # its r_prev: the next older object
            left -= 1
        return oids

    def stop(self):
        """The frozenset of oids read (read here, noted, less ignored), or None if unknown;
        takes the marker out of the cache."""
        if self.marker is not None:
            self.pause()
        if not self.known or self.extra is None:
            return None
        return frozenset(self.found).union(self.extra).difference(self.ignored)

    def _remove_marker(self):
        marker, self.marker = self.marker, None
        self.ok = False
        if marker is not None and self.cache.get(marker._p_oid) is marker:
            del self.cache[marker._p_oid]
