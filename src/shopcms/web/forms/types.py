"""Colander types that forms of several capabilities share."""

import colander

from shopcms.web.i18n import _


class Day(colander.Date):
    """An ISO date (what ``<input type="date">`` sends), with a message that shows one."""

    err_template = _("Enter a date like 2026-01-31.")
