"""The catalog for visitors: the listing with search and facets, product pages, images."""

from urllib.parse import urlencode

from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileResponse
from pyramid.view import view_config

from shopcms.privacy.consent import allows
from shopcms.products import lists, recommendations
from shopcms.products.images import CONTENT_TYPE, SIZES
from shopcms.products.listing import SORTS, ListingQuery, facet_counts, run
from shopcms.products.listing import visible_products as products_by_pid
from shopcms.products.pricing import vat_included
from shopcms.products.resources import ATTRIBUTES, Product, Products
from shopcms.web.cookies import Category
from shopcms.web.etags import not_modified
from shopcms.web.i18n import pick
from shopcms.web.security import VIEW
from shopcms.web.sharing import is_shared

LIST_COOKIES = (lists.CART, lists.WISHLIST, lists.COMPARE, "cookie_consent")


def visitor_state(request, names=(*LIST_COOKIES, lists.RECENT)):
    """What of the visitor's cookies a catalog page shows (part of its validator)."""
    return tuple(request.cookies.get(name, "") for name in names)


def category_titles(request):
    return {
        name: pick(category.titles, request)[1] or name
        for name, category in request.root["categories"].items()
    }


LISTING_TEMPLATE = "shopcms.products:templates/products.pt"
PRODUCT_TEMPLATE = "shopcms.products:templates/product.pt"


@view_config(
    context=Products, route_name="public", permission=VIEW, renderer=LISTING_TEMPLATE, shared=True
)
def listing(context, request):
    cached = not_modified(
        request,
        "listing",
        context.modified.isoformat(),
        request.locale_name,
        request.query_string,
        visitor_state(request),
    )
    if cached is not None:
        return cached
    return listing_values(request)


def listing_values(request):
    query = ListingQuery.from_params(request.GET, request.locale_name)
    result = run(request, query)
    titles = category_titles(request)
    return {
        "query": query,
        "result": result,
        "sorts": SORTS,
        "categories": titles,
        "links": listing_links(request, query, result, facet_counts(request, query), titles),
        # Read only while allowed: a choice that lapsed or Sec-GPC stops its use at once.
        "recent": products_by_pid(request, lists.read(request, lists.RECENT))
        if allows(request, Category.PERSONALISATION)
        else [],
    }


def listing_links(request, query, result, facets, titles):
    """The facet and page links of a listing, keeping the visitor's other choices."""
    kept = [(k, request.GET[k]) for k in ("q", "min", "max", "sort") if request.GET.get(k)]
    base = request.path

    def href(params):
        return f"{base}?{urlencode(params)}" if params else base

    facets = [
        {
            "title": titles.get(name, name),
            "count": count,
            "href": href([*kept, ("category", name)]),
            "current": query.category == name,
        }
        for name, count in facets
    ]
    with_category = kept + ([("category", query.category)] if query.category else [])
    pages = [
        {"number": n, "href": href([*with_category, ("page", n)]), "current": n == query.page}
        for n in range(1, result.pages + 1)
    ]
    return {"all": href(kept), "facets": facets, "pages": pages}


def remember_view(request, product):
    """Put ``product`` first in the recently viewed cookie (only with consent).

    Returns the list as it will be after this request.
    """
    if not allows(request, Category.PERSONALISATION):
        return []
    recent = lists.read(request, lists.RECENT)
    updated, _accepted = lists.add_unique(
        recent, product.pid, lists.LIMITS[lists.RECENT], to_front=True
    )
    if updated != recent:
        lists.write(request, lists.RECENT, updated)
    return updated


@view_config(
    context=Product, route_name="public", permission=VIEW, renderer=PRODUCT_TEMPLATE, shared=True
)
def product_page(context, request):
    shared = is_shared(request)
    token = get_csrf_token(request)  # the page's forms need it
    recent = remember_view(request, context)
    # The validator covers the state after this visit (the updated recent list included).
    cached = not_modified(
        request,
        "product",
        context.pid,
        context.modified.isoformat(),
        request.locale_name,
        visitor_state(request, LIST_COOKIES),
        recent,
        token,
        "" if shared else request.session.peek_flash("info"),
    )
    if cached is not None:
        return cached
    values = product_values(context, request, recent)
    # Only a logged-in customer (who always has cookies, so never a shared page) who gave
    # the personalisation consent gets recommendations; a shared page must have none.
    values["recommended"] = (
        [] if shared else recommendations.for_customer(request, request.identity, (context,))
    )
    return values


def product_values(context, request, recent):
    lang, title = pick(context.titles, request)
    attributes = [
        (label, pick(context.attributes[key], request)[1])
        for key, label in ATTRIBUTES.items()
        if key in context.attributes and pick(context.attributes[key], request)[1]
    ]
    return {
        "product": context,
        "title": title,
        "content_lang": lang,
        "description": pick(context.description_html, request)[1] or "",
        "vat": vat_included(context.price, context.vat_rate),
        "attributes": attributes,
        "categories": category_titles(request),
        "in_cart": dict(lists.read(request, lists.CART)).get(context.pid, 0),
        "in_wishlist": context.pid in lists.read(request, lists.WISHLIST),
        "in_compare": context.pid in lists.read(request, lists.COMPARE),
        "recent": products_by_pid(request, [pid for pid in recent if pid != context.pid]),
        "may_personalise": allows(request, Category.PERSONALISATION),
    }


@view_config(context=Product, route_name="public", name="image", permission=VIEW)
def image(context, request):
    """``…/products/NAME/image/ID/SIZE``: a stored JPEG, served only as an image."""
    if len(request.subpath) != 2 or request.subpath[1] not in SIZES:
        raise HTTPNotFound()
    stored = context.image(request.subpath[0])
    if stored is None:
        raise HTTPNotFound()
    blob = stored.blobs[request.subpath[1]]
    response = FileResponse(
        blob.committed(), request=request, content_type=CONTENT_TYPE, cache_max_age=86400
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = "inline"
    response.etag = f"{stored.id}-{request.subpath[1]}"
    response.conditional_response = True
    return response
