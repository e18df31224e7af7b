"""Money: Decimal euro, VAT included, one rounding rule written down once.

Consumer prices include VAT.  A line total is the unit price times the quantity (exact: no
rounding needed).  The VAT contained in an amount at rate r % is amount * r / (100 + r),
rounded half up to the cent; the VAT of a cart or an order is computed per rate on the sum
of the line totals at that rate, so rounding happens once per rate, never per unit.

**Which VAT** (:func:`taxation`, a :class:`Taxation`): the scheme of an order follows its
delivery country and its buyer.

- ``reverse_charge``: a business buyer with a valid VAT number (python-stdnum: format and
  check digits) of another member state than Belgium, whose goods leave Belgium (delivered
  to another member state): an intra-Community supply, 0 % on every line and on shipping;
  the buyer accounts for the VAT (art. 138 and 196 of Directive 2006/112/EC).
- ``oss``: with ``shopcms.vat.oss`` on, a consumer (no such VAT number) delivered in another
  member state pays that country's rate for each product's VAT class
  (``products.vat_rates``: the seeded table and its ini overrides), declared through the
  One-Stop Shop.  ``vat_country`` is that country.
- ``domestic``: everything else (Belgian buyers, Belgian VAT numbers, any buyer while OSS is
  off): the products' Belgian rates.

**How a destination's rate changes a price** (:func:`charged`, the one function the cart,
the checkout, the order and so its page and mails use): every amount the shop is given (a
product's price, a shipping cost, for any country) is a Belgian consumer price, VAT included
at the Belgian rate.  Its net amount stays; the VAT added to it is the rate charged.  So a
French consumer pays net x 1.20 for a mug (13.50 / 1.21 x 1.20 = 13.39) and net x 1.10 for a
cactus (7.95 / 1.06 x 1.10 = 8.25), a Dutch business under reverse charge pays the net
(7.95 / 1.06 = 7.50), rounded half up to the cent per unit, so a line is still unit price
times quantity.  Why not the same gross price everywhere: the shop's revenue (the net) would
then depend on the buyer's country, and a business that deducts no VAT would be charged a
Belgian consumer's VAT as if it were price; the net is what the shop sells for, and the
law fixes the rest.  The free delivery threshold is compared with the goods at those Belgian
consumer prices, so a basket is shipped free or not whoever buys it.

Shipping (:func:`shipping_cost`): per delivery country, ``shopcms.shipping.XX.standard``,
``shopcms.shipping.XX.express`` and ``shopcms.shipping.XX.free_from`` (``XX`` an ISO code,
e.g. ``shopcms.shipping.NL.standard = 8.95``), each falling back to the shop-wide
``shopcms.shipping.standard`` (default 6.95), ``shopcms.shipping.express`` (12.95) and
``shopcms.shipping.free_from`` (50.00, on the goods total): Belgium's, and every country's
that has none of its own.  Shipping follows the goods for VAT: it is charged at the highest
VAT rate among the lines (Belgian practice for mixed supplies, the simple and safe side),
converted like a product of that rate.  :func:`charge` puts goods and shipping together
(and :func:`summary`, the same for lines already at Belgian prices): the cart page (with
Belgium's shipping and VAT until a delivery country is chosen), the checkout and the order
show what it gives, so every summary of the shop adds up the same way.

**Discounts** (``reductions`` of :func:`charge`, issue 19): each reduction (a discount
code's outcome, ``promotions.api``) gives an amount per line at Belgian consumer prices,
already rounded once per line, and may make shipping free.  A line's discount is converted
by :func:`charged` like its price, and is taken off the line's total before the VAT per rate
is computed: each rate's base and VAT are reduced in proportion to the goods at that rate.
Free delivery is judged on the goods after their discounts (what the customer pays for).

**Gift cards** (``products.giftcards``) are not shipped: an item of :func:`charge` may say
so (a fourth element, False).  Such items are left out of the goods that make delivery
free, and an order of nothing else is charged no shipping (nothing left for free delivery).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pyramid.settings import asbool
from stdnum.eu import vat as eu_vat

from shopcms.products import vat_rates
from shopcms.products.giftcards import shipped
from shopcms.web.i18n import _

CENT = Decimal("0.01")
ZERO_RATE = Decimal("0")

#: The shipping methods the shop offers, by name, with their titles.
SHIPPING_METHODS = {
    "standard": _("Standard delivery (2 to 4 working days)"),
    "express": _("Express delivery (next working day)"),
}

#: The VAT schemes of an order (``Order.vat_scheme``).
DOMESTIC, OSS, REVERSE_CHARGE = "domestic", "oss", "reverse_charge"
#: The country whose rates the products carry, where the shop is established.
HOME = "BE"


def vat_included(amount, rate):
    """The VAT contained in ``amount`` (VAT included) at ``rate`` percent."""
    return (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    total: Decimal
    vat_by_rate: tuple  # ((rate, vat), ...) highest rate first, only rates present

    @property
    def vat(self):
        return sum((vat for _rate, vat in self.vat_by_rate), Decimal("0.00"))


def totals(lines):
    """Totals of ``lines``: pairs ``(line_total, vat_rate)``."""
    by_rate = defaultdict(lambda: Decimal("0.00"))
    for amount, rate in lines:
        by_rate[rate] += amount
    total = sum(by_rate.values(), Decimal("0.00"))
    vat = tuple(
        (rate, vat_included(amount, rate)) for rate, amount in sorted(by_rate.items(), reverse=True)
    )
    return Totals(total, vat)


# -- which VAT ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Taxation:
    """The VAT an order is charged (see the module docstring): its ``scheme``, the
    ``country`` whose rates apply (``BE`` when domestic; the delivery country under OSS and
    under reverse charge, where the buyer accounts for it) and, under OSS, that country's
    ``rates`` (``((class, rate), ...)``)."""

    scheme: str = DOMESTIC
    country: str = HOME
    rates: tuple = ()

    def rate(self, belgian_rate):
        """The rate charged on goods whose Belgian rate is ``belgian_rate``."""
        if self.scheme == REVERSE_CHARGE:
            return ZERO_RATE
        if self.scheme == OSS:
            klass = vat_rates.vat_class(belgian_rate)
            return ZERO_RATE if klass == vat_rates.ZERO else dict(self.rates)[klass]
        return Decimal(belgian_rate)


#: Belgian VAT: what the cart shows until a delivery country is chosen.
BELGIAN = Taxation()


def oss_enabled(settings):
    """Whether ``shopcms.vat.oss`` is on (default off): consumers in other member states
    pay their own country's VAT."""
    return asbool(settings.get("shopcms.vat.oss", False))


