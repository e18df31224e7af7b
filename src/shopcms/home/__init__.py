"""The front doors: the shop's home page, the language at ``/`` and the switcher, and the
management dashboard."""

from shopcms.findability.api import SitemapPage
from shopcms.web.i18n import languages
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
