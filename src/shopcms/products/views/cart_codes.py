"""The cart's discount code form posted: ``POST /{lang}/cart-code`` (``views.codes``)."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.products import lists
from shopcms.products.views.codes import code_form, promotion_lines, remove_form
from shopcms.products.views.lists import CART_TEMPLATE, cart_values
from shopcms.promotions import api as promotions
from shopcms.tree.site import Site
from shopcms.web.forms import validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import VIEW


@view_config(
    context=Site,
    route_name="public",
    name="cart-code",
    request_method="POST",
    permission=VIEW,
    renderer=CART_TEMPLATE,
)
def cart_code(context, request):
    """Apply a discount code (button ``apply``) or remove one (``remove``); back to the
    cart, or the cart page again (400) with the reason a code does not apply."""
    cart = request.link(None, "cart")
    if "remove" in request.POST:
        removed, _failed = validate(request, remove_form(request, ""))
        if removed is not None:
            promotions.forget(request, removed["code"])
            code = removed["code"].upper()
            notice(request, _("The code ${code} was removed.", mapping={"code": code}))
        return HTTPSeeOther(location=cart)
    found, _gone = lists.Cart(request).lines()
    items = [(line["product"], line["qty"]) for line in found]
    applied, failed = validate(request, code_form(request, promotion_lines(items)))
    if applied is None:
        return cart_values(request, code_failed=failed)
    promotions.enter(request, applied["code"])
    code = applied["code"].upper()
    notice(request, _("The code ${code} is applied.", mapping={"code": code}))
    return HTTPSeeOther(location=cart)
