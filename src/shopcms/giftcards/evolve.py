"""The evolve steps of the gift cards (declared in ``shopcms.giftcards.includeme``)."""

from shopcms.tree.content import content_types


def giftcards_folder(site, registry):
    """Generation 17: the site's ``giftcards`` folder (a new Site is given it at once)."""
    if "giftcards" not in site:
        site.add("giftcards", content_types(registry).create("giftcards"), registry=registry)
