"""The shop's small forms: the product page's buttons, the cart's lines, the lists' buttons
and the listing's search, as deform forms from ``schemas``, built and rendered by the lean
machinery of ``views.small`` (see there why: these are the busiest pages).

What a visitor posts is validated by the same schemas through ``make_form`` and
``web.forms.validate`` (:func:`add_form`, :func:`quantity_form`, :func:`item_form`): a
POST that fails answers 400 with the form again, its errors linked to the fields.
"""

import functools

import colander
from pyramid.threadlocal import get_current_request

from shopcms.products.schemas import (
    CartAddSchema,
    CartQuantitySchema,
    ListItemSchema,
    header_search_schema,
    listing_search_schema,
)
from shopcms.products.views.small import Repeated, small, unnamed_button
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.forms.core import Form
from shopcms.web.i18n import _

# Schemas are instantiated once: each form copies (or binds) its own.
_ADD = CartAddSchema()
_QUANTITY = CartQuantitySchema()
_ITEM = ListItemSchema()
_SEARCH = (listing_search_schema(), listing_search_schema(with_category=True))
_HEADER_SEARCH = header_search_schema()

# -- the forms that validate what is posted ---------------------------------------------


def _validating(request, schema, button, formid, name, css_class):
    return small(
        make_form(
            request,
            schema,
            (button,),
            formid=formid,
            action=request.link(None, name),
            css_class=css_class,
        )
    )


def add_form(request):
    """The product page's "add to cart" (a quantity), posted to the cart."""
    button = Button("add", _("Add to cart"))
    return _validating(request, _ADD, button, "add-to-cart", "cart", "add-to-cart")


def quantity_form(request, pid):
    """The quantity of the cart's line of product ``pid`` (formid ``cart-PID``)."""
    button = Button("update", _("Update"), css_class="toggle")
    return _validating(request, _QUANTITY, button, f"cart-{pid}", "cart", "qty")


def item_form(request, name, pid):
    """A product added to or removed from list ``name`` (cart, wishlist, compare)."""
    button = Button("remove", _("Remove"), css_class="toggle")
    return _validating(request, _ITEM, button, f"{name}-remove-{pid}", name, "remove")


# -- the forms of the pages ---------------------------------------------------------------


def product_forms(request, product):
    """The product page's forms that are the same for every visitor (but for the CSRF
    token): ``cart`` (while in stock), bringing the visitor back to the product page (also
    when it is shown again after a refused quantity, at the cart's address).  The wishlist
    and compare buttons and the consent in context are personal parts (``views.parts``)."""
    forms = {}
    if product.in_stock:
        forms["cart"] = Repeated(
            request, _ADD, [Button("add", _("Add to cart"))], "add-to-cart"
        ).render(
            "add-to-cart",
            {"op": "add", "pid": product.pid, "came_from": request.link(product), "qty": 1},
            action=request.link(None, "cart"),
            hidden=("pid", "came_from"),
        )
    return forms


def cart_forms(request, lines, failed=None):
    """``{pid: {"qty": html, "remove": html}}`` for the cart's ``lines``; ``failed``:
    ``(pid, html)`` of a quantity form that was refused, shown as it was posted."""
    action = request.link(None, "cart")
    quantity = Repeated(
        request, _QUANTITY, [Button("update", _("Update"), css_class="toggle")], "qty"
    )
    remove = Repeated(request, _ITEM, [Button("remove", _("Remove"), css_class="toggle")])
    forms = {}
    for line in lines:
        pid = line["product"].pid
        forms[pid] = {
            "qty": quantity.render(
                f"cart-{pid}", {"op": "set", "pid": pid, "qty": line["qty"]}, action
            ),
            "remove": remove.render(f"cart-remove-{pid}", {"op": "remove", "pid": pid}, action),
        }
    if failed is not None and failed[0] in forms:
        forms[failed[0]]["qty"] = failed[1]
    return forms


def list_forms(request, name, products):
    """``{pid: {"remove": html, "cart": html or None}}`` for the products of list ``name``
    (wishlist, compare): a remove button each, and "add to cart" for those in stock."""
    remove = Repeated(request, _ITEM, [Button("remove", _("Remove"), css_class="toggle")])
    to_cart = Repeated(request, _ITEM, [Button("add", _("Add to cart"))], "add-to-cart")
    own, cart = request.link(None, name), request.link(None, "cart")
    came_from = request.path
    forms = {}
    for product in products:
        pid = product.pid
        forms[pid] = {
            "remove": remove.render(f"{name}-remove-{pid}", {"op": "remove", "pid": pid}, own),
            "cart": to_cart.render(
                f"{name}-cart-{pid}", {"op": "add", "pid": pid, "came_from": came_from}, cart
            )
            if product.in_stock
            else None,
        }
    return forms


def refused_search(request):
    """The search form with its errors when the visitor's filters make no sense (the status
    is then 400), else None: an empty or sensible query is just shown."""
    if not any(request.GET.get(name) for name in ("q", "min", "max", "sort")):
        return None
    schema = _SEARCH[bool(request.GET.get("category"))]
    try:
        # The listing is busy: a sensible query costs a check, not a form.
        schema.deserialize({n.name: request.GET.get(n.name, colander.null) for n in schema})
        return None
    except colander.Invalid:
        pass
    form = make_form(
        request,
        _SEARCH[bool(request.GET.get("category"))],
        [unnamed_button("show", _("Show"))],
        "search",
        action=request.link(None, "products", slash=True),
        method="GET",
    )
    form.widget.attributes = {"role": "search"}
    _appstruct, failed = validate(request, form)
    return failed


def search_form(request, query):
    """The listing's search and filters (GET), showing the visitor's ``query``."""
    values = (
        ("q", query.text),
        ("category", query.category or ""),
        ("min", "" if query.price_min is None else str(query.price_min)),
        ("max", "" if query.price_max is None else str(query.price_max)),
        ("sort", query.sort),
    )
    action = request.link(None, "products", slash=True)
    return _search_html(Form.default_renderer, request.locale_name, action, values)


@functools.lru_cache(maxsize=256)
def _search_html(_renderer, _lang, action, values):
    """The search form for ``values`` in ``_lang``, rendered once for every request that
    asks for the same: a GET form carries nothing of the visitor (no token, no state).  The
    widget templates in use (deform's ``_renderer``, a theme's) are part of the key."""
    request = get_current_request()
    form = Repeated(
        request,
        _SEARCH[bool(dict(values)["category"])],
        [unnamed_button("show", _("Show"))],
        "search",
        method="GET",
        attributes={"role": "search"},
    )
    return form.render("search", dict(values), action=action)


def header_search_form(request, text):
    """The header's search box (GET to the listing) showing ``text``, on every page."""
    action = request.link(None, "products", slash=True)
    return _header_search_html(Form.default_renderer, request.locale_name, action, text)


@functools.lru_cache(maxsize=256)
def _header_search_html(_renderer, _lang, action, text):
    """Rendered once for each language and text (see :func:`_search_html`)."""
    form = Repeated(
        get_current_request(),
        _HEADER_SEARCH,
        [unnamed_button("search", _("Search"), css_class="search-button")],
        css_class="site-search",
        method="GET",
        attributes={"role": "search"},
    )
    return form.render("site-search", {"q": text}, action=action)
