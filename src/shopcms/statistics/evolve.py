"""The evolve steps of the statistics (declared in ``shopcms.statistics.includeme``)."""


def unused_analytics_folder(site, registry):
    """Generation 4: the empty ``analytics`` folder goes.  The connection statistics live in
    a database of their own (``shopcms.statistics``); a folder holding something is kept."""
    folder = site.get("analytics")
    if folder is not None and not len(folder):
        site.remove("analytics", registry=registry)
