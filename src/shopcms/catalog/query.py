"""The one way to query the catalog: filtered by what the requester may view."""

import threading
from collections import OrderedDict

from BTrees import LFBTree
from hypatia.query import And, Any

from shopcms.web.security import effective_principals


def docids(index, value):
    """The docids an index holds for ``value``: hypatia's own set, not a copy.

    ``applyEq`` would copy the set (a multiunion), which at 100,000 documents costs more
    than the whole rest of a query.  The set is read only: never change it.
    """
    found = index._fwd_index.get(value)
    return found if found is not None else EMPTY


EMPTY = LFBTree.TreeSet()


class SetMemo:
    """Results of catalog set operations, per process, for the catalog state they came from.

    A key always includes the catalog's ``generation``, which changes with every indexing,
    so an entry can never be served for another state of the catalog.  Bounded: the least
    recently used entries go first.  The sets are shared: never change them.
    """

    def __init__(self, max_entries=512):
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
                return value
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


def remembered(request, key, compute):
    """``compute()``, remembered for this state of the catalog (see :class:`SetMemo`)."""
    catalog = request.root.catalog
    generation = catalog.generation() if "generation" in catalog.__dict__ else None
    if generation is None:
        return compute()
    return request.registry.shopcms_set_memo.get((generation, *key), compute)


def allowed_docids(request):
    """The docids the requester may view: the union of the ``allowed`` sets of their
    principals.  Every query starts from (or is intersected with) this set."""
    index = request.root.catalog["allowed"]
    sets = [docids(index, principal) for principal in effective_principals(request)]
    sets = [found for found in sets if found]
    if len(sets) == 1:
        return sets[0]
    return index.family.IF.multiunion(sets)


def search(request, query=None, sort_index=None, reverse=False, limit=None, principals=None):
    """Run ``query`` (a hypatia query, or None for everything) for ``request``.

    The result is a hypatia ResultSet resolving to resources, restricted to those the
    requester's principals may view, or those of ``principals`` when given (``(Everyone,)``:
    what an anonymous visitor may view, whoever asks: the sitemap).  ``sort_index`` names an
    index to sort by.
    """
    site = request.root
    catalog = site.catalog
    if principals is None:
        principals = effective_principals(request)
    allowed = Any(catalog["allowed"], list(principals))
    full = allowed if query is None else And(query, allowed)
    results = full.execute(resolver=catalog.resolver(site))
    if sort_index is not None:
        results = results.sort(catalog[sort_index], reverse=reverse, limit=limit)
    return results


def index(request, name):
    """The index ``name``, for building queries (``Eq(index(request, 'content_type'), 'page')``)."""
    return request.root.catalog[name]
