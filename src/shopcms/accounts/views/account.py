"""The customer's own pages under ``/{lang}/account/``: orders, addresses, payment methods,
preferences.

The context of every view here is the logged-in account itself (``routes.account_root``):
no URL can name another customer.  Ids in the address are looked up among the requester's
own orders, addresses and payment methods only, and answer 404 otherwise, so that another
customer's order number or address id reveals nothing and changes nothing.

- ``GET /{lang}/account/``: the overview, with links to every account page.
- ``GET .../orders`` (newest first) and ``GET .../orders/NUMBER`` (one order).
- ``GET .../addresses``; ``POST .../addresses`` adds one; ``POST .../addresses/ID/remove``
  and ``.../addresses/ID/default``.
- ``GET .../payment-methods``; ``POST .../payment-methods/ID/remove`` (the mandate is also
  revoked at the provider).
- ``GET, POST .../preferences``: the language of our mails, the phone.
- ``POST .../keep-details`` (``page``): gives the "keep my account data" consent from one of
  these pages (the ledger records ``account-PAGE``).

Addresses, phone and payment methods are kept only while that consent stands
(``shopcms.privacy.account_data``); without it these pages say so and offer to give it, and
posting such data is refused.  Every page is private (``Cache-Control: no-store``).
"""

import colander
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.traversal import find_root
from pyramid.view import view_config

from shopcms.accounts.resources import Customer
from shopcms.accounts.schemas import (
    AddressSchema,
    KeepDetailsSchema,
    PreferencesSchema,
    address_cstruct,
    field_labels,
)
from shopcms.orders.api import COUNTRIES as EU_COUNTRIES
from shopcms.orders.api import ORDER_WORKFLOW, SHIPPING_METHODS
from shopcms.orders.api import describe_saved_method as describe
from shopcms.orders.api import payment_methods as methods
from shopcms.privacy.account_data import forget_at_provider, give_account_data, keeps_account_data
from shopcms.web.errors import refusal
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages
from shopcms.web.notices import notice
from shopcms.web.security import ACCOUNT

TEMPLATES = "shopcms.accounts:templates/"
ERROR_TEMPLATE = "shopcms.web:templates/error.pt"
#: The account pages' titles in their navigation.
SECTION_TITLES = {
    "overview": _("Overview"),
    "orders": _("Orders"),
    "addresses": _("Addresses"),
    "payment-methods": _("Payment methods"),
    "preferences": _("Preferences"),
}
NEEDS_CONSENT = _(
    "We keep addresses, a phone number and payment methods only with your consent. Give it "
    "below to keep them; you can withdraw it at any time on your privacy page."
)


def _page(request, account, section, **values):
    """The template values every account page has (and marks the answer private)."""
    return {
        "account": account,
        "section": section,
        "account_titles": SECTION_TITLES,
        "keeps": keeps_account_data(account.preferences),
        **values,
    }


def _path(request, page=""):
    return f"/{request.locale_name}/account/{page}"


def _no_subpath(request):
    if request.subpath:
        raise HTTPNotFound()


def _account_view(name, method="GET", template=None):
    """``view_config`` of an account page: route ``account``, the account as context.

    A POST without a page of its own renders the error page when it refuses.
    """
    return view_config(
        route_name="account",
        context=Customer,
        name=name,
        request_method=method,
        permission=ACCOUNT,
        renderer=TEMPLATES + template if template else ERROR_TEMPLATE,
    )


# -- overview ------------------------------------------------------------------------------


@_account_view("", template="overview.pt")
def overview(context, request):
    _no_subpath(request)
    return _page(request, context, "overview")


# -- orders --------------------------------------------------------------------------------


@_account_view("orders", template="orders.pt")
def orders(context, request):
    """The list, or with ``/NUMBER`` one order: only the requester's own (404 otherwise)."""
    folder = find_root(context)["orders"]
    if not request.subpath:
        rows = [
            {"order": order, "state": ORDER_WORKFLOW.get_state(order.workflow_state).title}
            for order in folder.of_customer(context.__name__)
        ]
        return _page(request, context, "orders", rows=rows)
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    order = folder.get(request.subpath[0])
    if order is None or order.customer != context.__name__:
        raise HTTPNotFound()
    request.override_renderer = TEMPLATES + "order.pt"
    return _page(
        request,
        context,
        "orders",
        order=order,
        state=ORDER_WORKFLOW.get_state(order.workflow_state),
        payment=methods(request.registry).get(order.payment_method),
        shipping_titles=SHIPPING_METHODS,
    )


# -- addresses -----------------------------------------------------------------------------


def _addresses_page(request, account, values=None, errors=None):
    preferences = account.preferences
    return _page(
        request,
        account,
        "addresses",
        addresses=list(preferences.addresses),
        default_address=preferences.default_address,
        values=values or {"country": "BE"},
        errors=errors or {},
        labels=field_labels(),
        countries=EU_COUNTRIES,
    )