def foreign_vat_country(vat_number):
    """The member state other than Belgium of ``vat_number`` when it is valid (format and
    check digits, python-stdnum), else None (missing, invalid, Belgian, not of the EU)."""
    if not vat_number:
        return None
    try:
        number = eu_vat.compact(vat_number)
    except Exception:  # noqa: BLE001 - stdnum raises its own errors for any odd input
        return None
    country = vat_rates.country_of_vat_prefix(number[:2])
    if country is None or country == HOME or not eu_vat.is_valid(number):
        return None
    return country


def taxation(settings, country, vat_number=None):
    """The :class:`Taxation` of an order delivered in ``country`` (ISO code) to a buyer
    with ``vat_number`` (a business's, or None): see the module docstring."""
    eu = country in vat_rates.seeded()["countries"]
    if eu and country != HOME and foreign_vat_country(vat_number) is not None:
        return Taxation(REVERSE_CHARGE, country)
    if eu and country != HOME and not vat_number and oss_enabled(settings):
        rates = vat_rates.country_rates(settings, country)
        return Taxation(OSS, country, tuple(sorted(rates.items())))
    return BELGIAN


def charged(amount, belgian_rate, taxation=BELGIAN):
    """``(amount, rate)`` charged for ``amount``, a Belgian consumer price (VAT included at
    ``belgian_rate``), under ``taxation``: the net stays, the VAT is the rate charged,
    rounded half up to the cent.  The one conversion of the shop (module docstring)."""
    belgian_rate = Decimal(belgian_rate)
    rate = taxation.rate(belgian_rate)
    if rate == belgian_rate:
        return amount, rate
    converted = amount * (100 + rate) / (100 + belgian_rate)
    return converted.quantize(CENT, rounding=ROUND_HALF_UP), rate


# -- shipping ----------------------------------------------------------------------------


#: The shop-wide shipping settings (``shopcms.shipping.NAME``) and their defaults.
SHIPPING_DEFAULTS = {"standard": "6.95", "express": "12.95", "free_from": "50.00"}


def _setting(settings, name, country=HOME):
    """Shipping setting ``name`` for ``country``: ``shopcms.shipping.XX.NAME`` (the code in
    either case), else the shop-wide ``shopcms.shipping.NAME``, else its default."""
    value = None
    for code in (country.upper(), country.lower()):
        value = settings.get(f"shopcms.shipping.{code}.{name}")
        if value is not None and str(value).strip():
            break
    else:
        value = settings.get(f"shopcms.shipping.{name}", SHIPPING_DEFAULTS[name])
    return Decimal(str(value).strip()).quantize(CENT)


def free_delivery_from(settings, country=HOME):
    """The goods total (Belgian consumer prices) from which standard delivery to
    ``country`` is free."""
    return _setting(settings, "free_from", country)


def shipping_cost(settings, method, goods_total, country=HOME):
    """What shipping ``method`` to ``country`` costs for goods of ``goods_total`` (both as
    Belgian consumer prices: :func:`charged` converts the cost like the goods); ValueError
    for a method the shop does not offer."""
    if method not in SHIPPING_METHODS:
        raise ValueError(f"unknown shipping method {method!r}")
    if method == "standard":
        if goods_total >= free_delivery_from(settings, country):
            return Decimal("0.00")
        return _setting(settings, "standard", country)
    return _setting(settings, "express", country)


