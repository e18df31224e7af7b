"""Placing an order: from the visitor's cart and the checkout form to a stored Order.

Everything that is charged is computed here from the products and the settings: the
client sends product ids and quantities (its cart) and its choices, never a price, a total
or a shipping cost.  Stock is checked and decremented in the same transaction; a product is
a plain persistent object, so two checkouts that change the same stock conflict and one of
them is replayed by pyramid_retry with fresh data: stock never goes below zero.

Shipping: ``standard`` costs ``shopcms.shipping.standard`` (default 6.95) and is free from
``shopcms.shipping.free_from`` (default 50.00, on the goods total); ``express`` costs
``shopcms.shipping.express`` (default 12.95).  Shipping follows the goods for VAT: it is
charged at the highest VAT rate among the order's lines (Belgian practice for mixed
supplies, the simple and safe side).
"""

from dataclasses import dataclass
from decimal import Decimal

from pyramid.i18n import TranslationString

from shopcms.orders.payments import methods
from shopcms.orders.resources import Order
from shopcms.privacy.account_data import keeps_account_data
from shopcms.products.api import totals
from shopcms.tree.events import notify
from shopcms.web.clock import site_timezone
from shopcms.web.i18n import _, pick
from shopcms.web.security import VIEW

SHIPPING_METHODS = {
    "standard": _("Standard delivery (2 to 4 working days)"),
    "express": _("Express delivery (next working day)"),
}

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
    """What an order of these lines costs: the lines, shipping and totals (VAT included)."""

    lines: tuple
    shipping: dict
    totals: object


def _money(settings, name, default):
    return Decimal(str(settings.get(f"shopcms.shipping.{name}", default))).quantize(Decimal("0.01"))


def shipping_cost(settings, method, goods_total):
    if method not in SHIPPING_METHODS:
        raise ValueError(f"unknown shipping method {method!r}")
    if method == "standard":
        if goods_total >= _money(settings, "free_from", "50.00"):
            return Decimal("0.00")
        return _money(settings, "standard", "6.95")
    return _money(settings, "express", "12.95")


def quote(request, cart, method):
    """The Quote of ``cart`` (``[(pid, qty)]``) shipped by ``method``.

    Products the requester may not see (hidden, removed) are left out; raises CheckoutProblem
    when nothing is left, or when a line asks for more than the stock.
    """
    products = request.root["products"]
    lines, short = [], []
    for pid, qty in cart:
        product = products.by_id(pid)
        if product is None or not request.has_permission(VIEW, product):
            continue
        title = pick(product.titles, request)[1] or product.__name__
        if qty > product.stock:
            short.append((title, product.stock))
        lines.append(
            {
                "pid": product.pid,
                "name": product.__name__,
                "sku": product.sku,
                "title": title,
                "qty": qty,
                "unit_price": product.price,
                "vat_rate": product.vat_rate,
                "total": product.price * qty,
            }
        )
    if not lines:
        raise CheckoutProblem(_("Your cart is empty."))
    if short:
        raise CheckoutProblem(
            _(
                "Sorry, not enough in stock: ${products}. Change your cart and try again.",
                mapping={"products": ", ".join(f"{title} ({n})" for title, n in short)},
            )
        )
    goods = sum((line["total"] for line in lines), Decimal("0.00"))
    rate = max(line["vat_rate"] for line in lines)
    cost = shipping_cost(request.registry.settings, method, goods)
    shipping = {"method": method, "cost": cost, "vat_rate": rate}
    summed = totals([(line["total"], line["vat_rate"]) for line in lines] + [(cost, rate)])
    return Quote(tuple(lines), shipping, summed)


class OrderPlaced:
    """Sent when an order has been placed (in the transaction that places it)."""

    def __init__(self, order, request):
        self.order = order
        self.request = request


def place_order(request, cart, details, token):
    """Place the order for ``cart`` with the checkout ``details`` (the validated form).

    Returns ``(order, placed_now)``.  ``token`` is the checkout's one-time token: if an
    order was already placed with it (a double click, a reload, a retry after a lost
    answer), that order is returned with ``placed_now`` False and nothing else happens.
    Otherwise stock is decremented, the order stored and OrderPlaced sent.  Raises
    CheckoutProblem (nothing changed) when the cart cannot be ordered.
    """
    orders = request.root["orders"]
    existing = orders.for_token(token)
    if existing is not None:
        return existing, False
    priced = quote(request, cart, details["shipping"])
    products = request.root["products"]
    for line in priced.lines:
        products.by_id(line["pid"]).adjust_stock(-line["qty"])
    order = Order(
        lang=request.locale_name,
        customer=request.authenticated_userid,
        contact={k: details[k] for k in ("name", "email", "phone")},
        delivery=details["delivery"],
        billing=details.get("billing"),
        lines=priced.lines,
        shipping=priced.shipping,
        totals=priced.totals,
        payment_method=details["payment"],
        checkout_token=token,
    )
    order.created = order.modified = request.now
    # The year of the number is Brussels time: an order at 00:30 on 1 January is next year's.
    year = request.now.astimezone(site_timezone(request.registry)).year
    orders.place(order, year, registry=request.registry)
    notify(OrderPlaced(order, request), request.registry)
    return order, True
