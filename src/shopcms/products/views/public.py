"""The catalog for visitors: the listing with search and facets, product pages, images.

Both pages are shared: everything on them that differs from one visitor to the next is a
personal part (``views.parts``: the list buttons, "N in your cart", the recently viewed,
the recommendations) or the CSRF token, and the visit's update of the recently viewed cookie
is a personal effect, so the page cache renders a page once (a skeleton) and fills it for
each visitor.  A full rendering answers 304 when the browser holds it (its validator covers
the visitor's cookies it shows); a skeleton never does, the page cache keeps the validators.
"""

from pyramid.view import view_config

from shopcms.findability.api import chosen_or_summary, describe, plain_text
from shopcms.giftcards import api as giftcards
from shopcms.privacy.consent import allows
from shopcms.products import lists, reductions, sections
from shopcms.products.listing import (
    GOOD_RATING,
    ListingQuery,
    facet_counts,
    rating_count,
    run,
)
from shopcms.products.pricing import vat_included
from shopcms.products.resources import ATTRIBUTES, Product, Products
from shopcms.products.stock import FEW_LEFT
from shopcms.products.views.forms import product_forms, refused_search, search_form
from shopcms.products.views.parts import unmasked_token
from shopcms.promotions import api as promotions
from shopcms.web import personal
from shopcms.web.cookies import Category
from shopcms.web.etags import not_modified
from shopcms.web.i18n import _, ngettext, pick
from shopcms.web.personal import in_skeleton
from shopcms.web.security import VIEW
from shopcms.web.sharing import is_shared

PERSONAL = Category.PERSONALISATION
LIST_COOKIES = (lists.CART, lists.WISHLIST, lists.COMPARE, "cookie_consent")

LISTING_TEMPLATE = "shopcms.products:templates/products.pt"
PRODUCT_TEMPLATE = "shopcms.products:templates/product.pt"


def visitor_state(request, names=(*LIST_COOKIES, lists.RECENT)):
    """What of the visitor's cookies a catalog page shows (part of its validator)."""
    return tuple(request.cookies.get(name, "") for name in names)


def category_titles(request, names=None):
    """``{name: title}`` of the categories ``names`` (all when None) that exist: a product
    page reads only its own categories, so renaming another leaves it cached."""
    folder = request.root["categories"]
    found = folder.items() if names is None else ((n, folder.get(n)) for n in names)
    return {
        name: pick(category.titles, request)[1] or name
        for name, category in found
        if category is not None
    }


@view_config(
    context=Products, route_name="public", permission=VIEW, renderer=LISTING_TEMPLATE, shared=True
)
def listing(context, request):
    refused = refused_search(request)
    if refused is not None:
        return {**listing_values(request), "search_form": refused}
    if in_skeleton(request):
        return listing_values(request)
    cached = not_modified(
        request,
        "listing",
        context.modified.isoformat(),
        request.locale_name,
        request.query_string,
        visitor_state(request),
        promotions.automatic_version(request),
    )
    if cached is not None:
        return cached
    return listing_values(request)


def listing_values(request):
    query = ListingQuery.from_params(request.GET, request.locale_name)
    result = run(request, query)
    titles = category_titles(request)
    # The canonical address: the category and the page are the listing's own pages; a
    # search, a price range, a rating or a sort only shows the same products again.
    category = query.category if query.category in titles else None
    describe(
        request,
        title=titles[category] if category else request.localizer.translate(_("Products")),
        canonical_query=[
            ("category", category),
            ("page", query.page if 1 < query.page <= result.pages else None),
        ],
    )
    return {
        "query": query,
        "result": result,
        "total_text": ngettext("${count} product", "${count} products", result.total, request),
        "categories": titles,
        "links": listing_links(request, query, result, facet_counts(request, query), titles),
        "search_form": search_form(request, query),
    }


