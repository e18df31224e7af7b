"""The Site: the root of the resource tree, with the site-wide ACL.

What the Site holds comes from the capabilities: each declares its top-level folder as a
content type with a ``site_folder`` (``shopcms.tree.content``), and what lives beside the
folders (the catalog) arrives through the :class:`~shopcms.tree.events.SiteCreated` event.
"""

from pyramid.authorization import DENY_ALL, Allow, Everyone

from shopcms.tree.content import content_types
from shopcms.tree.events import SiteCreated, notify
from shopcms.tree.resources import Folder
from shopcms.web import security


def _role(role):
    return security.role_principal(role)


class Site(Folder):
    """The root of the tree: holds the site-wide ACL and the catalog."""

    content_type = "site"
    __name__ = ""
    __parent__ = None

    __acl__ = [
        (Allow, Everyone, security.VIEW),
        (
            Allow,
            _role(security.ADMIN),
            (
                security.MANAGE,
                security.MANAGE_USERS,
                security.EDIT,
                security.MODERATE,
                security.MANAGE_ORDERS,
                security.REFUND_ORDERS,
                security.VIEW_STATISTICS,
                security.JUDGE_CONTESTS,
            ),
        ),
        (
            Allow,
            _role(security.EDITOR),
            (security.MANAGE, security.EDIT, security.VIEW_STATISTICS),
        ),
        (Allow, _role(security.MODERATOR), (security.MANAGE, security.MODERATE)),
        (Allow, _role(security.ORDER_DESK), (security.MANAGE, security.MANAGE_ORDERS)),
        (Allow, _role(security.CUSTOMER), security.ACCOUNT),
        DENY_ALL,
    ]


def create_site(registry):
    """A new Site with its declared folders (the ``appmaker``'s work)."""
    site = Site()
    notify(SiteCreated(site, registry), registry)
    for name, declared in content_types(registry).site_folders():
        site.add(name, declared.factory(), registry=registry)
    return site
