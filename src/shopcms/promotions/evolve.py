"""The evolve steps of the promotions (declared in ``shopcms.promotions.includeme``)."""

from shopcms.tree.content import content_types


def promotions_folder(site, registry):
    """Generation 16: the site's ``promotions`` folder (a new Site is given it at once)."""
    if "promotions" not in site:
        site.add("promotions", content_types(registry).create("promotions"), registry=registry)
