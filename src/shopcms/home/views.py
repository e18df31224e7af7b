"""The home page and the language negotiation at ``/``."""

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from shopcms.findability.api import describe, organization
from shopcms.products import api as products
from shopcms.products.api import recommended_for
from shopcms.tree.site import Site
from shopcms.web.i18n import preferred_language
from shopcms.web.security import VIEW


@view_config(route_name="root", permission=VIEW)
def negotiate(request):
    """``/``: redirect to the visitor's language (cookie, then Accept-Language, then nl)."""
    response = HTTPFound(location=request.link(None, lang=preferred_language(request)))
    response.vary = ("Accept-Language", "Cookie")
    return response


@view_config(
    context=Site, route_name="public", permission=VIEW, renderer="shopcms.home:templates/home.pt"
)
def home(context, request):
    """The home page: the editors' featured products and categories, the newest products
    (leaving out the featured ones), the shop's promises, and "Recommended for you" for a
    customer who consented to personalisation (computed for this page only, never stored).
    Every product is one the requester may view: hidden ones never show.  Its head holds
    the shop's schema.org ``Organization``."""
    describe(request, structured=[organization(request)])
    featured = products.featured_products(request)
    return {
        "featured": featured,
        "featured_categories": products.featured_categories(request),
        "new_arrivals": products.new_arrivals(request, exclude=[p.pid for p in featured]),
        "free_from": products.free_delivery_from(request.registry.settings),
        "recommended": recommended_for(request, request.identity),
    }
