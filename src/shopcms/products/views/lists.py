"""Cart, wishlist and compare: the pages and the forms that change them.

Every change is a POST (CSRF-checked) that names a product by its short id (``op``,
``pid``, ``qty``, ``came_from``); the rules are those of the lists' services
(:class:`~shopcms.products.lists.Cart`, :class:`~shopcms.products.lists.ProductList`).  A
quantity that is not one gets its form again (400, the error linked to the field: the cart
page for a line, the product page for "add to cart"); any other invalid post, which no form
of ours sends, is refused with a message.  A visitor whose browser refuses cookies is told
plainly that these lists need them.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.products import lists
from shopcms.products.listing import visible_products
from shopcms.products.pricing import SHIPPING_METHODS, oss_enabled
from shopcms.products.schemas import CART_OPS, LIST_OPS, MAX_PID
from shopcms.products.views.codes import cart_discounts
from shopcms.products.views.forms import (
    add_form,
    cart_forms,
    item_form,
    list_forms,
    quantity_form,
)
from shopcms.products.views.public import PRODUCT_TEMPLATE, product_values
from shopcms.products.views.small import visible_errors
from shopcms.tree.site import Site
from shopcms.web.errors import refusal
from shopcms.web.forms import validate
from shopcms.web.i18n import _
from shopcms.web.notices import ERROR, notice
from shopcms.web.security import VIEW
from shopcms.web.urls import local_path

CART_TEMPLATE = "shopcms.products:templates/cart.pt"
CART_INVALID = _("The cart could not be changed: the request was not valid.")
LIST_INVALID = _("The list could not be changed: the request was not valid.")
#: The notice after adding to a list.
ADDED = {
    lists.WISHLIST: _("Added to your wishlist."),
    lists.COMPARE: _("Added to the comparison."),
}


def _back(request, came_from, default, confirm=False):
    """Redirect to ``came_from`` when it is a path of this site, else to ``default``.

    With ``confirm``, a request that carried no cookie at all (a first visit, or a browser
    that refuses cookies) goes to ``default``, the list's own page with ``?added=``, which
    can tell whether the browser kept the list's cookie and explain if it did not.
    """
    if confirm and not request.cookies:
        return HTTPSeeOther(location=default)
    return HTTPSeeOther(location=local_path(came_from) or default)


def _cookies_missing(request, name):
    """True when the browser sent no cookie at all after being given one (refused)."""
    return request.identity is None and "added" in request.GET and name not in request.cookies


def _posted(request, ops):
    """The posted ``op`` and ``pid`` (an int), or None when either is not one we send."""
    op, pid = request.POST.get("op"), request.POST.get("pid", "")
    if op not in ops or not pid.isdigit() or not 1 <= int(pid) <= MAX_PID:
        return None
    return op, int(pid)


# -- cart ---------------------------------------------------------------------------


@view_config(
    context=Site,
    route_name="public",
    name="cart",
    request_method="GET",
    permission=VIEW,
    renderer=CART_TEMPLATE,
)
def cart_page(context, request):
    return cart_values(request)


def cart_values(request, failed=None, code_failed=None):
    """The cart page; ``failed``: ``(pid, html)`` of a line's refused quantity form.  Its
    summary is the checkout's with standard delivery to Belgium, with Belgian VAT, less the
    codes' discounts (``views.codes``): the delivery country is chosen at the checkout,
    whose review shows its shipping and VAT (``oss``: whether the VAT may then change)."""
    lines, gone = lists.Cart(request).lines()
    settings = request.registry.settings
    return {
        "lines": lines,
        "gone": gone,
        **cart_discounts(request, lines, code_failed),
        "oss": oss_enabled(settings),
        "shipping_title": SHIPPING_METHODS["standard"],
        "forms": cart_forms(request, lines, failed),
        "cookies_missing": _cookies_missing(request, lists.CART),
    }


def _cart_form(request, op, pid):
    if op == "add":
        return add_form(request)
    if op == "set":
        return quantity_form(request, pid)
    return item_form(request, "cart", pid)


def _cart_form_again(request, op, pid, html):
    """The refused form on its page (400): a line's quantity on the cart page, "add to
    cart" on the product page."""
    if op == "set" and lists.Cart(request).quantity(pid):
        return cart_values(request, failed=(pid, html))
    found = visible_products(request, [pid]) if op == "add" else []
    if not found:
        return refusal(request, CART_INVALID)
    request.override_renderer = PRODUCT_TEMPLATE
    return product_values(found[0], request, failed=html)


