"""The checkout: from the visitor's cart and the checkout form to a placed order being paid.

Everything that is charged is computed here from the products and the settings: the
client sends product ids and quantities (its cart) and its choices, never a price, a total
or a shipping cost.  Stock is checked and decremented in the same transaction; a product is
a plain persistent object, so two checkouts that change the same stock conflict and one of
them is replayed by pyramid_retry with fresh data: stock never goes below zero.

Shipping and the totals follow the products' one pricing rule (``products.api.charge``:
the shipping methods, their costs per delivery country, free delivery, shipping charged at
the highest VAT rate of the lines), which the cart page shows too.  The VAT is the
destination's (``products.api.taxation``, see ``products.pricing``): :func:`destination`
reads it from the details (delivery country, the business's VAT number), :func:`quote`
converts every unit price and the shipping with it, and :func:`place_order` records it on
the order (``vat_scheme``, ``vat_country``).  Before the details are known (the checkout
form's summary) it is Belgium's.

What the form offers (:func:`options`, :func:`starting_values`): a logged-in customer who
keeps their details (``shopcms.privacy.account_data``) finds the form filled with the
default saved address and phone, and may choose another saved address or pay with a saved
payment method.  Placing the order (:func:`place_and_pay`) records the "keep my account
data" consent when the customer ticked "save my details" (form ``checkout``) and keeps the
addresses and phone on the account; then the payment method starts (keeping the method
paid with, when it can).  Without the consent nothing of the checkout is kept beyond the
order.  A gift card pays its part (``orders.gift_cards``), the method the rest.
"""

import contextlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from pyramid.i18n import TranslationString

from shopcms.newsletter import api as newsletter
from shopcms.orders import business, discounts, gift_cards
from shopcms.orders.payments import catalogue, describe_saved, methods
from shopcms.orders.resources import Order
from shopcms.orders.widgets import Choice
from shopcms.privacy.account_data import (
    give_account_data,
    keep_checkout_details,
    keeps_account_data,
)
from shopcms.products.api import (
    BELGIAN,
    SHIPPING_METHODS,
    empty_cart,
    shipping_cost,
    taxation,
)
from shopcms.tree.events import notify
from shopcms.web.clock import site_timezone
from shopcms.web.i18n import _, pick
from shopcms.web.layout import format_money
from shopcms.web.security import VIEW

