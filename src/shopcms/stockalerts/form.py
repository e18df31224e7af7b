"""The form "Tell me when it is back" on the page of a product out of stock (the layout's
``ui.stock_alert(product)``, which the product page shows under "Out of stock").

Contract: the product page is shared (``shopcms.web.pagecache``): the form is the same for
every visitor, with nothing of the visitor in it (no address, not even a logged-in
customer's: whether the visitor is logged in is decided when the form is posted).  Its CSRF
token is the request's (``get_csrf_token``: in a skeleton the mark each visitor's token
replaces; for a visitor without a session the stateless token, which every page's
validator already covers).  The HTML is rendered once per language, widget templates and
product address, with a stand-in for the token.
"""

import functools
from html import escape

import deform
from pyramid.csrf import get_csrf_token
from pyramid.renderers import render as render_template
from pyramid.threadlocal import get_current_request

from shopcms.stockalerts.schemas import AlertSchema
from shopcms.web.forms import Button, make_form
from shopcms.web.i18n import _

FORMID = "stock-alert"
#: The view of a product the form posts to.
VIEW_NAME = "stock-alert"
#: The stand-in for the visitor's CSRF token in the remembered form.
_STAND_IN = "shopcms-stock-alert-token"  # noqa: S105 (a stand-in, not a secret)
TEMPLATE = "shopcms.stockalerts:templates/form.pt"


def make(request, action):
    """The form posting to ``action`` (the product's ``stock-alert`` view)."""
    return make_form(
        request,
        AlertSchema,
        (Button("notify", _("Tell me when it is back")),),
        FORMID,
        action,
        css_class="stock-alert-form",
    )


@functools.lru_cache(maxsize=512)
def _rendered(lang, renderer, action):
    """The section in ``lang`` with its form posting to ``action``, with a stand-in for the
    token.  ``renderer`` (the widget templates in use, a theme's) is part of the key."""
    request = get_current_request()
    form = make(request, action).render({"csrf_token": _STAND_IN}, required_note=False)
    return render_template(TEMPLATE, {"form": form, "lang": lang}, request=request)


def render(request, product):
    """The section for ``product`` (see the module) as markup; "" while it is in stock."""
    if product.in_stock:
        return ""
    action = request.link(product, VIEW_NAME)
    html = _rendered(request.locale_name, deform.Form.default_renderer, action)
    return html.replace(_STAND_IN, escape(get_csrf_token(request), quote=True))


def stock_alert(request):
    """``ui.stock_alert``: a function of the product giving its section."""
    return functools.partial(render, request)
