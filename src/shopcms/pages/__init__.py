"""Pages: plain and policy pages in every language, their revisions, publication and the
translation board."""

from shopcms.pages.evolve import pages_with_revisions_and_catalog
from shopcms.pages.resources import Page, Pages, PolicyPage
from shopcms.web.i18n import _
from shopcms.web.security import EDIT


def includeme(config):
    config.add_content_type("pages", Pages, title=_("Pages"), site_folder="pages")
    config.add_content_type("page", Page, title=_("Page"), container="pages", add_permission=EDIT)
    config.add_content_type(
        "policy", PolicyPage, title=_("Policy page"), container="pages", add_permission=EDIT
    )
    config.add_moved_module("shopcms.resources.pages", "shopcms.pages.resources")
    config.add_moved_class("shopcms.resources.site.Pages", "shopcms.pages.resources.Pages")
    config.add_evolve_step(
        1,
        "Pages with revisions; the product catalog: categories, product ids and indexes",
        pages_with_revisions_and_catalog,
    )
