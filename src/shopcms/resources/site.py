"""The Site root and the folders of DESIGN.md's resource tree."""

from pyramid.authorization import DENY_ALL, Allow, Everyone

from .. import security
from .base import Folder
from .customers import Customers
from .orders import Orders
from .pages import Pages
from .products import Categories, Products


class Contests(Folder):
    content_type = "contests"


class Newsletter(Folder):
    content_type = "newsletter"
    __acl__ = [(Allow, security.role_principal(security.ADMIN), security.VIEW), DENY_ALL]


class Analytics(Folder):
    """The design's place for the statistics, never used: they live in a database of their
    own (``shopcms.analytics.store``) so that counting never writes to this one.  Kept so
    that older databases load; evolve step 4 removes the empty folder."""

    content_type = "analytics"
    __acl__ = [(Allow, security.role_principal(security.ADMIN), security.VIEW), DENY_ALL]


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

    #: The top-level folders, created once by the appmaker in this order.
    FOLDERS = (
        ("products", Products),
        ("categories", Categories),
        ("pages", Pages),
        ("contests", Contests),
        ("orders", Orders),
        ("customers", Customers),
        ("newsletter", Newsletter),
    )


def create_site(registry=None):
    """A new Site with its folders and catalog (the ``appmaker``'s work)."""
    from ..catalog import Catalog
    from ..i18n import DEFAULT_LANGUAGES, languages

    site = Site()
    site.catalog = Catalog(languages(registry) if registry is not None else DEFAULT_LANGUAGES)
    site.catalog.__parent__ = site
    site.catalog.__name__ = "catalog"
    for name, factory in Site.FOLDERS:
        site.add(name, factory(), registry=registry)
    return site
