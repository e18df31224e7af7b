"""The evolve steps of the tree itself (declared in ``shopcms.tree.includeme``)."""

#: Top-level folders the first layout made for capabilities that did not exist yet; the
#: issues that build them lay their own homes.
UNBUILT_HOMES = ("contests", "newsletter")


def unbuilt_homes(site, registry):
    """Generation 6: the empty ``contests`` and ``newsletter`` folders go (they load as
    plain folders since the house was sorted by capability); one holding something stays."""
    for name in UNBUILT_HOMES:
        folder = site.get(name)
        if folder is not None and not len(folder):
            site.remove(name, registry=registry)
