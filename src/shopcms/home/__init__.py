"""The front doors: the shop's home page, the language at ``/`` and the switcher, and the
management dashboard."""

from shopcms.findability.api import SitemapPage
from shopcms.home.views import recommended_part
from shopcms.web.i18n import _, languages
from shopcms.web.security import EDIT, MANAGE
from shopcms.web.urls import public_url


def home_pages(request):
    """The home page in every language, for ``/sitemap.xml``; ``/`` (which chooses the
    visitor's language) is its ``x-default``."""
    yield SitemapPage(
        {
            lang: request.link(None, lang=lang, absolute=True)
            for lang in languages(request.registry)
        },
        default=public_url(request.registry, request) + "/",
    )


def includeme(config):
    config.add_sitemap_source(home_pages)
    # The home page is shared; "Recommended for you" is its one personal part.
    config.add_personal_part("home-recommended", recommended_part)
    config.add_desk_section("dashboard", _("Overview"), (), MANAGE, order=0)
    # What the home page features: chosen by the editors (``home.storefront``).
    config.add_desk_section("storefront", _("Home page"), ("storefront",), EDIT, order=5)
