"""Where templates come from, and what every template can use.

Views name their templates ``shopcms:templates/NAME.pt``.  That asset path is overridden
to the folders of the ``shopcms.templates`` setting (space separated, first wins), followed
by the project's top-level ``templates/`` folder, so a site can override one template by
placing a file of the same name in its own folder.
"""

import os

from pyramid.events import BeforeRender
from pyramid.renderers import get_renderer

from .ui import PageContext

PACKAGE_TEMPLATES = "shopcms:templates/"
DEFAULT_TEMPLATES = os.path.normpath(
    os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "templates")
)


def template_dirs(settings):
    """The template folders, highest precedence first."""
    dirs = (settings.get("shopcms.templates") or "").split()
    dirs.append(DEFAULT_TEMPLATES)
    return [os.path.abspath(d) for d in dirs]


def add_renderer_globals(event):
    """Give every template the layout, the shared macros and the page context (``ui``)."""
    request = event.get("request")
    if request is None:
        return
    event["layout"] = get_renderer(PACKAGE_TEMPLATES + "layout.pt").implementation()
    event["macros"] = get_renderer(PACKAGE_TEMPLATES + "macros.pt").implementation()
    event["ui"] = PageContext(request)
    event["t"] = request.localizer.translate


def includeme(config):
    dirs = template_dirs(config.get_settings())
    for folder in dirs:
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"template folder {folder} does not exist")
    # Pyramid searches the override registered last first: register lowest precedence first.
    for folder in reversed(dirs):
        config.override_asset(to_override=PACKAGE_TEMPLATES, override_with=folder + os.sep)
    config.add_subscriber(add_renderer_globals, BeforeRender)
