"""Index definitions and the values each resource gives them.

Index values are computed from the resource by small functions here; a content type adds
searchable text by defining ``searchable_text()`` and later issues add their own indexes to
``make_indexes`` (then an evolve step calls ``Catalog.ensure_indexes`` and reindexes).
"""

from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from hypatia.text import TextIndex
from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone
from pyramid.location import lineage
from pyramid.traversal import resource_path_tuple

from ..security import VIEW


def _acl(resource):
    acl = getattr(resource, "__acl__", ())
    return acl() if callable(acl) else acl


def _concerns(permissions, permission):
    if permissions is ALL_PERMISSIONS:
        return True
    if isinstance(permissions, str):
        return permissions == permission
    return permission in permissions


def allowed_principals(resource, permission=VIEW):
    """The principals that have ``permission`` on ``resource``, as Pyramid's ACLHelper decides.

    The ACEs about ``permission`` are read from the resource up to the root; the first one
    that names one of a requester's principals decides.  A principal is judged together with
    the principals every requester holding it also carries (``Everyone``, and
    ``Authenticated`` for any principal but Everyone), so a Deny for Everyone shuts out every
    principal allowed only below it.
    """
    aces = [
        (action, principal)
        for location in lineage(resource)
        for action, principal, permissions in _acl(location)
        if _concerns(permissions, permission)
    ]
    allowed = []
    for principal in {principal for action, principal in aces if action == Allow}:
        carried = {Everyone} if principal == Everyone else {Everyone, Authenticated}
        carried.add(principal)
        first = next(action for action, ace_principal in aces if ace_principal in carried)
        if first == Allow:
            allowed.append(principal)
    return sorted(allowed)


def content_type(resource, default):
    return getattr(resource, "content_type", default)


def path(resource, default):
    """Every ancestor path, so "everything under /products" is one keyword lookup."""
    parts = resource_path_tuple(resource)
    return ["/".join(parts[:i]) or "/" for i in range(1, len(parts) + 1)]


def allowed(resource, default):
    return allowed_principals(resource, VIEW) or default


def modified(resource, default):
    return getattr(resource, "modified", default)


def text(resource, default):
    searchable = getattr(resource, "searchable_text", None)
    return searchable() if searchable is not None else default


def make_indexes():
    """A fresh set of the catalog's indexes, by name."""
    return {
        "content_type": FieldIndex(content_type),
        "path": KeywordIndex(path),
        "allowed": KeywordIndex(allowed),
        "modified": FieldIndex(modified),
        "text": TextIndex(text),
    }
