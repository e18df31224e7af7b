"""Pages: plain and policy pages in every language, their revisions, publication and the
translation board, on which other capabilities show their own rows
(``config.add_board_rows``, ``board_rows``)."""

from shopcms.pages import sitemap
from shopcms.pages.content import LOADER
from shopcms.pages.evolve import (
    UPGRADE,
    contest_texts,
    newsletter_texts,
    pages_with_revisions_and_catalog,
    review_terms,
)
from shopcms.pages.resources import Page, Pages, PolicyPage
from shopcms.web.i18n import _
from shopcms.web.security import EDIT

#: The pages every page links to in its footer.
FOOTER_LINKS = (
    (("privacy",), _("Privacy statement")),
    (("cookies",), _("Cookie policy")),
    (("terms",), _("Terms and conditions")),
    (("review-terms",), _("Review terms")),
    (("pages", "shipping"), _("Shipping and returns")),
    (("pages", "about"), _("About us")),
    (("pages", "contact"), _("Contact")),
)


def includeme(config):
    config.include(".board_rows")
    config.add_desk_section("pages", _("Pages"), ("pages",), EDIT, order=20)
    config.add_desk_section("board", _("Translation board"), ("pages", "board"), EDIT, order=21)
    config.add_content_type("pages", Pages, title=_("Pages"), site_folder="pages")
    config.add_content_type("page", Page, title=_("Page"), container="pages", add_permission=EDIT)
    config.add_content_type(
        "policy", PolicyPage, title=_("Policy page"), container="pages", add_permission=EDIT
    )
    for order, (elements, title) in enumerate(FOOTER_LINKS):
        config.add_footer_link(elements, title, order=10 * (order + 1))
    # The system's authors of revisions, as the desk's history shows them.
    config.add_actor_title(LOADER, _("The shop's content files"))
    config.add_actor_title(UPGRADE, _("Database upgrade"))
    config.add_sitemap_source(sitemap.published_pages)
    config.add_moved_module("shopcms.resources.pages", "shopcms.pages.resources")
    config.add_moved_class("shopcms.resources.site.Pages", "shopcms.pages.resources.Pages")
    config.add_evolve_step(
        1,
        "Pages with revisions; the product catalog: categories, product ids and indexes",
        pages_with_revisions_and_catalog,
    )
    config.add_evolve_step(8, "Pages: the review terms", review_terms)
    config.add_evolve_step(
        10, "Pages: the privacy statement and contact page of the newsletter", newsletter_texts
    )
    config.add_evolve_step(12, "Pages: the privacy statement of the contests", contest_texts)