#: The EU member states a parcel can be sent to (ISO 3166-1 alpha-2), Belgium first.
EU_COUNTRIES = (
    "BE", "NL", "LU", "FR", "DE", "AT", "BG", "CY", "CZ", "DK", "EE", "ES", "FI", "GR",
    "HR", "HU", "IE", "IT", "LT", "LV", "MT", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip

#: The checkout's value of ``payment`` for a saved payment method: ``saved:`` and its id.
SAVED_PAYMENT = "saved:"


def saved_details(request):
    """``(addresses, payment methods)`` the checkout may offer the requester: those saved
    on the logged-in account while it consents to keeping account data (payment methods
    only when their shop method is enabled and can pay with a saved method); otherwise
    none at all."""
    account = request.identity
    if account is None or not keeps_account_data(account.preferences):
        return (), ()
    enabled = methods(request.registry)
    usable = tuple(
        saved
        for saved in account.preferences.payment_methods
        if getattr(enabled.get(saved.method), "can_save", False)
    )
    return tuple(account.preferences.addresses), usable


class CheckoutProblem(Exception):
    """The order cannot be placed; ``message`` (translatable) says why to the customer."""

    def __init__(self, message: TranslationString):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Quote:
    """What an order of these lines costs: the lines, shipping and totals (VAT included,
    at the rates charged), their ``summary`` (``products.api.charge``: goods, shipping,
    totals) and the ``taxation`` they were charged under (scheme, country)."""

    lines: tuple
    shipping: dict
    totals: object
    summary: object
    taxation: object = BELGIAN
    outcome: object = None  # what the codes gave (orders.discounts)


@dataclass(frozen=True)
class Destination:
    """Where an order goes and who buys it, as far as VAT and shipping care: the delivery
    ``country`` and the ``taxation`` charged there."""

    country: str = "BE"
    taxation: object = BELGIAN


def destination(request, details=None):
    """The :class:`Destination` of checkout ``details`` (the validated form): its delivery
    country, and the business's VAT number when one was given (``details["vat_number"]``);
    without details, Belgium."""
    if not details:
        return Destination()
    country = details["delivery"]["country"]
    return Destination(
        country, taxation(request.registry.settings, country, details.get("vat_number"))
    )


def quote(request, cart, method, where=None, email=None):
    """The Quote of ``cart`` (``[(pid, qty)]``) shipped by ``method`` to ``where`` (a
    :class:`Destination`; None: Belgium, with Belgian VAT).

    Products the requester may not see (hidden, removed) are left out; raises CheckoutProblem
    when nothing is left, or when a line asks for more than the stock.  Each line's
    ``unit_price``, ``vat_rate`` and ``total`` are those charged (``products.api.charged``).
    """
    where = where or Destination()
    products = request.root["products"]
    found, short = [], []
    for pid, qty in cart:
        product = products.by_id(pid)
        if product is None or not request.has_permission(VIEW, product):
            continue
        title = pick(product.titles, request)[1] or product.__name__
        if qty > product.stock:
            short.append((title, product.stock))
        found.append((product, title, qty))
    if not found:
        raise CheckoutProblem(_("Your cart is empty."))
    if short:
        raise CheckoutProblem(
            _(
                "Sorry, not enough in stock: ${products}. Change your cart and try again.",
                mapping={"products": ", ".join(f"{title} ({n})" for title, n in short)},
            )
        )
    summed, outcome = discounts.charge_found(request, found, method, where, email)
    lines = tuple(
        {
            "pid": product.pid,
            "name": product.__name__,
            "sku": product.sku,
            "title": title,
            "qty": qty,
            "unit_price": line.unit_price,
            "vat_rate": line.vat_rate,
            "total": line.total,
            "discount": line.discount,
            "gift_card": product.gift_card,  # (giftcards.issuing issues its cards once paid)
        }
        for (product, title, qty), line in zip(found, summed.lines, strict=True)
    )
    shipping = {"method": method, "cost": summed.shipping, "vat_rate": summed.shipping_rate}
    return Quote(lines, shipping, summed.totals, summed, where.taxation, outcome)


# -- the form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutOptions:
    """What the checkout offers the requester (the form's schema is bound with it):
    ``shipping`` and ``payment``, sequences of :class:`~shopcms.orders.widgets.Choice`;
    ``addresses``, their saved addresses; ``can_keep``, whether "save my details" is
    offered (to a logged-in customer)."""

    shipping: tuple
    payment: tuple
    addresses: tuple = ()
    can_keep: bool = False


def options(request, cart):
    """The :class:`CheckoutOptions` of the requester with ``cart``: each shipping method
    with what the summary charges for it (after the codes' discounts: under the free
    delivery threshold, or free), the saved payment methods first, then the enabled ones."""
    shipping = []
    for name, title in SHIPPING_METHODS.items():
        try:
            cost = quote(request, cart, name).shipping["cost"]
        except CheckoutProblem:  # nothing to order: the page says so; the bare cost
            cost = shipping_cost(request.registry.settings, name, Decimal("0.00"))
        price = format_money(cost, request.locale_name) if cost else None
        shipping.append(Choice(name, title, price=price, free=not cost))
    addresses, saved = saved_details(request)
    payment = [
        Choice(SAVED_PAYMENT + method.id, describe_saved(request.registry, method), saved=True)
        for method in saved
    ]
    payment += [Choice(m.name, m.title) for m in methods(request.registry).values()]
    return CheckoutOptions(
        tuple(shipping), tuple(payment), addresses, can_keep=request.identity is not None
    )


def starting_values(request):
    """The form's values when it is first shown: a new one-time token, standard delivery,
    the first payment method, Belgium; for a logged-in customer their email, and while
    they keep their details the default saved address (with its name), phone and company."""
    contact, delivery, buyer = {}, {"country": "BE"}, {}
    account = request.identity
    if account is not None:
        contact["email"] = account.email
        addresses, _saved = saved_details(request)
        preferences = account.preferences
        default = next((a for a in addresses if a["id"] == preferences.default_address), None)
        if default is not None:
            delivery = {key: default[key] for key in ("street", "postcode", "city", "country")}
            contact["name"] = default["name"]
        if keeps_account_data(preferences) and preferences.phone:
            contact["phone"] = preferences.phone
        if keeps_account_data(preferences) and preferences.company:
            buyer = {"company": preferences.company, "vat_number": preferences.vat_number or None}
    return {
        "token": secrets.token_urlsafe(24),
        "contact": contact,
        "delivery": delivery,
        "shipping": "standard",
        "payment": next(iter(methods(request.registry))),
        **buyer,
    }


def saved_payment(request, value):
    """The requester's saved payment method named by the form's ``payment`` value, or None."""
    if not value.startswith(SAVED_PAYMENT):
        return None
    _addresses, saved = saved_details(request)
    return next((m for m in saved if m.id == value.removeprefix(SAVED_PAYMENT)), None)


@dataclass(frozen=True)
class Review:
    """What the review page shows of valid checkout ``details``: the ``quote``, the
    shipping method's title, the payment method and the saved method's description (or
    None), and whether the details will be kept."""

    quote: Quote
    shipping_title: object
    payment: object
    saved_payment: str | None
    keep_details: bool


def review(request, cart, details):
    """The :class:`Review` of ``details``; raises CheckoutProblem as :func:`quote` does."""
    saved, email = saved_payment(request, details["payment"]), details["contact"]["email"]
    method = saved.method if saved is not None else details["payment"]
    return Review(
        quote(request, cart, details["shipping"], destination(request, details), email),
        SHIPPING_METHODS[details["shipping"]],
        methods(request.registry)[method],
        describe_saved(request.registry, saved) if saved is not None else None,
        request.identity is not None and bool(details.get("keep_details")),
    )


# -- placing the order -------------------------------------------------------------------


def _address(value):
    """The address fields of the form's ``value`` (an address, or None)."""
    if not value:
        return None
    return {key: value[key] for key in ("street", "postcode", "city", "country")}


class OrderPlaced:
    """Sent when an order has been placed (in the transaction that places it)."""

    def __init__(self, order, request):
        self.order = order
        self.request = request


def place_order(request, cart, details, token):
    """Place the order for ``cart`` with the checkout ``details`` (the validated form).

    Returns ``(order, placed_now)``; the order already placed with ``token`` (the one-time
    token: a double click, a reload, a retry) is returned with ``placed_now`` False.
    Otherwise stock is decremented, a gift card spent, the order stored and OrderPlaced
    sent.  Raises CheckoutProblem (nothing changed) when the cart or the card cannot be used.
    """
    orders = request.root["orders"]
    existing = orders.for_token(token)
    if existing is not None:
        return existing, False
    email = details["contact"]["email"]
    priced = quote(request, cart, details["shipping"], destination(request, details), email)
    card = gift_cards.check(request, details, priced.totals.total, CheckoutProblem)
    used_by = discounts.count(request, priced, email, CheckoutProblem)
    products = request.root["products"]
    for line in priced.lines:
        products.by_id(line["pid"]).adjust_stock(-line["qty"])
    order = Order(
        lang=request.locale_name,
        customer=request.authenticated_userid,
        contact={k: details["contact"][k] for k in ("name", "email", "phone")},
        delivery=details["delivery"],
        billing=_address(details.get("billing")),
        lines=priced.lines,
        shipping=priced.shipping,
        totals=priced.totals,
        payment_method=gift_cards.payment_method(card, details["payment"]),
        checkout_token=token,
    )
    order.discounts = discounts.snapshot(priced, used_by)
    # A business buyer (orders.business): its VAT number's format, not checked with VIES.
    order.buyer_company = details.get("company") or None
    order.buyer_vat = details.get("vat_number") or None
    order.buyer_vat_status = business.FORMAT if order.buyer_vat else None
    # The VAT charged (products.pricing): its scheme and the country whose rates apply.
    order.vat_scheme, order.vat_country = priced.taxation.scheme, priced.taxation.country
    # To the second (the catalog keys orders' dates by minute: Order.index_dates_by_minute).
    order.created = order.modified = request.now.replace(microsecond=0)
    # The number's year is Brussels time: an order at 00:30 on 1 January is next year's.
    year = request.now.astimezone(site_timezone(request.registry)).year
    orders.place(order, year, registry=request.registry)
    order.gift_cards = gift_cards.spend(request, card, order.number)
    notify(OrderPlaced(order, request), request.registry)
    return order, True


def ask_newsletter(request, address):
    """The newsletter box was ticked: ask for a subscription of the order's ``address`` in
    the page's language (double opt-in: a mail to confirm follows).  It is linked to the
    logged-in customer's account only when that is the account's own address."""
    account = request.identity
    own = account is not None and account.email == address.strip().lower()
    # An address the form took but the newsletter cannot use: the order goes on (the
    # newsletter is never a condition of ordering), without a subscription.
    with contextlib.suppress(ValueError):
        newsletter.ask_subscription(
            request,
            request.root,
            address,
            request.locale_name,
            newsletter.CHECKOUT,
            account=account.__name__ if own else None,
        )


@dataclass(frozen=True)
class Placed:
    """The outcome of :func:`place_and_pay`: the ``order``, and ``target``, the payment
    provider's page to send the customer to (None: the order's confirmation page)."""

    order: Order
    target: str | None = None


def place_and_pay(request, cart, details):
    """Place the order of valid checkout ``details`` and start paying it.

    A saved payment method (``payment`` is ``saved:ID``) pays with its shop method.  Only
    for an order placed now (not a repeated token): the cart is emptied; with "save my
    details" ticked by a logged-in customer the consent is recorded and the details kept
    (and the method paid with, when it can be saved); with the newsletter box ticked a
    subscription is asked for (:func:`ask_newsletter`); then the method starts (``giftcard``
    when a gift card paid it all).  Raises CheckoutProblem (nothing changed) as placing does.
    """
    saved = saved_payment(request, details["payment"])
    if saved is not None:
        # The order names the shop's method; the saved method pays it.
        details = {**details, "payment": saved.method}
    order, placed_now = place_order(request, cart, details, details["token"])
    if not placed_now:
        return Placed(order)
    empty_cart(request)
    account = request.identity
    keep = account is not None and bool(details.get("keep_details"))
    if keep:
        preferences = account.preferences
        give_account_data(preferences, request.root, request.locale_name, request.now, "checkout")
        keep_checkout_details(preferences, {**details, **details["contact"]})
    if details.get("newsletter"):
        ask_newsletter(request, details["contact"]["email"])
    method = catalogue(request.registry)[order.payment_method]
    saved = saved if method.name == details["payment"] else None
    keep_for = account if keep and saved is None and method.can_save else None
    return Placed(order, method.start(request, order, saved=saved, keep_for=keep_for))
