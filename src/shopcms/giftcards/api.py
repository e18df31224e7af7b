"""What other capabilities may use of the gift cards (the rest of the package is its own).

The checkout (orders) pays with a card: :func:`find` reads it (never writes),
:func:`covers` says what it would pay of an amount or why it cannot, :func:`spend` takes
that in the placing transaction (every change of one card conflicts with every other, so
two checkouts never spend the same euro: ``resources``), :func:`give_back` puts it back
when the order is cancelled or refunded, :func:`explain` tells a refusal in the visitor's
language.  An order keeps :func:`snapshot` of what each card paid: the card's key, its
last four characters and the amount, never the code.

Selling cards: a product page says how long a card is valid (:func:`valid_months`); a
paid order's cards are issued by ``issuing`` and listed by :func:`issued_for`.  The
account's page lists the cards an account :func:`bought_by`.
"""

from dataclasses import dataclass
from decimal import Decimal

from shopcms.giftcards.resources import BALANCE, EXPIRED, ZERO, GiftCardRefused
from shopcms.giftcards.validity import valid_months
from shopcms.web.i18n import _
from shopcms.web.layout import format_money

#: Why a code cannot pay, besides those of ``resources`` (expired, balance too low).
UNKNOWN, EMPTY = "unknown", "empty"

__all__ = [
    "BALANCE",
    "EMPTY",
    "EXPIRED",
    "UNKNOWN",
    "Coverage",
    "bought_by",
    "GiftCardRefused",
    "covers",
    "explain",
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


def explain(request, reason, remaining=ZERO):
    """Why a code cannot pay (``reason``), in the visitor's language."""
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
