"""The hypatia catalog at the site root.

The catalog is kept current by the folder and workflow events (``subscribers``), never by
views.  Documents are addressed by integer docids; the catalog maps them to resource paths
so results resolve to live resources.  Every query goes through :func:`.query.search`, which
adds the requester's principals, so nobody finds what they may not view.
"""

import secrets

import BTrees
from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from BTrees.OLBTree import OLBTree
from hypatia.catalog import Catalog as HypatiaCatalog
from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_resource, resource_path

from shopcms.catalog.indexes import make_indexes
from shopcms.tree.content import content_types
from shopcms.web.i18n import DEFAULT_LANGUAGES


class Catalog(HypatiaCatalog):
    """A hypatia catalog that knows which resource each docid stands for."""

    family = BTrees.family64

    def __init__(self, languages=DEFAULT_LANGUAGES):
        super().__init__()
        self.languages = tuple(languages)
        self.docid_to_path = LOBTree()
        self.path_to_docid = OLBTree()
        # Changes with every (un)indexing; a merging counter on purpose: it only has to
        # differ between states, and concurrent indexing must not conflict on it.
        self.generation = Length()
        for name, index in make_indexes(self.languages).items():
            self[name] = index

    def ensure_indexes(self, languages=None):
        """Make the indexes those declared now: add new ones, drop ones no longer declared.

        Returns the names added.  An evolve step calls this after the declarations change
        (or a language is added to the settings), then reindexes.
        """
        if languages is not None:
            self.languages = tuple(languages)
        if "generation" not in self.__dict__:
            self.generation = Length()
        declared = make_indexes(self.languages)
        for name in [name for name in self if name not in declared]:
            del self[name]
        added = []
        for name, index in declared.items():
            if name not in self:
                self[name] = index
                added.append(name)
        return added

    def _new_docid(self):
        # Random ids rather than a counter: concurrent additions in different
        # transactions then never conflict on a shared "next id" object.
        while True:
            docid = secrets.randbits(62)
            if docid not in self.docid_to_path:
                return docid

    def docid_for(self, resource):
        return self.path_to_docid.get(resource_path(resource))

    def index_resource(self, resource):
        """Index ``resource`` (again, if it already is); returns its docid."""
        path = resource_path(resource)
        docid = self.path_to_docid.get(path)
        self.generation.change(1)
        if docid is None:
            docid = self._new_docid()
            self.docid_to_path[docid] = path
            self.path_to_docid[path] = docid
            self.index_doc(docid, resource)
        else:
            self.reindex_doc(docid, resource)
        return docid

    def unindex_resource(self, resource):
        path = resource_path(resource)
        docid = self.path_to_docid.get(path)
        if docid is None:
            return
        self.generation.change(1)
        self.unindex_doc(docid)
        del self.path_to_docid[path]
        del self.docid_to_path[docid]

    def resolver(self, site):
        """A function docid -> resource for hypatia result sets."""

        def resolve(docid):
            return find_resource(site, self.docid_to_path[docid])

        return resolve

    def clear(self):
        self.reset()
        self.docid_to_path.clear()
        self.path_to_docid.clear()

    def __len__(self):
        # PersistentMapping's len would count indexes; the number of documents is more useful.
        return len(self.docid_to_path)


def walk(resource):
    """``resource`` and everything below it, parents before children."""
    yield resource
    values = getattr(resource, "values", None)
    if values is not None:
        for child in values():
            yield from walk(child)


def reindex_all(site, languages=None, registry=None, progress=None):
    """Rebuild the catalog from the tree (``shopcms reindex``); returns the document count.

    Only resources of catalogued types are indexed (``shopcms.tree.content``).
    ``progress(done, total)``, if given, is called after each document: ``total`` is the
    count the catalog held before (the tree is not walked twice to count it), raised to
    ``done`` when the tree holds more, and exact at the last call.
    """
    types = content_types(registry or get_current_registry())
    catalog = site.catalog
    expected = len(catalog) or None
    catalog.clear()
    catalog.ensure_indexes(languages)
    count = 0
    for resource in walk(site):
        if resource is site or not types.catalogable(resource):
            continue
        catalog.index_resource(resource)
        count += 1
        if progress is not None:
            progress(count, expected and max(expected, count))
    if progress is not None:
        progress(count, count)
    return count


def includeme(config):
    from shopcms.catalog.query import SetMemo

    config.registry.shopcms_set_memo = SetMemo()
    config.include(".subscribers")
