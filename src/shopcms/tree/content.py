"""The content-type registry: every kind of resource declared once, by the package that owns it.

A package declares its types in its ``includeme``::

    config.add_content_type(
        "product", Product, title=_("Product"), container="products",
        add_permission=EDIT,
    )
    config.add_content_type("products", Products, title=_("Products"), site_folder="products")

- ``name`` is the resource's ``content_type`` attribute (the class says it, the registry
  checks they agree);
- ``factory`` makes a new one (usually the class);
- ``container``: the content type of the folder it is added to (None: not added by hand);
- ``add_permission``: what the requester needs on that folder to add one;
- ``site_folder``: a top-level folder the new Site is given under this name (in the order
  of the declarations);
- ``catalog``: whether the catalog indexes it (default True);
- ``workflow``: the :class:`shopcms.workflow.Workflow` its states follow, if any.

Code elsewhere asks the registry instead of importing another package's classes:
``content_types(registry).create("categories")`` makes a folder in an evolve step, the catalog
asks :meth:`ContentTypes.catalogable`, an add form asks :meth:`ContentTypes.addable`.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ContentType:
    """One declared kind of resource (see the module)."""

    name: str
    factory: Any
    title: Any = None
    container: str | None = None
    add_permission: str | None = None
    site_folder: str | None = None
    catalog: bool = True
    workflow: Any = None


class ContentTypes:
    """The declared types, in declaration order."""

    def __init__(self):
        self.types = {}

    def add(self, content_type):
        if content_type.name in self.types:
            raise ValueError(f"content type {content_type.name!r} is declared twice")
        declared = getattr(content_type.factory, "content_type", content_type.name)
        if declared != content_type.name:
            raise ValueError(
                f"{content_type.factory!r} says its content_type is {declared!r}, "
                f"not {content_type.name!r}"
            )
        self.types[content_type.name] = content_type

    def __getitem__(self, name):
        return self.types[name]

    def __contains__(self, name):
        return name in self.types

    def create(self, name, *args, **kw):
        """A new resource of the type ``name`` (its factory called with the arguments)."""
        return self.types[name].factory(*args, **kw)

    def type_of(self, resource):
        """The declaration of ``resource``'s type, or None for an undeclared one."""
        return self.types.get(getattr(resource, "content_type", None))

    def catalogable(self, resource):
        """Whether the catalog indexes ``resource`` (undeclared types are indexed)."""
        declared = self.type_of(resource)
        return declared is None or declared.catalog

    def workflow_of(self, resource):
        declared = self.type_of(resource)
        return declared.workflow if declared is not None else None

    def addable(self, container):
        """The types that may be added to ``container`` (a folder resource)."""
        kind = getattr(container, "content_type", None)
        return [t for t in self.types.values() if t.container == kind]

    def site_folders(self):
        """``(name, type)`` of the top-level folders a new Site gets, in declaration order."""
        return [(t.site_folder, t) for t in self.types.values() if t.site_folder]


def content_types(registry):
    """The content types declared in ``registry`` (none in a registry that did not include
    ``shopcms.tree``: then every resource counts as catalogued and nothing is addable)."""
    return getattr(registry, "shopcms_content_types", None) or ContentTypes()


def add_content_type(config, name, factory, **options):
    """Config directive: declare the content type ``name`` (see the module)."""
    declaration = ContentType(name, factory, **options)
    types = config.registry.shopcms_content_types
    config.action(("shopcms.content_type", name), lambda: types.add(declaration))


def includeme(config):
    config.registry.shopcms_content_types = ContentTypes()
    config.add_directive("add_content_type", add_content_type)
