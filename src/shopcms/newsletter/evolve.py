"""The evolve steps of the newsletter (declared in ``shopcms.newsletter.includeme``)."""

from shopcms.tree.content import content_types


def newsletter_folder(site, registry):
    """Generation 9: the site's ``newsletter`` folder (subscriptions, campaigns, the
    suppression list)."""
    if "newsletter" not in site:
        site.add("newsletter", content_types(registry).create("newsletter"), registry=registry)
