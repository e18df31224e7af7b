"""Findability: what search engines and link previews read of the shop.

A mechanism, like ``web``: it imports no capability.  The capabilities say what it needs to
know, and it writes it out in one place:

- a view describes its page with :func:`describe` (``api``): title, meta description,
  image, kind and schema.org data; the layout's ``<head>`` shows it through one macro
  (``findability-head``, :mod:`.head`): the meta description, the canonical link, Open
  Graph and Twitter card tags, the hreflang alternates and the JSON-LD blocks;
- a capability lists its public pages in ``/sitemap.xml`` with the directive
  ``config.add_sitemap_source(source)`` (:mod:`.sitemap`);
- ``/robots.txt`` points to the sitemap and keeps the management and account areas out;
  ``/favicon.ico`` is served from ``web/static`` (:mod:`.views`).
"""

from shopcms.findability import head, sitemap


def includeme(config):
    config.include(sitemap)
    config.add_layout_value("findability", head.HeadTags)
    config.add_macros("shopcms.findability:templates/macros.pt")
    config.add_route("sitemap", "/sitemap.xml")
    config.add_route("robots", "/robots.txt")
    config.add_route("favicon", "/favicon.ico")
    config.scan("shopcms.findability.views")