def check_settings(settings):
    """Raise ValueError for a shipping or VAT setting the shop cannot use (called when the
    application starts: a wrong price must not be charged silently)."""
    vat_rates.check_settings(settings)
    for key, value in settings.items():
        if key.startswith("shopcms.shipping.") and key.rsplit(".", 1)[1] in SHIPPING_DEFAULTS:
            try:
                Decimal(str(value).strip()).quantize(CENT)
            except ArithmeticError:
                raise ValueError(f"{key}: {value!r} is not an amount in euro") from None


# -- goods and shipping together -----------------------------------------------------------


@dataclass(frozen=True)
class Charged:
    """One line as charged: ``unit_price`` and ``total`` (``unit_price * qty``) VAT included
    at ``vat_rate``, the rate charged."""

    unit_price: Decimal
    qty: int
    vat_rate: Decimal
    total: Decimal
    discount: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Reduced:
    """A reduction as charged: its ``label`` (what the reduction gave as such: the code
    and its names), its ``amount`` and ``by_rate`` (``((rate, amount), ...)``, highest rate
    first), and whether it made shipping free."""

    label: object
    amount: Decimal
    by_rate: tuple
    free_shipping: bool = False


@dataclass(frozen=True)
class Summary:
    """What lines of goods cost shipped by ``method`` to ``country`` under ``taxation``:
    ``lines`` (each :class:`Charged`), ``goods`` (their total), ``shipping`` (its cost) at
    ``shipping_rate``, ``totals`` (all of it, VAT per rate) and ``left_for_free`` (how much
    more goods, at Belgian consumer prices, make standard delivery free; 0 once they do)."""

    method: str
    goods: Decimal
    shipping: Decimal
    shipping_rate: Decimal
    totals: Totals
    left_for_free: Decimal
    lines: tuple = ()
    country: str = HOME
    taxation: Taxation = field(default=BELGIAN)
    reductions: tuple = ()
    #: Whether anything is shipped (not when the lines are all gift cards).
    ships: bool = True

    @property
    def discount(self):
        """The discount on the goods, all reductions together."""
        return sum((reduced.amount for reduced in self.reductions), Decimal("0.00"))


def charge(settings, items, method="standard", country=HOME, taxation=BELGIAN, reductions=()):
    """The :class:`Summary` of ``items`` (triples ``(unit_price, qty, vat_rate)`` at Belgian
    consumer prices, at least one; a fourth element False: not shipped, a gift card)
    shipped by ``method`` to ``country`` under ``taxation`` (:func:`taxation`): each unit
    and the shipping cost converted by :func:`charged`.

    ``reductions``: discounts (module docstring), each with ``amounts`` (one per item, at
    Belgian consumer prices), ``free_shipping`` and a ``label`` the summary keeps."""
    lines, catalog_goods, belgian_rates = [], Decimal("0.00"), []
    discounts = [Decimal("0.00")] * len(items)
    reduced, ships = [], shipped(items)
    for reduction in reductions:
        by_rate = defaultdict(lambda: Decimal("0.00"))
        for index, (amount, (_unit, _qty, rate, *_more)) in enumerate(
            zip(reduction.amounts, items, strict=True)
        ):
            converted, charged_rate = charged(amount, rate, taxation)
            discounts[index] += converted
            catalog_goods -= amount if ships[index] else 0
            if converted:
                by_rate[charged_rate] += converted
        reduced.append(
            Reduced(
                reduction.label,
                sum(by_rate.values(), Decimal("0.00")),
                tuple(sorted(by_rate.items(), reverse=True)),
                reduction.free_shipping,
            )
        )
    for (unit_price, qty, rate, *_more), discount, ship in zip(
        items, discounts, ships, strict=True
    ):
        unit, charged_rate = charged(unit_price, rate, taxation)
        lines.append(Charged(unit, qty, charged_rate, unit * qty, discount))
        if ship:
            catalog_goods += unit_price * qty
            belgian_rates.append(Decimal(rate))
    # Nothing to ship (gift cards only): no shipping, nothing left for free delivery.
    free = any(reduction.free_shipping for reduction in reductions) or not belgian_rates
    cost = Decimal("0.00") if free else shipping_cost(settings, method, catalog_goods, country)
    left_for_free = max(free_delivery_from(settings, country) - catalog_goods, Decimal("0.00"))
    shipping, shipping_rate = charged(cost, max(belgian_rates, default=ZERO_RATE), taxation)
    by_rate = [(line.total - line.discount, line.vat_rate) for line in lines]
    return Summary(
        method=method,
        goods=sum((line.total for line in lines), Decimal("0.00")),
        shipping=shipping,
        shipping_rate=shipping_rate,
        totals=totals([*by_rate, (shipping, shipping_rate)]),
        left_for_free=Decimal("0.00") if free else left_for_free,
        lines=tuple(lines),
        country=country,
        taxation=taxation,
        reductions=tuple(reduced),
        ships=bool(belgian_rates),
    )


def summary(settings, lines, method="standard"):
    """The :class:`Summary` of ``lines`` (pairs ``(line_total, vat_rate)`` at Belgian
    consumer prices, at least one) shipped by ``method`` to Belgium, with Belgian VAT."""
    return charge(settings, [(total, 1, rate) for total, rate in lines], method)