@_account_view("addresses", template="addresses.pt")
def addresses(context, request):
    _no_subpath(request)
    return _addresses_page(request, context)


@_account_view("addresses", method="POST", template="addresses.pt")
def addresses_post(context, request):
    """Add an address (no subpath), or ``ID/remove``, ``ID/default`` one of the
    requester's own addresses."""
    preferences = context.preferences
    if request.subpath:
        if len(request.subpath) != 2 or request.subpath[1] not in ("remove", "default"):
            raise HTTPNotFound()
        address_id, action = request.subpath
        if preferences.address(address_id) is None:
            raise HTTPNotFound()
        # Nothing is read from the body: the id is in the path, the CSRF token was checked.
        if action == "remove":
            preferences.remove_address(address_id)
            notice(request, _("The address is removed."))
        elif not keeps_account_data(preferences):
            return refusal(request, NEEDS_CONSENT)
        else:
            preferences.default_address = address_id
            notice(request, _("This is now your default address."))
        return HTTPSeeOther(location=_path(request, "addresses"))
    if not keeps_account_data(preferences):
        return refusal(request, NEEDS_CONSENT)
    try:
        appstruct = AddressSchema().bind(request=request).deserialize(address_cstruct(request.POST))
    except colander.Invalid as invalid:
        request.response.status = 400
        values = {key: request.POST.get(key, "") for key in address_cstruct(request.POST)}
        errors = invalid.asdict(translate=request.localizer.translate)
        return _addresses_page(request, context, values, errors)
    preferences.add_address(
        appstruct["name"],
        appstruct["street"],
        appstruct["postcode"],
        appstruct["city"],
        appstruct["country"],
        make_default=appstruct["make_default"],
    )
    notice(request, _("The address is saved."))
    return HTTPSeeOther(location=_path(request, "addresses"))


# -- payment methods -----------------------------------------------------------------------


@_account_view("payment-methods", template="payment_methods.pt")
def payment_methods(context, request):
    _no_subpath(request)
    saved = [(method, describe(method)) for method in context.preferences.payment_methods]
    return _page(request, context, "payment-methods", saved=saved)


@_account_view("payment-methods", method="POST")
def payment_method_remove(context, request):
    """``ID/remove``: forget one of the requester's saved payment methods, here and at the
    provider (its mandate is revoked: nothing can be charged with it any more)."""
    if len(request.subpath) != 2 or request.subpath[1] != "remove":
        raise HTTPNotFound()
    preferences = context.preferences
    saved = preferences.payment_method(request.subpath[0])
    if saved is None:
        raise HTTPNotFound()
    preferences.remove_payment_method(saved.id)
    forget_at_provider(request.registry, [saved], remaining=list(preferences.payment_methods))
    notice(request, _("The payment method is removed."))
    return HTTPSeeOther(location=_path(request, "payment-methods"))


# -- preferences ---------------------------------------------------------------------------


def _preferences_page(request, account, values=None, errors=None):
    preferences = account.preferences
    return _page(
        request,
        account,
        "preferences",
        values=values
        or {"language": preferences.language or request.locale_name, "phone": preferences.phone},
        errors=errors or {},
        labels=field_labels(),
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in languages(request.registry)],
    )


@_account_view("preferences", template="preferences.pt")
def preferences(context, request):
    _no_subpath(request)
    return _preferences_page(request, context)


@_account_view("preferences", method="POST", template="preferences.pt")
def preferences_post(context, request):
    """Save the language of our mails, and the phone while account data is kept (without
    that consent a posted phone is not kept)."""
    _no_subpath(request)
    cstruct = {key: request.POST.get(key, colander.null) for key in ("csrf_token", "language")}
    cstruct["phone"] = request.POST.get("phone") or colander.null
    try:
        appstruct = PreferencesSchema().bind(request=request).deserialize(cstruct)
    except colander.Invalid as invalid:
        request.response.status = 400
        values = {key: request.POST.get(key, "") for key in ("language", "phone")}
        errors = invalid.asdict(translate=request.localizer.translate)
        return _preferences_page(request, context, values, errors)
    prefs = context.preferences
    prefs.language = appstruct["language"]
    if keeps_account_data(prefs):
        prefs.phone = appstruct["phone"]
    notice(request, _("Your preferences are saved."))
    return HTTPSeeOther(location=_path(request, "preferences"))


# -- the consent, where the data is asked ----------------------------------------------------


@_account_view("keep-details", method="POST")
def keep_details(context, request):
    """Give the "keep my account data" consent from the page ``page`` and go back there."""
    _no_subpath(request)
    try:
        appstruct = KeepDetailsSchema().bind(request=request).deserialize(request.POST.mixed())
    except colander.Invalid:
        return refusal(request, _("Your choice could not be recorded: the request was not valid."))
    page = appstruct["page"]
    give_account_data(
        context.preferences, find_root(context), request.locale_name, request.now, f"account-{page}"
    )
    notice(request, _("Thank you: your consent is recorded."))
    return HTTPSeeOther(location=_path(request, page))
