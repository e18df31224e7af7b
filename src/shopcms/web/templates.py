"""Where templates come from, and what every template can use.

Each capability ships its templates in its own package: a view names them
``shopcms.PACKAGE:templates/NAME.pt``, so an installed shopcms renders every page without
the project's checkout.  A site changes a template without touching the package through
its *theme*: the folders of the ``shopcms.templates`` setting (space separated, first
wins).  A theme file ``THEME/PACKAGE/NAME.pt`` replaces ``shopcms.PACKAGE:templates/NAME.pt``;
whatever the theme does not hold comes from the package (the project's top-level
``templates/`` folder is Soft Cactus's theme, see its README).

Every template gets ``layout`` (the site's page macro; the desk's, ``desk.pt``, on the
staff's pages of the management area), ``macros`` (the shared macros of
every package, declared with :func:`add_macros` and looked up by name), ``ui`` (the page
context of ``shopcms.web.layout``) and ``t`` (translate into the request's language).
"""

import functools
import os
import re
import threading

from chameleon.template import BaseTemplate
from pyramid.events import BeforeRender
from pyramid.path import AssetResolver
from pyramid.renderers import get_renderer
from pyramid.settings import asbool

from shopcms.web.desk import is_desk_page
from shopcms.web.layout import PageContext
from shopcms.web.theme import template_dirs

LAYOUT = "shopcms.web:templates/layout.pt"
#: The page macro of the management area (``shopcms.web.desk``), for its staff.
DESK_LAYOUT = "shopcms.web:templates/desk.pt"


def packages_with_templates():
    """The shopcms packages that ship a ``templates/`` folder (``("web", "pages", ...)``)."""
    root = AssetResolver().resolve("shopcms:").abspath()
    return tuple(
        sorted(
            name
            for name in os.listdir(root)
            if os.path.isdir(os.path.join(root, name, "templates"))
        )
    )


class Macros:
    """``macros.macros['NAME']`` in a template: the macro NAME of whichever package
    declared it (names are unique across packages; :func:`add_macros` refuses a second)."""

    def __init__(self, specs):
        self.specs = specs
        #: Macros found before, by name; not kept while templates reload (development).
        self.found = {}
        self.reload = False

    @property
    def macros(self):
        return self

    def __getitem__(self, name):
        # Chameleon names a macro ``cookie-banner`` as ``cookie_banner``.
        found = self.found.get(name)
        if found is None:
            spec = self.specs[name.replace("-", "_")]
            # A lookup of the renderer each time cost more than the macro's own rendering.
            found = get_renderer(spec).implementation().macros[name]
            if not self.reload:
                self.found[name] = found
        return found


def _macro_names(spec):
    """The macros ``spec`` defines, read from the file (Chameleon writes ``-`` as ``_``)."""
    with open(AssetResolver().resolve(spec).abspath(), encoding="utf-8") as template:
        names = re.findall(r'define-macro="([^"]+)"', template.read())
    return tuple(name.replace("-", "_") for name in names)


def add_macros(config, spec):
    """Config directive: make the macros of the template ``spec`` available as
    ``macros.macros['NAME']`` in every template."""
    registry = config.registry

    def register():
        specs = registry.shopcms_macros.specs
        for name in _macro_names(spec):
            if specs.get(name, spec) != spec:
                raise ValueError(f"macro {name!r} of {spec} is already declared by {specs[name]}")
            specs[name] = spec

    config.action(("shopcms.macros", spec), register)


def add_renderer_globals(event):
    """Give every template the layout, the shared macros and the page context (``ui``)."""
    request = event.get("request")
    if request is None:
        return
    # The desk's pages keep ``layout.macros['layout']``: the desk's own frame comes here.
    page = DESK_LAYOUT if is_desk_page(request) else LAYOUT
    macros = request.registry.shopcms_macros
    layout = macros.found.get(page)
    if layout is None:
        layout = get_renderer(page).implementation()
        if not macros.reload:
            macros.found[page] = layout
    event["layout"] = layout
    event["macros"] = request.registry.shopcms_macros
    event["ui"] = PageContext(request)
    event["t"] = request.localizer.translate


#: Held while Chameleon compiles a template (see :func:`compile_one_at_a_time`).
COMPILING = threading.RLock()


def compile_one_at_a_time():
    """Make Chameleon compile one template at a time in this process (idempotent).

    Templates are compiled on their first use, so the first requests of a new process
    compile many at once in the server's threads.  Python 3.11's compiler keeps the depth
    of the syntax tree it is building in state that threads share: two threads building
    trees at the same moment can end one of them in ``SystemError: AST constructor recursion
    depth mismatch``, and that request in a 500 (seen in tests/production under load, on
    3.11.7).  Compiling is done once per template and process: waiting for it costs a
    cold process a few milliseconds, never a warm one.
    """
    cook = BaseTemplate.cook
    if getattr(cook, "one_at_a_time", False):
        return

    @functools.wraps(cook)
    def cook_alone(self, body):
        with COMPILING:
            return cook(self, body)

    cook_alone.one_at_a_time = True
    BaseTemplate.cook = cook_alone


def includeme(config):
    compile_one_at_a_time()
    config.registry.shopcms_macros = Macros({})
    config.registry.shopcms_macros.reload = asbool(
        config.get_settings().get("pyramid.reload_templates", False)
    )
    config.add_directive("add_macros", add_macros)
    dirs = template_dirs(config.get_settings())
    for folder in dirs:
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"template folder {folder} does not exist")
    packages = packages_with_templates()
    # Pyramid searches the override registered last first: register lowest precedence first.
    for folder in reversed(dirs):
        for package in packages:
            theme = os.path.join(folder, package)
            if os.path.isdir(theme):
                config.override_asset(
                    to_override=f"shopcms.{package}:templates/", override_with=theme + os.sep
                )
    config.add_subscriber(add_renderer_globals, BeforeRender)
    config.add_macros("shopcms.web:templates/macros.pt")
