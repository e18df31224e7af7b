"""The events of the resource tree.

Folders send :class:`ObjectAdded`, :class:`ObjectWillBeRemoved` and :class:`ObjectRemoved`;
domain methods send :class:`ObjectModified` (or :class:`ACLModified`) after a change others
care about; the Site sends :class:`SiteCreated` once, before its folders are added.  The
catalog and the other capabilities subscribe to them instead of being called by views.
"""

from pyramid.threadlocal import get_current_registry


class ObjectEvent:
    """Base of the resource events: ``object`` is the resource concerned."""

    def __init__(self, object):
        self.object = object


class ContainmentEvent(ObjectEvent):
    """``object`` enters or leaves ``parent``, where it is (or was) called ``name``."""

    def __init__(self, object, parent, name):
        super().__init__(object)
        self.parent = parent
        self.name = name


class ObjectAdded(ContainmentEvent):
    """Sent after ``object`` was placed in ``parent`` under ``name``."""


class ObjectWillBeRemoved(ContainmentEvent):
    """Sent before ``object`` leaves ``parent``, while it is still located."""


class ObjectRemoved(ContainmentEvent):
    """Sent after ``object`` left ``parent``."""


class ObjectModified(ObjectEvent):
    """Sent by domain methods after they changed ``object`` in a way others care about."""


class ACLModified(ObjectModified):
    """Sent after the ``__acl__`` of ``object`` changed: what it (and all below) may be seen by."""


def notify(event, registry=None):
    (registry or get_current_registry()).notify(event)


class SiteCreated(ObjectEvent):
    """Sent once when a new Site (``object``) is made for ``registry``, before its folders
    are added: what the Site holds beside its folders (the catalog) is there when they
    arrive."""

    def __init__(self, object, registry):
        super().__init__(object)
        self.registry = registry
