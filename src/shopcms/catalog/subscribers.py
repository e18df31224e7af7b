"""Keep the catalog current from the resource and workflow events.

A new Site gets its catalog (:class:`~shopcms.tree.events.SiteCreated`); afterwards every
added, modified or removed resource of a catalogued type (``shopcms.tree.content``) is
indexed or unindexed.
"""

from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_root

from shopcms.catalog import Catalog, walk
from shopcms.tree.content import content_types
from shopcms.tree.events import (
    ACLModified,
    ObjectAdded,
    ObjectModified,
    ObjectWillBeRemoved,
    SiteCreated,
)
from shopcms.web.i18n import languages


def _catalog(resource):
    return getattr(find_root(resource), "catalog", None)


def on_site_created(event):
    site = event.object
    site.catalog = Catalog(languages(event.registry))
    site.catalog.__parent__ = site
    site.catalog.__name__ = "catalog"


def _catalogued(resource):
    return content_types(get_current_registry()).catalogable(resource)


def on_added(event):
    catalog = _catalog(event.object)
    if catalog is None:
        return
    # A folder may arrive with children already in it: index the whole subtree.
    for resource in walk(event.object):
        if _catalogued(resource):
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
        if resource is not find_root(resource) and _catalogued(resource):
            catalog.index_resource(resource)


def on_transition(event):
    """A workflow state may carry an ACL: reindex the object and what it contains."""
    on_modified(ACLModified(event.content))


def includeme(config):
    from shopcms.workflow import AfterTransition

    config.add_subscriber(on_site_created, SiteCreated)
    config.add_subscriber(on_added, ObjectAdded)
    config.add_subscriber(on_will_be_removed, ObjectWillBeRemoved)
    config.add_subscriber(on_modified, ObjectModified)
    config.add_subscriber(on_transition, AfterTransition)
