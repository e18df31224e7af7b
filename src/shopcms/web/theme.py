"""The site's theme: the folders of the ``shopcms.templates`` setting.

A theme file ``THEME/PACKAGE/NAME.pt`` replaces ``shopcms.PACKAGE:templates/NAME.pt``, and
``THEME/web/deform/NAME.pt`` a widget template (``shopcms.web.templates``,
``shopcms.web.forms``).
"""

import os


def template_dirs(settings):
    """The theme folders, highest precedence first (absolute paths)."""
    return [os.path.abspath(d) for d in (settings.get("shopcms.templates") or "").split()]
