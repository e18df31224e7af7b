"""The pages in ``/sitemap.xml``: every page with a text in force, in the languages that
have one (the others show another language's text: not pages of their own), each with the
time its text took effect.

Pages come from the catalog as an anonymous visitor would find them.
"""

from hypatia.query import Any

from shopcms.catalog.query import index, search
from shopcms.findability.api import ANONYMOUS, SitemapPage
from shopcms.pages.urls import page_url
from shopcms.web.i18n import languages


def published_pages(request):
    """A :class:`SitemapPage` per page with a text in force (see the module)."""
    found = search(
        request,
        Any(index(request, "content_type"), ["page", "policy"]),
        sort_index="created",
        principals=ANONYMOUS,
    )
    for page in found:
        in_force = {
            lang: revision
            for lang in languages(request.registry)
            if (revision := page.in_force(lang, request.now)) is not None
        }
        if in_force:
            yield SitemapPage(
                {lang: page_url(request, page, lang=lang, absolute=True) for lang in in_force},
                {lang: revision.effective for lang, revision in in_force.items()},
            )
