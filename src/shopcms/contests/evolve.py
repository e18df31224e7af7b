"""The evolve steps of the contests (declared in ``shopcms.contests.includeme``)."""

from shopcms.tree.content import content_types


def contests_folder(site, registry):
    """Generation 11: the site's ``contests`` folder (its empty forerunner went at 6)."""
    if "contests" not in site:
        site.add("contests", content_types(registry).create("contests"), registry=registry)
