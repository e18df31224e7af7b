"""The front doors: the shop's home page, the language at ``/`` and the switcher, and the
management dashboard."""

from shopcms.web.i18n import _
from shopcms.web.security import MANAGE


def includeme(config):
    config.add_desk_section("dashboard", _("Overview"), (), MANAGE, order=0)
