"""The evolve steps of the alerts (declared in ``shopcms.stockalerts.includeme``)."""

from shopcms.tree.content import content_types


def stockalerts_folder(site, registry):
    """Generation 15: the site's ``stockalerts`` folder (a new Site gets it from its
    declaration as a site folder)."""
    if "stockalerts" not in site:
        site.add("stockalerts", content_types(registry).create("stockalerts"), registry=registry)
