"""The resource tree's mechanism: folders and content, their events, the content-type
registry, the Site root and the database it lives in."""

from shopcms.tree.evolve import unbuilt_homes


def includeme(config):
    from shopcms.tree.database import SITE_KEY

    # The Site's key in the database's root, for the page cache's own reads (web.personal).
    config.registry.shopcms_site_key = SITE_KEY
    config.include("shopcms.tree.content")
    config.add_moved_module("shopcms.resources.base", "shopcms.tree.resources")
    config.add_moved_module("shopcms.resources.site", "shopcms.tree.site")
    for name in ("Contests", "Newsletter", "Analytics"):
        config.add_moved_class(f"shopcms.resources.site.{name}", "shopcms.tree.resources.Folder")
    config.add_evolve_step(6, "The empty contests and newsletter folders go", unbuilt_homes)
