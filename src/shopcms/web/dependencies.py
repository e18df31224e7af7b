"""What a cached page was rendered from, and when that changed.

CONTRACT (issue 18; the implementation replaces these stand-ins, the names stay):

- :data:`DEPENDENCIES`: after a skeleton rendering (``shopcms.web.personal.SKELETON`` in the
  environ), the environ holds under this key a ``frozenset`` of the oids (``bytes``) of
  every database record the rendering read, or ``None`` when they are not known (then the
  page may be kept only while the database's last transaction is unchanged);
- :func:`watch` ``(db)`` returns a :class:`Watcher`; its ``poll()`` returns the oids changed
  by the transactions committed since the previous ``poll()`` (in this process, and in other
  processes through ZEO or a RelStorage poll), or :data:`EVERYTHING` when that is not known
  (the first poll, a reconnect);
- :class:`DependencyIndex` maps cached keys to their oids and back.
"""

#: The environ key of a skeleton rendering's dependencies (see the module).
DEPENDENCIES = "shopcms.dependencies"
#: What :meth:`Watcher.poll` returns when it cannot tell which records changed.
EVERYTHING = None


class Watcher:
    """Stand-in: knows nothing, so every poll may have changed everything."""

    def __init__(self, db):
        self.db = db
        self._last = None

    def poll(self):
        last = self.db.lastTransaction()
        changed, self._last = last != self._last, last
        return EVERYTHING if changed else frozenset()


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
            found |= self._keys.get(oid, set())
        return found

    def clear(self):
        self._oids.clear()
        self._keys.clear()
