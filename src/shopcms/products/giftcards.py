"""Products that are gift cards (issue 19): buying one sends a gift card of its price by
mail (``giftcards``: the card is issued when the order is paid).

A gift card product (``Product.gift_card``) is a *multi-purpose voucher* (VAT directive
2006/112/EC art. 30a-30b as amended by directive 2016/1065; Belgian VAT code art. 18/1):
its sale is not a supply of goods, so it carries no VAT (its rate must be 0 %: the desk
refuses another, :func:`check_rate`); the VAT is due on what it pays for when it is spent.

It is not shipped:

- **Stock**: a gift card's stock never limits its sale.  While a product is a gift card its
  stock record is :data:`ALWAYS`, a value that is always :data:`AVAILABLE` and that no
  write changes: every writer of the stock (the checkout's decrement, a cancelled order's
  give-back, the desk) goes through ``Product.set_stock``, which finds nothing to write.
  So the checkout's stock check passes, nothing is decremented, nothing conflicts, and the
  product is always "in stock" (no back-in-stock form).  Made an ordinary product again,
  it starts from a stock of 0.
- **Shipping**: ``pricing.charge`` charges no shipping for an order of gift cards only and
  leaves them out of the goods that make delivery free (:func:`shipped`).
- **Promotions**: a gift card line is never reduced (``promotions.api.Line.gift_card``).
"""

from decimal import Decimal

from shopcms.products.events import stock_change
from shopcms.products.stock import FEW_LEFT, Stock
from shopcms.web.i18n import _

#: The stock a gift card shows everywhere the number is read (the checkout's check, the
#: desk): the most a desk's form accepts, so the form stays valid when saved.
AVAILABLE = 1_000_000

RATE = Decimal("0")

RATE_REFUSED = _(
    "A gift card is a multi-purpose voucher: it is sold without VAT (the VAT is due when it "
    "is spent). Choose 0 %."
)


class AlwaysAvailable:
    """The stock of a gift card: always :data:`AVAILABLE`, and writing it changes nothing
    (see the module).  Stored in the product's record; it holds no state."""

    __slots__ = ()

    @property
    def value(self):
        return AVAILABLE

    @value.setter
    def value(self, _ignored):
        pass  # a gift card's stock is not counted (see the module)

    def __reduce__(self):
        return (AlwaysAvailable, ())


ALWAYS = AlwaysAvailable()


def is_gift_card(product):
    """Whether ``product`` is a gift card (products stored before have the class default)."""
    return bool(getattr(product, "gift_card", False))


def check_rate(gift_card, rate):
    """The refusal (a message) of a gift card at VAT ``rate`` (Decimal), or None."""
    return RATE_REFUSED if gift_card and Decimal(rate) != RATE else None


def set_gift_card(product, gift_card):
    """Make ``product`` a gift card (or an ordinary product again): its stock as the module
    says.  Becoming a gift card, a product that was out of stock is available again (the
    products' ``StockReturned`` is sent, as for any stock that comes back)."""
    gift_card = bool(gift_card)
    if gift_card == is_gift_card(product):
        return
    product._p_activate()
    if gift_card:
        with stock_change(product, AVAILABLE):
            product.stock_record = ALWAYS
        product.gift_card = True
        product.shown = FEW_LEFT + 1
    else:
        product.gift_card = False
        product.stock_record = Stock(0)
        product.shown = 0
    product.touch()


def shipped(items):
    """Which of ``items`` (``pricing.charge``'s: ``(unit_price, qty, vat_rate)``, or with a
    fourth element, False for a line that is not shipped: a gift card) are shipped."""
    return [len(item) < 4 or bool(item[3]) for item in items]


def charge_item(product, qty):
    """The ``pricing.charge`` item of ``qty`` of ``product`` (gift cards not shipped)."""
    return (product.price, qty, product.vat_rate, not is_gift_card(product))
