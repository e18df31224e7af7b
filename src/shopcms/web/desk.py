"""The management desk's frame: its sidebar of sections and its breadcrumbs.

Every page under ``/{lang}/manage/`` (route ``manage``) is rendered in the desk's own page
macro, ``shopcms.web:templates/desk.pt`` (``shopcms.web.templates`` chooses it, so the
desk's templates keep ``use-macro="layout.macros['layout']"``).  Its sidebar lists what the
staff member may do; each capability declares its own entries in its ``includeme``:

- ``config.add_desk_section(name, title, elements, permission, order=0)``: a link to
  ``request.manage_link(None, *elements)`` titled ``title`` (a translation string), shown
  to whoever has ``permission`` on the Site, in ``order``.  ``name`` is unique.

``ui.desk`` (a layout value) gives the template the sections the requester may see, the
one the page belongs to (the longest section path that starts the request's path) and the
breadcrumbs: the traversal lineage of the context from the Site (the dashboard), each with
its title (its ``desk_title(request)`` if it has one, else its ``titles`` in the UI
language, else the section it is the folder of, else its name).  Nothing here writes.
"""

from dataclasses import dataclass
from functools import cached_property

from pyramid.interfaces import IMultiView, IRouteRequest, ISecuredView, IView, IViewClassifier
from pyramid.traversal import lineage
from zope.interface import providedBy

from shopcms.web.i18n import _, pick
from shopcms.web.security import MANAGE


@dataclass(frozen=True)
class DeskSection:
    """One entry of the desk's sidebar (see the module)."""

    name: str
    title: object
    elements: tuple
    permission: str
    order: int = 0


@dataclass(frozen=True)
class Link:
    """A link of the sidebar or the breadcrumbs; ``current``: the page it is on; ``href``
    None: a crumb with no page of its own (a category's only page is its editor)."""

    href: str | None
    title: object
    current: bool = False
    name: str | None = None


def _section_href(request, section):
    # A bare folder name ("products") is the folder: with its slash.
    return request.manage_link(None, *section.elements, slash=len(section.elements) == 1)


class Desk:
    """``ui.desk``: the sidebar and the breadcrumbs of one desk page."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def site(self):
        # The manage route's root is the Site (also for an error view, whose context is
        # the exception).
        return self.request.root

    @cached_property
    def _visible(self):
        declared = sorted(
            self.request.registry.shopcms_desk_sections, key=lambda s: (s.order, s.name)
        )
        return [
            (section, _section_href(self.request, section))
            for section in declared
            if self.request.has_permission(section.permission, self.site)
        ]

    @cached_property
    def current(self):
        """The name of the section the page belongs to: the longest section address that
        starts the path; on the dashboard the section without elements (None elsewhere)."""
        path = self.request.path
        best, length = None, 0
        for section, href in self._visible:
            if not section.elements:
                continue
            prefix = href.rstrip("/")
            if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > length:
                best, length = section.name, len(prefix)
        if best is None and self._at_dashboard:
            return next((s.name for s, _h in self._visible if not s.elements), None)
        return best

    @cached_property
    def _at_dashboard(self):
        return self.request.path == self.request.manage_link()

    @cached_property
    def sections(self):
        """The sidebar's links, in order: only the sections whose permission the requester
        has on the Site."""
        return [
            Link(href, section.title, section.name == self.current, section.name)
            for section, href in self._visible
        ]

    def _title(self, resource):
        own = getattr(resource, "desk_title", None)
        if callable(own):
            return own(self.request)
        titles = getattr(resource, "titles", None)
        if titles:
            title = pick(titles, self.request)[1]
            if title:
                return title
        if resource.__parent__ is not None and resource.__parent__.__parent__ is None:
            for section, _href in self._visible:
                if section.elements == (resource.__name__,):
                    return section.title
        title = getattr(resource, "title", None)
        return title if isinstance(title, str) and title else resource.__name__

    @cached_property
    def breadcrumbs(self):
        """The lineage of the context from the Site: the dashboard first, the context last
        (the current page unless a view name follows it)."""
        context = self.request.context
        if getattr(self.request, "exception", None) is not None:
            # An error page (a 403, a 404) names nothing of what was asked for: the
            # requester may not see it.
            return [Link(self.request.manage_link(), _("Management"))]
        if getattr(context, "__parent__", None) is None and context is not self.site:
            return [Link(self.request.manage_link(), _("Management"))]
        chain = list(reversed(list(lineage(context))))
        here = not self.request.view_name
        crumbs = []
        for position, resource in enumerate(chain):
            last = position == len(chain) - 1
            if resource.__parent__ is None:
                crumbs.append(Link(self.request.manage_link(), _("Management"), last and here))
            else:
                href = self._page_of(resource)
                current = (last and here) or href == self.request.path
                crumbs.append(Link(href, self._title(resource), current))
        return crumbs

    def _page_of(self, resource):
        """The desk's page of ``resource``: its default view, else its editor (a product's
        or a category's only page), else None (a crumb without a link: none leads to a
        404)."""
        registry = self.request.registry
        route = registry.queryUtility(IRouteRequest, name="manage")
        required = (IViewClassifier, route, providedBy(resource))
        for name in ("", "edit"):
            if any(
                registry.adapters.lookup(required, kind, name=name) is not None
                for kind in (ISecuredView, IView, IMultiView)
            ):
                return self.request.manage_link(resource, *([name] if name else []))
        return None


def desk_context(request):
    """The layout value ``ui.desk``."""
    return Desk(request)


def is_desk_page(request):
    """Whether ``request`` is a page of the management area seen by its staff (anyone else
    under /manage/, shown a login form or a 403, sees the shop's own layout)."""
    route = getattr(request, "matched_route", None)
    if route is None or route.name != "manage" or request.identity is None:
        return False
    return bool(request.has_permission(MANAGE, request.root))


def add_desk_section(config, name, title, elements, permission, order=0):
    """Config directive: an entry of the desk's sidebar (see the module)."""
    section = DeskSection(name, title, tuple(elements), permission, order)

    def register():
        sections = config.registry.shopcms_desk_sections
        if any(s.name == name for s in sections):
            raise ValueError(f"the desk section {name!r} is declared twice")
        sections.append(section)

    config.action(("shopcms.desk_section", name), register)


def includeme(config):
    config.registry.shopcms_desk_sections = []
    config.add_directive("add_desk_section", add_desk_section)
    config.add_layout_value("desk", desk_context)
