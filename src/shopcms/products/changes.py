"""A folder's modification time kept apart from the folder (issue 18, acceptance 3).

The products and categories folders are read by every product page and listing (traversal,
URLs, category titles); their modification time is the listing's validator and changes with
every edit.  Kept in the folder's own record, it made every edit of one product a change of
a record every page read, so the page cache (``shopcms.web.dependencies``) dropped them all.
"""

from persistent import Persistent

from shopcms.tree.resources import utcnow


class Changes(Persistent):
    """When the things a folder holds last changed: the validator of the pages that show
    them (the listing's ETag, the sitemap's date), kept in a small record of its own.

    Why apart: every product page and listing reads its folder (traversal, URLs), and the
    page cache drops a page when a record it read changes (``shopcms.web.dependencies``).
    Were the folder itself touched by each edit, one product's edit would drop every
    product page; with this record only the pages that read it (validators) are dropped.
    Concurrent touches merge (the later time wins) instead of conflicting.
    """

    def __init__(self, modified):
        self.modified = modified

    def _p_resolveConflict(self, old, committed, new):
        return max(committed, new, key=lambda state: state["modified"])


class ChangesKept:
    """A folder whose ``modified`` lives in its :class:`Changes` record, so :meth:`touch`
    does not write the folder's record.

    A folder stored before the record has none until evolve step 14 gives it one: it reads
    its own attribute meanwhile, and its first touch adds the record."""

    #: The folder's :class:`Changes` (class default: a folder stored before it has none).
    changes = None

    @property
    def modified(self):
        changes = self.changes  # (activates a ghost before reading its __dict__)
        if changes is None:
            return self.__dict__.get("modified")
        return changes.modified

    @modified.setter
    def modified(self, value):
        if self.changes is None:
            self.changes = Changes(value)
            self.__dict__.pop("modified", None)
        else:
            self.changes.modified = value

    def touch(self):
        """Record a modification in the :class:`Changes` record only.  (Setting
        ``self.modified`` would do it too, but would also mark the folder changed: a
        persistent object counts every attribute set, a property's included.)"""
        if self.changes is None:
            self.modified = utcnow()
        else:
            self.changes.modified = utcnow()

    def keep_changes_apart(self):
        """Move a stored folder's own ``modified`` into a new :class:`Changes` record
        (evolve step 14); does nothing when it has one."""
        if self.changes is None:
            self.modified = self.__dict__.get("modified") or self.created
