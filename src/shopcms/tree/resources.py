"""The building blocks of the resource tree: BTree-backed folders and content.

Every resource is location-aware (``__name__``/``__parent__``) and either carries an
``__acl__`` or inherits one.  Folders send events on add, remove and modify; the catalog and
later subsystems subscribe to them instead of being called from views.  Traversal only ever
reaches what a folder holds through ``__getitem__``: attributes and methods of resources are
never exposed as URL segments.
"""

from datetime import UTC, datetime

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping

from shopcms.tree.events import ObjectAdded, ObjectRemoved, ObjectWillBeRemoved, notify
from shopcms.web.i18n import _


def utcnow():
    return datetime.now(UTC)


class FolderKeyError(ValueError):
    """A name that cannot be used in a folder; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Content(Persistent):
    """A persistent, location-aware resource.  Subclasses set ``content_type``."""

    content_type = "content"
    __name__ = None
    __parent__ = None

    def __init__(self):
        self.created = utcnow()
        self.modified = self.created

    def touch(self):
        """Record a modification (the catalog and HTTP validators read ``modified``)."""
        self.modified = utcnow()


class Folder(Content):
    """A container of resources keyed by name, backed by an OOBTree.

    ``add``/``remove`` keep ``__name__``/``__parent__`` right and send the events; reading is
    mapping-like.  Names are validated so that a URL segment can never hit a view name or a
    special name.
    """

    content_type = "folder"

    def __init__(self):
        super().__init__()
        self.data = OOBTree()
        self._num_objects = Length()

    # -- reading ---------------------------------------------------------------
    def __getitem__(self, name):
        return self.data[name]

    def get(self, name, default=None):
        return self.data.get(name, default)

    def __contains__(self, name):
        return name in self.data

    def __len__(self):
        return self._num_objects()

    def __iter__(self):
        return iter(self.data.keys())

    def keys(self):
        return self.data.keys()

    def values(self):
        return self.data.values()

    def items(self):
        return self.data.items()

    # -- writing ---------------------------------------------------------------
    @staticmethod
    def check_name(name):
        """Raise FolderKeyError unless ``name`` is usable as a URL segment here."""
        if not isinstance(name, str) or not name:
            raise FolderKeyError(_("A name is required."))
        if name in (".", "..") or name.startswith(("@@", "_")) or "/" in name:
            raise FolderKeyError(_("This name is reserved."))
        if len(name) > 200:
            raise FolderKeyError(_("This name is too long."))
        return name

    def add(self, name, obj, send_events=True, registry=None):
        """Place ``obj`` here under ``name`` and send ObjectAdded.

        Raises FolderKeyError when the name is invalid or taken: nothing is replaced silently.
        """
        self.check_name(name)
        if name in self.data:
            raise FolderKeyError(_("This name is already in use."))
        obj.__name__ = name
        obj.__parent__ = self
        self.data[name] = obj
        self._num_objects.change(1)
        if send_events:
            notify(ObjectAdded(obj, self, name), registry)
        return obj

    def remove(self, name, send_events=True, registry=None):
        """Take the object ``name`` out of this folder and send the removal events."""
        obj = self.data[name]
        if send_events:
            notify(ObjectWillBeRemoved(obj, self, name), registry)
        del self.data[name]
        self._num_objects.change(-1)
        if send_events:
            notify(ObjectRemoved(obj, self, name), registry)
        obj.__parent__ = None
        return obj


class Translations(PersistentMapping):
    """Per-language values of one field (``{'nl': ..., 'fr': ..., 'en': ...}``).

    Reading for a visitor goes through :func:`shopcms.web.i18n.pick`, which applies the fallback
    order, so callers never index a language that may be missing.
    """
