"""The evolve steps of reviews (declared in ``shopcms.reviews.includeme``)."""

from shopcms.catalog import reindex_all
from shopcms.tree.content import content_types
from shopcms.web.i18n import languages


def reviews_folder_and_indexes(site, registry):
    """Generation 7: the site's ``reviews`` folder, and the catalog's generic indexes
    (state, rating, language, author, votes, flags), filled for what is already there."""
    if "reviews" not in site:
        site.add("reviews", content_types(registry).create("reviews"), registry=registry)
    reindex_all(site, languages(registry), registry)
