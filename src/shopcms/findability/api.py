"""What the capabilities use of findability (the directive ``add_sitemap_source`` aside).

- :func:`describe`: what the head of a page says (title, meta description, image, kind,
  schema.org data, the query pairs of its canonical address);
- :func:`chosen_or_summary`, :func:`summary`: an editor's meta description, else one made
  from the text (about 155 characters, cut on a word); :func:`plain_text`: the words of
  sanitised HTML;
- :class:`SitemapPage` and :data:`ANONYMOUS`: what a sitemap source yields, and the
  principals it queries the catalog with;
- :func:`organization`: the shop's schema.org ``Organization``; :data:`BRAND`, its name.
"""

from shopcms.findability.description import (
    DESCRIPTION_LENGTH,
    chosen_or_summary,
    describe,
    plain_text,
    summary,
)
from shopcms.findability.sitemap import ANONYMOUS, SitemapPage
from shopcms.findability.structured import BRAND, organization

__all__ = [
    "ANONYMOUS",
    "BRAND",
    "DESCRIPTION_LENGTH",
    "SitemapPage",
    "chosen_or_summary",
    "describe",
    "organization",
    "plain_text",
    "summary",
]
