"""Classes that moved: where a stored record's class lives now.

ZODB stores each record with the dotted name of its class (``shopcms.resources.customers
.Customer``) and imports that name again to load it.  When code moves, a database written
before the move names modules that no longer exist.  Each package declares, in its
``includeme``, where its stored classes came from::

    config.add_moved_module("shopcms.resources.customers", "shopcms.accounts.resources")
    config.add_moved_class("shopcms.resources.site.Contests", "shopcms.tree.resources.Folder")

and every database of the application gets a class factory that reads that table before
importing (``includeme``, right after ``pyramid_zodbconn`` opened the databases).  The
declarations take effect at once, not when the configuration is committed, because a
package may read its stored objects while it is included (the statistics do).  The
aliases are consulted only when unpickling, so the old names never become importable for
code; a record is written under the class's new name the next time it changes.
Declarations are kept for as long as a database or a backup written before the move may
be opened.
"""

from ZODB.broken import find_global


class MovedClasses:
    """The table: ``modules`` maps an old module to its new one, ``classes`` an old dotted
    class name to a new one (for a class that was renamed or folded into another)."""

    def __init__(self):
        self.modules = {}
        self.classes = {}

    def locate(self, module, name):
        """Where ``module.name`` of a stored record lives now: ``(module, name)``."""
        moved = self.classes.get(f"{module}.{name}")
        if moved is not None:
            return tuple(moved.rsplit(".", 1))
        return self.modules.get(module, module), name

    def class_factory(self, connection, module, name):
        """``ZODB.DB.classFactory``: find the class, through the table."""
        return find_global(*self.locate(module, name))


def moved_classes(registry):
    table = getattr(registry, "shopcms_moved_classes", None)
    if table is None:
        table = registry.shopcms_moved_classes = MovedClasses()
    return table


def _declare(config, kind, old, new):
    table = moved_classes(config.registry)
    mapping = table.modules if kind == "module" else table.classes
    if mapping.get(old, new) != new:
        raise ValueError(f"{old} is declared moved to {mapping[old]} and to {new}")
    mapping[old] = new


def add_moved_module(config, old, new):
    """Config directive: records of classes of the module ``old`` load from ``new``."""
    _declare(config, "module", old, new)


def add_moved_class(config, old, new):
    """Config directive: records of the class ``old`` (dotted) load as ``new`` (dotted)."""
    _declare(config, "class", old, new)


def install(registry):
    """Make every database of the application load moved classes."""
    factory = moved_classes(registry).class_factory
    for db in getattr(registry, "_zodb_databases", {}).values():
        db.classFactory = factory
        # Connections made before (ZODB opens one to create the root) bound the factory
        # they were made with: give the pooled ones the new one too.
        for connection in db.pool:
            connection._reader._factory = factory


def includeme(config):
    """After ``pyramid_zodbconn``: the directives, and the class factory on its databases."""
    install(config.registry)
    config.add_directive("add_moved_module", add_moved_module)
    config.add_directive("add_moved_class", add_moved_class)
