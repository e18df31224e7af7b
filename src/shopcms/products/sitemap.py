"""The catalog's pages in ``/sitemap.xml``: the listing, each category's listing and every
product a visitor may see, in every language (a product without a text in a language
shows its text in another, at its own address: each answers 200).

Products come from the catalog as an anonymous visitor would find them: a hidden product
is in no result, whoever asks.
"""

from hypatia.query import Eq

from shopcms.catalog.query import index, search
from shopcms.findability.api import ANONYMOUS, SitemapPage
from shopcms.web.i18n import languages


def catalog_pages(request):
    """The listing, its categories and the public products (see the module)."""
    langs = languages(request.registry)
    products = request.root["products"]

    def urls(resource, *elements, **kw):
        return {
            lang: request.link(resource, *elements, lang=lang, absolute=True, **kw)
            for lang in langs
        }

    yield SitemapPage(urls(None, "products", slash=True), products.modified)
    for name, category in request.root["categories"].ordered():
        query = {"category": name}
        yield SitemapPage(urls(None, "products", slash=True, query=query), category.modified)
    found = search(
        request,
        Eq(index(request, "content_type"), "product"),
        sort_index="created",
        principals=ANONYMOUS,
    )
    for product in found:
        yield SitemapPage(urls(product), product.modified)
