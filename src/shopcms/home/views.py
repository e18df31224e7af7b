"""The home page and the language negotiation at ``/``.

The home page is shared (``shared=True``, ``shopcms.web.sharing``): what it shows depends on
the catalog and the language, never on the visitor, except for "Recommended for you", which
is the personal part ``home-recommended`` (``shopcms.web.personal``).  A visitor without
cookies gets a validator (ETag) and a 304 when the browser holds the same page; nobody else
does (their page is private).  A GET writes nothing.
"""

from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render
from pyramid.view import view_config

from shopcms.findability.api import describe, organization
from shopcms.products import api as products
from shopcms.products.api import recommended_for
from shopcms.promotions import api as promotions
from shopcms.tree.site import Site
from shopcms.web.etags import not_modified
from shopcms.web.i18n import preferred_language
from shopcms.web.security import VIEW
from shopcms.web.sharing import carries_no_state

RECOMMENDED_TEMPLATE = "shopcms.home:templates/recommended.pt"


@view_config(route_name="root", permission=VIEW)
def negotiate(request):
    """``/``: redirect to the visitor's language (cookie, then Accept-Language, then nl)."""
    response = HTTPFound(location=request.link(None, lang=preferred_language(request)))
    response.vary = ("Accept-Language", "Cookie")
    return response


def _state(resource):
    """What identifies the stored state of ``resource``: its name and the transaction that
    last changed it (loaded first: a ghost's serial is not known yet)."""
    resource._p_activate()
    return (resource.__name__, resource._p_serial.hex())


def _not_modified(request, featured, categories, arrivals, free_from):
    """A 304 for a visitor without cookies whose browser holds this very page, else None
    (and the page's ETag set).  The validator names every record the page shows (each by
    the transaction that last changed it), the choice's folders and the language."""
    if not carries_no_state(request):
        return None
    root = request.root
    return not_modified(
        request,
        "home",
        request.locale_name,
        str(free_from),
        _state(root["products"]),
        _state(root["categories"]),
        # The cards say "Out of stock": the stock may live apart from the product's record.
        tuple((*_state(product), product.in_stock) for product in (*featured, *arrivals)),
        tuple(_state(category) for _name, category in categories),
        # The cards show the prices automatic promotions reduce.
        promotions.automatic_version(request),
    )


@view_config(
    context=Site,
    route_name="public",
    permission=VIEW,
    renderer="shopcms.home:templates/home.pt",
    shared=True,
)
def home(context, request):
    """The home page: the editors' featured products and categories, the newest products
    (leaving out the featured ones), the shop's promises, and the personal part
    "Recommended for you" (:func:`recommended_part`).  Every product is one the requester
    may view: hidden ones never show (to staff, who may view them, they do: see the
    module).  Its head holds the shop's schema.org ``Organization``."""
    featured = products.featured_products(request)
    categories = products.featured_categories(request)
    arrivals = products.new_arrivals(request, exclude=[p.pid for p in featured])
    free_from = products.free_delivery_from(request.registry.settings)
    cached = _not_modified(request, featured, categories, arrivals, free_from)
    if cached is not None:
        return cached
    describe(request, structured=[organization(request)])
    return {
        "featured": featured,
        "featured_categories": categories,
        "new_arrivals": arrivals,
        "free_from": free_from,
    }


def recommended_part(request):
    """The personal part ``home-recommended``: "Recommended for you" for a customer who
    consented to personalisation (computed for this visitor, never stored), else ``""``.

    Reads the visitor only (identity, cookies, the Site reached from ``request.root``), as
    ``shopcms.web.personal`` asks; the page's language is the request's."""
    chosen = recommended_for(request, request.identity)
    if not chosen:
        return ""
    return render(RECOMMENDED_TEMPLATE, {"recommended": chosen}, request=request).strip()
