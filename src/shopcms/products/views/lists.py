"""Cart, wishlist and compare: the pages and the forms that change them.

Every change is a POST (CSRF-checked) that names a product by its short id; quantities are
bounded, prices are read from the products, and stock is checked when a product is added.
A visitor whose browser refuses cookies is told plainly that these lists need them.
"""

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.products import lists
from shopcms.products.pricing import totals
from shopcms.products.resources import ATTRIBUTES
from shopcms.products.schemas import CartSchema, ListSchema
from shopcms.products.views.public import products_by_pid
from shopcms.tree.site import Site
from shopcms.web.errors import refusal
from shopcms.web.i18n import _, pick
from shopcms.web.notices import ERROR, notice
from shopcms.web.security import VIEW
from shopcms.web.urls import local_path


def _parse(request, schema_class):
    try:
        return schema_class().bind(request=request).deserialize(request.POST.mixed())
    except colander.Invalid:
        return None


def _back(request, appstruct, default, confirm=False):
    """Redirect to the form's ``came_from``, else ``default``.

    With ``confirm``, a request that carried no cookie at all (a first visit, or a browser
    that refuses cookies) goes to ``default``, the list's own page with ``?added=``, which
    can tell whether the browser kept the list's cookie and explain if it did not.
    """
    if confirm and not request.cookies:
        return HTTPSeeOther(location=default)
    target = local_path(appstruct.get("came_from", "")) or default
    return HTTPSeeOther(location=target)


def _product(request, pid):
    found = products_by_pid(request, [pid])
    return found[0] if found else None


def _cookies_missing(request, name):
    """True when the browser sent no cookie at all after being given one (refused)."""
    return request.identity is None and "added" in request.GET and name not in request.cookies


# -- cart ---------------------------------------------------------------------------


def cart_lines(request):
    """Lines of the cart with products, prices and stock warnings (prices from products)."""
    lines, gone = [], 0
    for pid, qty in lists.read(request, lists.CART):
        product = _product(request, pid)
        if product is None:
            gone += 1
            continue
        lines.append(
            {
                "product": product,
                "title": pick(product.titles, request)[1],
                "qty": qty,
                "total": product.price * qty,
                "short": qty > product.stock,
            }
        )
    return lines, gone


@view_config(
    context=Site,
    route_name="public",
    name="cart",
    request_method="GET",
    permission=VIEW,
    renderer="shopcms.products:templates/cart.pt",
)
def cart_page(context, request):
    lines, gone = cart_lines(request)
    return {
        "lines": lines,
        "gone": gone,
        "totals": totals((line["total"], line["product"].vat_rate) for line in lines),
        "cookies_missing": _cookies_missing(request, lists.CART),
    }


@view_config(
    context=Site,
    route_name="public",
    name="cart",
    request_method="POST",
    permission=VIEW,
    renderer="shopcms.web:templates/error.pt",
)
def cart_change(context, request):
    appstruct = _parse(request, CartSchema)
    if appstruct is None:
        return refusal(request, _("The cart could not be changed: the request was not valid."))
    product = _product(request, appstruct["pid"])
    items = lists.read(request, lists.CART)
    op, qty = appstruct["op"], appstruct["qty"]
    if op == "remove" or (op == "set" and qty == 0):
        lists.write(request, lists.CART, lists.set_quantity(items, appstruct["pid"], 0))
        return _back(request, appstruct, f"/{request.locale_name}/cart")
    if product is None:
        return refusal(request, _("This product is not available."), status=404)
    if not product.in_stock:
        return refusal(request, _("Sorry, this product is out of stock."), status=409)
    already = dict(items).get(product.pid, 0)
    wanted = already + max(qty, 1) if op == "add" else qty
    if wanted > product.stock:
        notice(
            request,
            _(
                "Only ${stock} in stock: your cart holds that many.",
                mapping={"stock": product.stock},
            ),
            ERROR,
        )
        wanted = product.stock
    if op == "add":
        updated, accepted = lists.add_to_cart(items, product.pid, wanted - already)
        if not accepted:
            return refusal(
                request,
                _(
                    "Your cart is full (${max} products). Order or remove some first.",
                    mapping={"max": lists.LIMITS[lists.CART]},
                ),
                status=409,
            )
        notice(request, _("Added to your cart."))
    else:
        updated = lists.set_quantity(items, product.pid, wanted)
    lists.write(request, lists.CART, updated)
    return _back(
        request, appstruct, f"/{request.locale_name}/cart?added={product.pid}", confirm=True
    )


# -- wishlist and compare -------------------------------------------------------------


def _list_change(request, name, added_message, full_message):
    appstruct = _parse(request, ListSchema)
    if appstruct is None:
        return refusal(request, _("The list could not be changed: the request was not valid."))
    items = lists.read(request, name)
    if appstruct["op"] == "remove":
        lists.write(request, name, [pid for pid in items if pid != appstruct["pid"]])
        return _back(request, appstruct, f"/{request.locale_name}/{name}")
    product = _product(request, appstruct["pid"])
    if product is None:
        return refusal(request, _("This product is not available."), status=404)
    updated, accepted = lists.add_unique(items, product.pid, lists.LIMITS[name])
    if not accepted:
        return refusal(request, full_message, status=409)
    lists.write(request, name, updated)
    notice(request, added_message)
    return _back(
        request, appstruct, f"/{request.locale_name}/{name}?added={product.pid}", confirm=True
    )


@view_config(
    context=Site,
    route_name="public",
    name="wishlist",
    request_method="GET",
    permission=VIEW,
    renderer="shopcms.products:templates/wishlist.pt",
)
def wishlist_page(context, request):
    return {
        "products": products_by_pid(request, lists.read(request, lists.WISHLIST)),
        "cookies_missing": _cookies_missing(request, lists.WISHLIST),
    }


@view_config(
    context=Site,
    route_name="public",
    name="wishlist",
    request_method="POST",
    permission=VIEW,
    renderer="shopcms.web:templates/error.pt",
)
def wishlist_change(context, request):
    return _list_change(
        request,
        lists.WISHLIST,
        _("Added to your wishlist."),
        _("Your wishlist is full (${max} products).", mapping={"max": lists.LIMITS["wishlist"]}),
    )


@view_config(
    context=Site,
    route_name="public",
    name="compare",
    request_method="GET",
    permission=VIEW,
    renderer="shopcms.products:templates/compare.pt",
)
def compare_page(context, request):
    products = products_by_pid(request, lists.read(request, lists.COMPARE))
    rows = []
    for key, label in ATTRIBUTES.items():
        values = [
            pick(p.attributes[key], request)[1] if key in p.attributes else None for p in products
        ]
        if any(values):
            rows.append((label, values))
    return {
        "products": products,
        "rows": rows,
        "cookies_missing": _cookies_missing(request, lists.COMPARE),
    }


@view_config(
    context=Site,
    route_name="public",
    name="compare",
    request_method="POST",
    permission=VIEW,
    renderer="shopcms.web:templates/error.pt",
)
def compare_change(context, request):
    return _list_change(
        request,
        lists.COMPARE,
        _("Added to the comparison."),
        _(
            "You can compare at most ${max} products: remove one first.",
            mapping={"max": lists.LIMITS["compare"]},
        ),
    )
