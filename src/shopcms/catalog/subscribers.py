"""Keep the catalog current from the resource and workflow events."""

from pyramid.traversal import find_root

from ..resources.base import ACLModified, ObjectAdded, ObjectModified, ObjectWillBeRemoved
from . import walk


def _catalog(resource):
    return getattr(find_root(resource), "catalog", None)


def on_added(event):
    catalog = _catalog(event.object)
    if catalog is None:
        return
    # A folder may arrive with children already in it: index the whole subtree.
    for resource in walk(event.object):
        catalog.index_resource(resource)


def on_will_be_removed(event):
    catalog = _catalog(event.object)
    if catalog is None:
        return
    for resource in walk(event.object):
        catalog.unindex_resource(resource)


def on_modified(event):
    catalog = _catalog(event.object)
    if catalog is None:
        return
    # An ACL change decides what everything below may be seen by.
    targets = walk(event.object) if isinstance(event, ACLModified) else [event.object]
    for resource in targets:
        if resource is not find_root(resource):
            catalog.index_resource(resource)


def on_transition(event):
    """A workflow state may carry an ACL: reindex the object and what it contains."""
    on_modified(ACLModified(event.content))


def includeme(config):
    from ..workflow import AfterTransition

    config.add_subscriber(on_added, ObjectAdded)
    config.add_subscriber(on_will_be_removed, ObjectWillBeRemoved)
    config.add_subscriber(on_modified, ObjectModified)
    config.add_subscriber(on_transition, AfterTransition)