@view_config(
    context=Site,
    route_name="public",
    name="cart",
    request_method="POST",
    permission=VIEW,
    renderer=CART_TEMPLATE,
)
def cart_change(context, request):
    """Add (``op=add``, ``qty``), set a quantity (``set``) or remove (``remove``)."""
    posted = _posted(request, CART_OPS)
    if posted is None:
        return refusal(request, CART_INVALID)
    op, pid = posted
    form = _cart_form(request, op, pid)
    appstruct, html = validate(request, form)
    if appstruct is None:
        if not visible_errors(form):
            return refusal(request, CART_INVALID)
        return _cart_form_again(request, op, pid, html)
    cart = lists.Cart(request)
    try:
        if op == "add":
            change = cart.add(pid, appstruct["qty"])
        elif op == "set":
            change = cart.set(pid, appstruct["qty"])
        else:
            change = cart.remove(pid)
    except lists.Refused as refused:
        return refusal(request, refused.message, status=refused.status)
    if change.capped:
        message = _(
            "Only ${stock} in stock: your cart holds that many.",
            mapping={"stock": change.quantity},
        )
        notice(request, message, ERROR)
    if change.product is None:
        return _back(request, appstruct.get("came_from", ""), request.link(None, "cart"))
    if op == "add":
        notice(request, _("Added to your cart."))
    added = request.link(None, "cart", query={"added": pid})
    return _back(request, appstruct.get("came_from", ""), added, confirm=True)


# -- wishlist and compare -------------------------------------------------------------


def _list_change(request, name):
    posted = _posted(request, LIST_OPS)
    if posted is None:
        return refusal(request, LIST_INVALID)
    op, pid = posted
    appstruct, _html = validate(request, item_form(request, name, pid))
    if appstruct is None:  # only hidden fields: nothing the visitor could correct
        return refusal(request, LIST_INVALID)
    product_list = lists.ProductList(request, name)
    if op == "remove":
        product_list.remove(pid)
        return _back(request, appstruct["came_from"], request.link(None, name))
    try:
        product_list.add(pid)
    except lists.Refused as refused:
        return refusal(request, refused.message, status=refused.status)
    notice(request, ADDED[name])
    added = request.link(None, name, query={"added": pid})
    return _back(request, appstruct["came_from"], added, confirm=True)


def _list_values(request, name):
    products = lists.ProductList(request, name).products()
    return {
        "products": products,
        "forms": list_forms(request, name, products),
        "cookies_missing": _cookies_missing(request, name),
    }


@view_config(
    context=Site,
    route_name="public",
    name="wishlist",
    request_method="GET",
    permission=VIEW,
    renderer="shopcms.products:templates/wishlist.pt",
)
def wishlist_page(context, request):
    return _list_values(request, lists.WISHLIST)


@view_config(
    context=Site,
    route_name="public",
    name="wishlist",
    request_method="POST",
    permission=VIEW,
    renderer="shopcms.web:templates/error.pt",
)
def wishlist_change(context, request):
    return _list_change(request, lists.WISHLIST)


@view_config(
    context=Site,
    route_name="public",
    name="compare",
    request_method="GET",
    permission=VIEW,
    renderer="shopcms.products:templates/compare.pt",
)
def compare_page(context, request):
    values = _list_values(request, lists.COMPARE)
    values["rows"] = lists.compare_rows(request, values["products"])
    return values


@view_config(
    context=Site,
    route_name="public",
    name="compare",
    request_method="POST",
    permission=VIEW,
    renderer="shopcms.web:templates/error.pt",
)
def compare_change(context, request):
    return _list_change(request, lists.COMPARE)
