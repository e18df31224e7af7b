"""The customer's own area, ``/{lang}/account/``: what its pages share.

The context of every view here is the logged-in account itself (``web.routes.
account_root``): no URL can name another customer.  Ids in an address are looked up among
the requester's own orders, addresses and payment methods only (``saved_details``,
``order_history``) and answer 404 otherwise, so that another customer's order number or
address id reveals nothing and changes nothing.  Every page is private (``Cache-Control:
no-store``).

- :func:`account_view`: the ``view_config`` of an account page;
- :class:`AccountFormView`: a page of the area that shows one form and acts on it;
- :func:`account_page`: the values every page of the navigation has, with the offer of the
  "keep my account data" consent (the ``keep-consent`` macro) where it is not given.
"""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from shopcms.accounts import saved_details
from shopcms.accounts.resources import Customer
from shopcms.accounts.schemas import KEEP_PAGES, KeepDetailsSchema
from shopcms.web.errors import ERROR_TEMPLATE
from shopcms.web.forms import Button, FormView, make_form
from shopcms.web.i18n import _
from shopcms.web.security import ACCOUNT

TEMPLATES = "shopcms.accounts:templates/"
#: The view options of every account page (its name, method and renderer apart).
AREA = {"route_name": "account", "context": Customer, "permission": ACCOUNT}
#: The account pages' titles in their navigation.
SECTION_TITLES = {
    "overview": _("Overview"),
    "orders": _("Orders"),
    "addresses": _("Addresses"),
    "payment-methods": _("Payment methods"),
    "preferences": _("Preferences"),
    "gift-cards": _("Gift cards"),
}


def account_view(name, method="GET", template=None, **predicates):
    """``view_config`` of an account page.  A POST without a page of its own (no
    ``template``) renders the error page when it refuses."""
    return view_config(
        name=name,
        request_method=method,
        renderer=TEMPLATES + template if template else ERROR_TEMPLATE,
        **AREA,
        **predicates,
    )


def item_action(name, action):
    """The predicate of ``.../NAME/ID/ACTION`` (an action on one of the customer's items,
    whose id is the first element of the subpath)."""
    return {"path_info": rf"^/[^/]+/account/{name}/[^/]+/{action}$"}


def no_subpath(request):
    """These pages have no sub-pages: ``/account/preferences/anything`` is not found."""
    if request.subpath:
        raise HTTPNotFound()


def keep_form(request, page):
    """The button that gives the "keep my account data" consent from ``page``."""
    return make_form(
        request,
        KeepDetailsSchema,
        (Button("keep", _("Keep my details for next orders")),),
        "keep-details",
        request.account_link("keep-details"),
    ).render({"page": page})


def account_page(request, account, section, **values):
    """The template values every page of the account's navigation has."""
    keeps = saved_details.keeps(account)
    return {
        "account": account,
        "section": section,
        "account_titles": SECTION_TITLES,
        "keeps": keeps,
        "keep_form": None if keeps or section not in KEEP_PAGES else keep_form(request, section),
        **values,
    }


class AccountFormView(FormView):
    """A page of the area that shows one form and acts on it (no sub-pages)."""

    #: The page's name in the area (its URL and its navigation entry).
    section = None

    def __init__(self, context, request):
        no_subpath(request)
        super().__init__(context, request)

    def action(self):
        return self.request.account_link(self.section)

    def values(self):
        return account_page(self.request, self.context, self.section)
