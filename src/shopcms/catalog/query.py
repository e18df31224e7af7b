"""The one way to query the catalog: filtered by what the requester may view."""

import threading
from collections import OrderedDict

from BTrees import LFBTree
from hypatia.query import And, Any

from shopcms.web import dependencies
from shopcms.web.security import effective_principals


def docids(index, value, request=None):
    """The docids an index holds for ``value``: hypatia's own set, not a copy.

    ``applyEq`` would copy the set (a multiunion), which at 100,000 documents costs more
    than the whole rest of a query.  The set is read only: never change it.

    With ``request``, a page recording its dependencies depends on the set, not on the
    index's nodes that lead to it (other values' additions change those; the set for
    ``value`` is never replaced while it exists, and it changes before it is removed).
    Where there is no set, the way to where it would be counts.
    """
    tree = index._fwd_index
    if request is None:
        found = tree.get(value)
        return found if found is not None else EMPTY
    with dependencies.unrecorded(request):
        found = tree.get(value)
    if found is None:
        tree.get(value)  # recorded: adding this value changes what the lookup reads
        return EMPTY
    dependencies.note(request, {found._p_oid} if found._p_oid is not None else ())
    return found


EMPTY = LFBTree.TreeSet()


class SetMemo:
    """Results of catalog set operations, per process, for the catalog state they came from.

    A key always includes the catalog's ``generation``, which changes with every indexing,
    so an entry can never be served for another state of the catalog.  Bounded: the least
    recently used entries go first.  The sets are shared: never change them.

    An entry keeps, beside its value, the oids of the records its computation read (None:
    not known, computed outside a recording; ``shopcms.web.dependencies``): a cached page
    that reuses the value depends on those records, not on the generation.
    """

    def __init__(self, max_entries=512):
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def entry(self, key):
        """``(value, oids)`` or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, value, oids=None):
        with self._lock:
            self._entries[key] = (value, oids)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get(self, key, compute):
        found = self.entry(key)
        if found is not None:
            return found[0]
        value = compute()
        self.put(key, value)
        return value


def remembered(request, key, compute):
    """``compute()``, remembered for this state of the catalog (see :class:`SetMemo`).

    While a page records its dependencies, the generation read to key the memo is left
    out (any indexing anywhere changes it) and the records the computation read count
    instead, whether it runs now or ran for an earlier request.
    """
    catalog = request.root.catalog
    generation = getattr(catalog, "generation", None)
    if generation is None:
        return compute()
    dependencies.ignore(request, generation)
    memo = request.registry.shopcms_set_memo
    full_key = (generation(), *key)
    if not dependencies.recording(request):
        return memo.get(full_key, compute)
    found = memo.entry(full_key)
    if found is not None and found[1] is not None:
        dependencies.note(request, found[1])
        return found[0]
    with dependencies.recorded(request) as oids:
        value = compute()
    memo.put(full_key, value, oids[0])
    return value


def allowed_docids(request):
    """The docids the requester may view: the union of the ``allowed`` sets of their
    principals.  Every query starts from (or is intersected with) this set."""
    index = request.root.catalog["allowed"]
    sets = [docids(index, principal, request) for principal in effective_principals(request)]
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
