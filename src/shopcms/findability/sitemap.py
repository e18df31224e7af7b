"""``/sitemap.xml``: every public page in every language it has, with its alternates.

The capabilities list their pages, so this module knows none of them: each declares a
source in its ``includeme``::

    config.add_sitemap_source(source)

``source(request)`` yields a :class:`SitemapPage` for each page an anonymous visitor may
see: it asks the catalog as the anonymous visitor would (``principals=ANONYMOUS``), not as
the requester (an editor would see hidden products), and leaves out what answers no 200
(a page with nothing published).  A source only reads.

Each page becomes one ``<url>`` per language, with ``<lastmod>`` and an
``<xhtml:link rel="alternate">`` for each of its languages and ``x-default`` (the page in
the site's default language, or ``/`` for the home page, as in the page's head), as
Google reads hreflang in sitemaps.  The protocol allows 50,000 addresses in one file:
beyond that a sitemap index would be needed (not written: the shop is far from it).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from xml.sax.saxutils import escape, quoteattr

from pyramid.authorization import Everyone

from shopcms.web.i18n import languages

#: The principals of a visitor who is not logged in: what the sitemap may list.
ANONYMOUS = (Everyone,)

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class SitemapPage:
    """A page of the sitemap: ``urls`` its absolute address per language (only the
    languages in which it answers 200), ``modified`` the time of its last change (one time,
    or a mapping per language; None when unknown), ``default`` its ``x-default`` address
    when that is not its address in the first language (the home page: ``/``)."""

    urls: Mapping
    modified: object = None
    default: str | None = None

    def lastmod(self, lang):
        moment = self.modified.get(lang) if isinstance(self.modified, Mapping) else self.modified
        if moment is None:
            return None
        return moment.astimezone(UTC).isoformat(timespec="seconds")


def add_sitemap_source(config, source):
    """Config directive: ``source(request)`` yields :class:`SitemapPage` (see the module)."""
    config.registry.shopcms_sitemap_sources.append(source)


def pages(request):
    """Every page of every declared source, in the order declared."""
    for source in request.registry.shopcms_sitemap_sources:
        yield from source(request)


def _url(page, lang, order):
    lines = [f"<url><loc>{escape(page.urls[lang])}</loc>"]
    lastmod = page.lastmod(lang)
    if lastmod is not None:
        lines.append(f"<lastmod>{lastmod}</lastmod>")
    present = [code for code in order if code in page.urls]
    for code in present:
        lines.append(
            f'<xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(page.urls[code])}/>'
        )
    default = quoteattr(page.default or page.urls[present[0]])
    lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={default}/>')
    lines.append("</url>")
    return "".join(lines)


def render(request):
    """The sitemap's XML text (UTF-8 when encoded)."""
    order = languages(request.registry)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<urlset xmlns="{NAMESPACE}" xmlns:xhtml="{XHTML}">\n',
    ]
    for page in pages(request):
        for lang in order:
            if lang in page.urls:
                parts.append(_url(page, lang, order) + "\n")
    parts.append("</urlset>\n")
    return "".join(parts)


def includeme(config):
    config.registry.shopcms_sitemap_sources = []
    config.add_directive("add_sitemap_source", add_sitemap_source)