def listing_links(request, query, result, facets, titles):
    """The facet and page links of a listing, keeping the visitor's other choices."""
    kept = [(k, request.GET[k]) for k in ("q", "min", "max", "sort") if request.GET.get(k)]
    stars = [("stars", query.stars)] if query.stars else []
    category = [("category", query.category)] if query.category else []

    def href(params):
        return request.link(None, "products", slash=True, query=params)

    facets = [
        {
            "title": titles.get(name, name),
            "count": count,
            "href": href([*kept, ("category", name), *stars]),
            "current": query.category == name,
        }
        for name, count in facets
    ]
    pages = [
        {
            "number": n,
            "href": href([*kept, *category, *stars, ("page", n)]),
            "current": n == query.page,
        }
        for n in range(1, result.pages + 1)
    ]
    rating = {
        "count": rating_count(request, query),
        "href": href([*kept, *category, ("stars", GOOD_RATING)]),
        "any": href([*kept, *category]),
        "current": query.stars is not None,
    }
    return {"all": href([*kept, *stars]), "facets": facets, "pages": pages, "rating": rating}


@view_config(
    context=Product, route_name="public", permission=VIEW, renderer=PRODUCT_TEMPLATE, shared=True
)
def product_page(context, request):
    # The visit puts the product first in the recently viewed cookie (with consent): a
    # personal effect, applied to this response or recorded in the page cache's skeleton.
    personal.effect(request, "recently-viewed", pid=context.pid)
    if not in_skeleton(request):
        shared = is_shared(request)
        recent = lists.read(request, lists.RECENT) if allows(request, PERSONAL) else []
        # The validator covers the state after this visit (the updated recent list
        # included), and the token the page's forms carry.
        cached = not_modified(
            request,
            "product",
            context.pid,
            context.modified.isoformat(),
            request.locale_name,
            visitor_state(request, LIST_COOKIES),
            (context.pid, *recent),
            unmasked_token(request),
            "" if shared else request.session.peek_flash("info"),
            sections.validator_parts(context, request),
            promotions.automatic_version(request),
        )
        if cached is not None:
            # The effect's cookie went to the page's response: a 304 carries it instead.
            cookies = request.response.headers.getall("Set-Cookie")
            cached.headerlist.extend(("Set-Cookie", value) for value in cookies)
            return cached
    return product_values(context, request)


def product_values(product, request, failed=None):
    """The product page's values; ``failed``: the add-to-cart form as it was refused.

    Everything that differs from one visitor to the next is a personal part
    (``views.parts``) the template asks for: the page's values are the same for all."""
    lang, title = pick(product.titles, request)
    attributes = [
        (label, value)
        for key, label in ATTRIBUTES.items()
        if key in product.attributes and (value := pick(product.attributes[key], request)[1])
    ]
    forms = product_forms(request, product)
    if failed is not None:
        forms["cart"] = failed
    html, data = sections.rendered(product, request)
    description_lang, description = pick(product.description_html, request)
    description = description or ""
    reduced = reductions.reduced(request, product)
    price = reduced.price if reduced else None
    describe_product(request, product, title, description_lang, description, data, price)
    return {
        "reduced": reduced,
        "sections": html,
        "product": product,
        "title": title,
        "content_lang": lang,
        "description": description,
        "vat": vat_included(reduced.price if reduced else product.price, product.vat_rate),
        "attributes": attributes,
        "categories": category_titles(request, product.categories),
        "forms": forms,
        "came_from": request.link(product),
        # What the page says of the stock ("only 3 left" up to this number): the product's
        # stock_shown, so a sale from plenty changes no cached page (products.stock).
        "few_left": FEW_LEFT,
        # A gift card is not shipped: the page says how it is delivered, how long it lasts.
        "gift_card_months": (
            giftcards.valid_months(request.registry.settings) if product.gift_card else None
        ),
    }


def describe_product(request, product, title, lang, description_html, extra, price=None):
    """What the head says of the product page: its meta description (the editor's in the
    language of the description shown, ``lang``, else the start of that description), its
    first image and its schema.org ``Product``."""
    meta = chosen_or_summary(product.meta_descriptions.get(lang), description_html)
    image = product.images[0] if product.images else None
    describe(
        request,
        title=title,
        text=meta,
        kind="product",
        image=request.link(product, "image", image.id, "large", absolute=True) if image else None,
        image_alt=(image.alt.get(request.locale_name) or title) if image else None,
        structured=[
            sections.product_data(
                product, request, title, plain_text(description_html), extra, price
            )
        ],
    )
