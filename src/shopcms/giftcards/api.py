"""What other capabilities may use of the gift cards (the rest of the package is its own).

The checkout (orders) pays with a card: :func:`find` reads it (never writes),
:func:`covers` says what it would pay of an amount or why it cannot, :func:`spend` takes
that in the placing transaction (every change of one card conflicts with every other, so
two checkouts never spend the same euro: ``resources``), :func:`give_back` puts it back
when the order is cancelled or refunded, :func:`explain` tells a refusal in the visitor's
language.  An order keeps :func:`snapshot` of what each card paid: the card's key, its
last four characters and the amount, never the code.  Codes that match no card are
counted per client (:func:`guessed`): after :data:`GUESS_LIMIT` of them in
:data:`GUESS_WINDOW` seconds the checkout reads no code of that client for a while
(:func:`guessing`, reason :data:`GUESSING`), as the balance page does (``views.balance``).

Selling cards: a product page says how long a card is valid (:func:`valid_months`); a
paid order's cards are issued by ``issuing`` and listed by :func:`issued_for`; an order of
cards alone is then delivered by the order workflow's transition :data:`HAND_OVER`, which
the orders declare and ``issuing`` does (as :data:`ACTOR`).  The
account's page lists the cards an account :func:`bought_by`.
"""

from dataclasses import dataclass
from decimal import Decimal

from shopcms.giftcards.resources import BALANCE, EXPIRED, ZERO, GiftCardRefused
from shopcms.giftcards.validity import valid_months
from shopcms.web.i18n import _
from shopcms.web.layout import format_money
from shopcms.web.limits import Throttle, client

#: The order workflow's transition paid -> delivered of an order of gift cards alone: the
#: mail with the codes delivered everything it bought (``issuing``).
HAND_OVER = "hand-over"
#: Who does it, in the order's history (a title of the system's: ``web.actors``).
ACTOR = "system:giftcards"
#: Why a code cannot pay, besides those of ``resources`` (expired, balance too low).
UNKNOWN, EMPTY = "unknown", "empty"
#: Why a code is not even looked up: too many unknown codes from this client (:func:`guessing`).
GUESSING = "guessing"
#: Unknown codes a client may try at checkout in a window of seconds.  Guessing 80 random
#: bits is hopeless anyway (``codes``); this makes it slower still without ever stopping a
#: customer who typed their own code wrong a few times.
GUESS_LIMIT, GUESS_WINDOW = 10, 600
GUESSES = Throttle(GUESS_LIMIT, GUESS_WINDOW)
#: Salts the client's hash (``web.limits.client``): this limit joins no other.
_GUESS_PURPOSE = "shopcms.giftcards.guesses"

__all__ = [
    "ACTOR",
    "BALANCE",
    "EMPTY",
    "EXPIRED",
    "GUESSES",
    "GUESSING",
    "GUESS_WINDOW",
    "HAND_OVER",
    "UNKNOWN",
    "Coverage",
    "bought_by",
    "GiftCardRefused",
    "covers",
    "explain",
    "guessed",
    "guessing",
    "find",
    "give_back",
    "issued_for",
    "snapshot",
    "spend",
    "valid_months",
]


def _folder(site):
    return site.get("giftcards") if site is not None else None


def bought_by(site, account):
    """The cards account ``account`` (its id) bought, newest first: the account's page
    shows each one's ``last4``, ``value``, ``remaining`` and ``expires`` (never a code)."""
    folder = _folder(site)
    return folder.of_buyer(account) if folder is not None else []


def find(site, code):
    """The card with ``code`` as the customer typed it, or None (unknown, or not a code)."""
    folder = _folder(site)
    return folder.for_code(code) if folder is not None else None


@dataclass(frozen=True)
class Coverage:
    """What a card would pay of an amount now: ``card`` (None when unknown), ``pays`` (at
    most the amount and the balance), ``remaining`` (its balance before paying) and
    ``refused`` (None, or why it pays nothing: ``UNKNOWN``, ``EXPIRED``, ``EMPTY``)."""

    card: object
    pays: Decimal = ZERO
    remaining: Decimal = ZERO
    refused: str | None = None


def covers(site, code, amount, now):
    """The :class:`Coverage` of ``code`` for ``amount`` (Decimal euro) at ``now``."""
    card = find(site, code)
    if card is None:
        return Coverage(None, refused=UNKNOWN)
    if card.expired(now):
        return Coverage(card, remaining=card.remaining, refused=EXPIRED)
    if card.remaining <= 0:
        return Coverage(card, refused=EMPTY)
    return Coverage(card, min(Decimal(amount), card.remaining), card.remaining)


def spend(site, code, amount, order, now):
    """Take ``amount`` off the card with ``code`` for ``order`` (its number) in the
    request's transaction; returns the card.  Raises :class:`GiftCardRefused` (nothing
    changed) when it is unknown (reason ``UNKNOWN``), expired or holds less."""
    card = find(site, code)
    if card is None:
        raise GiftCardRefused(UNKNOWN)
    card.spend(amount, order, now)
    return card


def issued_for(site, number):
    """The cards order ``number`` bought (issued when it was paid), in their order; none
    before it is paid."""
    folder = _folder(site)
    return folder.issued_for(number) if folder is not None else []


def snapshot(card, amount):
    """What an order keeps of a card that paid ``amount`` of it."""
    return {"card": card.__name__, "last4": card.last4, "amount": Decimal(amount)}


def give_back(site, paid, order, now, amount=None):
    """Put back on their cards what ``paid`` (an order's snapshots) took for ``order`` (its
    number), or only ``amount`` of it (a partial refund: the last card first); returns
    what was put back.  A card deleted since is left alone."""
    folder = _folder(site)
    left = sum((p["amount"] for p in paid), ZERO) if amount is None else Decimal(amount)
    back = ZERO
    for payment in reversed(tuple(paid)):
        card = folder.get(payment["card"]) if folder is not None else None
        if card is None or left <= 0:
            continue
        given = card.give_back(min(left, payment["amount"]), order, now)
        left -= given
        back += given
    return back


def guessing(request):
    """Whether this request's client tried :data:`GUESS_LIMIT` unknown codes within the
    last :data:`GUESS_WINDOW` seconds (in memory, per process: ``web.limits``)."""
    return GUESSES.full(client(request, _GUESS_PURPOSE))


def guessed(request):
    """Count a code that matched no card against this request's client."""
    GUESSES.allow(client(request, _GUESS_PURPOSE))


def explain(request, reason, remaining=ZERO):
    """Why a code cannot pay (``reason``), in the visitor's language."""
    if reason == GUESSING:
        return _(
            "Too many gift card codes that we do not know were tried from this connection. "
            "Please wait ten minutes and try again."
        )
    if reason == EXPIRED:
        return _("This gift card has expired.")
    if reason == EMPTY:
        return _("This gift card has been spent entirely.")
    if reason == BALANCE:
        return _(
            "This gift card now holds only ${amount}.",
            mapping={"amount": format_money(remaining, request.locale_name)},
        )
    return _("We do not know this gift card code. Check it and try again.")
