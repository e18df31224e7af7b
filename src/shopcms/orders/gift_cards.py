"""Paying an order with a gift card (``giftcards.api``): the one place orders meet them.

One card per order (the checkout's "Gift card code" field).  The review shows what the
card would pay (:func:`assess`: at most the total and its balance) and what is left to pay
with the chosen method; its place form carries that amount (``gift_card_pays``, hidden).
Placing the order reads the card again in the placing transaction (:func:`check`) and
places nothing when it now pays another amount (spent meanwhile by a parallel checkout,
expired) or when the posted amount is not the one it pays: the posted amount is only
compared, never charged, so tampering with it changes nothing but a refusal.  Then
:func:`spend` takes the amount off the card's balance in the same transaction (two
checkouts spending one card conflict: ``giftcards.resources``) and the order keeps its
snapshot (``Order.gift_cards``: the card's key, its last four characters and the amount,
no personal data).  A card paying the whole total pays the order alone: its method is
:data:`METHOD` (``orders.payments.giftcard``), whatever the customer chose.  Every payment
path then asks ``Order.due`` (the total less what the cards paid).

Giving back: a cancelled order gives the cards' amounts back (``Order.transition``); a
refund (:func:`refund_split`) pays back the money paid by the other method first, up to
what that method paid, and puts the rest back on the card (the last card first); a full
refund gives everything back.  :func:`give_back` does it and says what went on which card.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from shopcms.giftcards import api as giftcards
from shopcms.web.i18n import _
from shopcms.web.layout import format_money

ZERO = Decimal("0.00")
#: The payment method of an order a gift card paid entirely.
METHOD = "giftcard"


@dataclass(frozen=True)
class CardPayment:
    """What the card with ``code`` (as typed) pays of an order's ``total``: ``last4``,
    ``pays``, ``due`` (left to pay with the chosen method) and ``refused`` (None, or why it
    pays nothing, in the visitor's language); ``card`` is the card (None when unknown)."""

    code: str
    total: Decimal
    card: object = None
    pays: Decimal = ZERO
    refused: object = None
    #: Refused without being read: too many unknown codes from this client (a 429).
    limited: bool = False

    @property
    def last4(self):
        return self.card.last4 if self.card is not None else ""

    @property
    def due(self):
        return self.total - self.pays

    @property
    def whole(self):
        """Whether the card pays the whole total (no other method is needed)."""
        return self.refused is None and self.due <= 0


def assess(request, code, total):
    """The :class:`CardPayment` of ``code`` for ``total``, or None without a code.  Never
    writes to the database; an unknown code counts against the client, and a client over
    the limit has no code read (``giftcards.api.guessing``)."""
    code = (code or "").strip()
    if not code:
        return None
    total = Decimal(total)
    if giftcards.guessing(request):
        why = giftcards.explain(request, giftcards.GUESSING)
        return CardPayment(code, total, refused=why, limited=True)
    coverage = giftcards.covers(request.root, code, total, request.now)
    if coverage.refused == giftcards.UNKNOWN:
        giftcards.guessed(request)
    if coverage.refused is not None:
        why = giftcards.explain(request, coverage.refused, coverage.remaining)
        return CardPayment(code, total, coverage.card, refused=why)
    return CardPayment(code, total, coverage.card, coverage.pays)


def refusing(response, paying):
    """Make ``response`` the answer to a review whose card ``paying`` was refused: 400, or
    429 with ``Retry-After`` when the client is over the limit of unknown codes."""
    response.status = 429 if paying.limited else 400
    if paying.limited:
        response.headers["Retry-After"] = str(giftcards.GUESS_WINDOW)


def expected(value):
    """The amount the review's place form posted (``gift_card_pays``), or None."""
    try:
        amount = Decimal(str(value or "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def check(request, details, total, problem):
    """The card of checkout ``details`` for ``total`` in the placing transaction, or None
    without a code; raises ``problem`` (the checkout's CheckoutProblem, nothing written)
    when it cannot pay or pays another amount than the review showed (see the module)."""
    paying = assess(request, details.get("gift_card"), total)
    if paying is None:
        return None
    if paying.refused is not None:
        reason = paying.refused
    elif paying.pays != expected(details.get("gift_card_pays")):
        reason = _(
            "Your gift card •••• ${last4} now pays ${amount} of this order.",
            mapping={
                "last4": paying.last4,
                "amount": format_money(paying.pays, request.locale_name),
            },
        )
    else:
        return paying
    raise problem(
        _(
            "${reason} Your order was not placed: review it again.",
            mapping={"reason": request.localizer.translate(reason)},
        )
    )


def payment_method(paying, chosen):
    """The order's payment method: :data:`METHOD` when the card pays it all."""
    return METHOD if paying is not None and paying.whole else chosen


def spend(request, paying, number):
    """Take what ``paying`` pays off its card for order ``number``; the order's
    ``gift_cards`` (a tuple of ``giftcards.api.snapshot``)."""
    if paying is None or paying.pays <= 0:
        return ()
    card = giftcards.spend(request.root, paying.code, paying.pays, number, request.now)
    return (giftcards.snapshot(card, paying.pays),)


def paid(order):
    """What the gift cards paid of ``order``."""
    return sum((Decimal(p["amount"]) for p in getattr(order, "gift_cards", ())), ZERO)


def cancelled(site, order, now):
    """Give back on their cards all that ``order``'s cards paid and no refund put back
    (a cancelled or fully refunded order); what was put back."""
    if not order.gift_cards:
        return ZERO
    return giftcards.give_back(site, order.gift_cards, order.number, now)


# -- refunds -------------------------------------------------------------------------------


def put_back(order):
    """``{card key: amount}`` the order's refunds put back on its cards."""
    done = {}
    for refund in order.refunds:
        for part in getattr(refund, "gift_cards", ()):
            done[part["card"]] = done.get(part["card"], ZERO) + Decimal(part["amount"])
    return done


def refund_split(order, total):
    """How a refund of ``total`` is paid back: ``(money, cards)``, the money paid back by
    the order's method (first, up to what it paid and earlier refunds did not pay back)
    and the parts put back on the cards (``({"card", "last4", "amount"}, ...)``, the last
    card first, each up to what it paid less what refunds put back); what no card can take
    any more is paid back as money."""
    total = Decimal(total)
    money = max(ZERO, min(total, money_left(order)))
    left, done, parts = total - money, put_back(order), []
    for snap in reversed(tuple(order.gift_cards)):
        share = min(left, Decimal(snap["amount"]) - done.get(snap["card"], ZERO))
        if share > 0:
            parts.append({"card": snap["card"], "last4": snap["last4"], "amount": share})
            left -= share
    return money + left, tuple(parts)


def money_left(order):
    """What of the money the order's method paid no refund has paid back yet."""
    return order.due - sum((r.total - refund_card_part(r) for r in order.refunds), ZERO)


def refund_card_part(refund):
    """What ``refund`` put back on gift cards (0 for a refund before issue 19)."""
    return sum((Decimal(p["amount"]) for p in getattr(refund, "gift_cards", ())), ZERO)


def give_back(request, order, parts):
    """Put ``parts`` (of :func:`refund_split`) back on their cards for ``order``."""
    for part in parts:
        giftcards.give_back(request.root, (part,), order.number, request.now, amount=part["amount"])
