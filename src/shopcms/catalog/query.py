"""The one way to query the catalog: filtered by what the requester may view."""

from hypatia.query import And, Any

from ..security import effective_principals


def allowed_docids(request):
    """The docids the requester may view: the union of the ``allowed`` sets of their
    principals.  Every query starts from (or is intersected with) this set."""
    return request.root.catalog["allowed"].applyAny(effective_principals(request))


def search(request, query=None, sort_index=None, reverse=False, limit=None):
    """Run ``query`` (a hypatia query, or None for everything) for ``request``.

    The result is a hypatia ResultSet resolving to resources, restricted to those the
    requester's principals may view.  ``sort_index`` names an index to sort by.
    """
    site = request.root
    catalog = site.catalog
    allowed = Any(catalog["allowed"], effective_principals(request))
    full = allowed if query is None else And(query, allowed)
    results = full.execute(resolver=catalog.resolver(site))
    if sort_index is not None:
        results = results.sort(catalog[sort_index], reverse=reverse, limit=limit)
    return results


def index(request, name):
    """The index ``name``, for building queries (``Eq(index(request, 'content_type'), 'page')``)."""
    return request.root.catalog[name]
