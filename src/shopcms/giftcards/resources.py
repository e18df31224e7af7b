"""Gift cards as records: the site's ``giftcards`` folder and each :class:`GiftCard`.

::

    Site/giftcards/              GiftCards: the digest key, the cards by buyer
      <digest of the code>       GiftCard: value, expiry, who bought it with which order;
                                 its balance and movements on a record of its own

The card's balance is on a :class:`Balance` of its own, a plain persistent record whose
every change conflicts with any other change of the same card: two checkouts spending the
last euros of one card conflict, pyramid_retry replays one, and the replayed one reads the
balance the other left (the same reasoning as the promotions' ``Uses``; a blind-merging
counter would let both through).  Different cards never conflict with each other, and
showing a card never writes.

Money is Decimal euro.  A card is a *multi-purpose* voucher in the sense of the VAT
directive (art. 30a and 30b, from directive (EU) 2016/1065, applied in Belgium since
2019): when it is sold neither the VAT due nor always the country of delivery is known
(the shop sells goods at 6 % and 21 % and delivers across the EU), so selling it charges
no VAT and spending it is a payment of the order it pays, whose goods carry their VAT.
"""

import secrets
from decimal import Decimal

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from shopcms.giftcards import codes
from shopcms.tree.resources import Content, Folder

ZERO = Decimal("0.00")

#: The kinds of a balance movement.
ISSUED, SPENT, GIVEN_BACK = "issued", "spent", "given_back"


class GiftCardRefused(Exception):
    """The card cannot pay this: ``reason`` is one of ``EXPIRED``, ``BALANCE``."""

    def __init__(self, reason, remaining=ZERO):
        super().__init__(reason)
        self.reason = reason
        self.remaining = remaining


EXPIRED, BALANCE = "expired", "balance"


class Balance(Persistent):
    """What is left on a card and how it got there: ``remaining`` and ``movements``, a
    tuple of ``(when, kind, amount, order number)`` replaced by each change (see the
    module: every change of one card conflicts with every other)."""

    def __init__(self, amount, when):
        self.remaining = amount
        self.movements = ((when, ISSUED, amount, None),)

    def move(self, when, kind, delta, order):
        self.remaining += delta
        self.movements = (*self.movements, (when, kind, delta, order))


class GiftCard(Content):
    """One gift card (see the module).  ``value`` is what it was sold for; ``expires`` an
    aware datetime (the end of its last valid day, in the shop's time zone); ``order``
    the number of the order that bought it, ``buyer`` that order's account (None: a
    guest), ``lang`` the language it was sold in; ``last4`` what is shown of its code."""

    content_type = "giftcard"
    #: The card's place among those of its order (``codes.derive``).
    index = 0

    def __init__(self, value, expires, *, last4, order=None, buyer=None, lang="nl", when):
        super().__init__()
        self.value = Decimal(value)
        self.expires = expires
        self.last4 = last4
        self.order = order
        self.buyer = buyer
        self.lang = lang
        self.balance = Balance(self.value, when)

    @property
    def remaining(self):
        return self.balance.remaining

    @property
    def movements(self):
        return self.balance.movements

    def expired(self, now):
        return now > self.expires

    def spend(self, amount, order, now):
        """Take ``amount`` off the balance for ``order`` (its number).  Raises
        :class:`GiftCardRefused` (nothing changed) when the card has expired or holds
        less; the caller's transaction conflicts with any other change of this card."""
        amount = Decimal(amount)
        if amount <= 0:
            raise ValueError("a gift card pays a positive amount")
        if self.expired(now):
            raise GiftCardRefused(EXPIRED, self.remaining)
        if amount > self.remaining:
            raise GiftCardRefused(BALANCE, self.remaining)
        self.balance.move(now, SPENT, -amount, order)

    def give_back(self, amount, order, now):
        """Put ``amount`` back on the card (an order it paid was cancelled or refunded),
        also after its expiry (the customer asked for their money back: the shop keeps
        nothing it did not sell); never above what was spent for ``order``."""
        amount = Decimal(amount)
        spent = -sum((d for _w, kind, d, o in self.movements if o == order and kind == SPENT), ZERO)
        back = sum(
            (d for _w, kind, d, o in self.movements if o == order and kind == GIVEN_BACK), ZERO
        )
        amount = min(amount, spent - back)
        if amount > 0:
            self.balance.move(now, GIVEN_BACK, amount, order)
        return max(amount, ZERO)


class GiftCards(Folder):
    """The gift cards, keyed by the digest of their code (``giftcards.codes``)."""

    content_type = "giftcards"
    #: order number -> tuple of the keys of the cards it bought (``giftcards.issuing``); a
    #: class default for a folder made before it (given one at its first sale).
    by_order = None

    def __init__(self):
        super().__init__()
        self.setup()

    def setup(self):
        #: The key of the codes' digests: random, kept here (not the site's secret, so a
        #: new ``shopcms.secret`` does not lose every card).
        self.key = secrets.token_bytes(32)
        #: account id -> tuple of the digests of the cards it bought, oldest first.
        self.by_buyer = OOBTree()
        self.by_order = OOBTree()

    def key_of(self, code):
        """The folder key of ``code`` as typed, or None when it cannot be a code."""
        normal = codes.normalise(code)
        return codes.digest(self.key, normal) if normal else None

    def for_code(self, code):
        """The card with ``code`` (as typed: any case, spaces and dashes), or None."""
        key = self.key_of(code)
        return self.get(key) if key else None

    def issue(self, value, expires, *, order, buyer, lang, now, code=None, index=0, registry=None):
        """A new card of ``value``: ``(card, code)``.  ``code`` is the card's code (one
        ``codes.derive`` made for card ``index`` of ``order``), or None for a random one;
        it is returned and never stored (see ``giftcards.codes``).  ValueError when a card
        with that code exists."""
        while code is None:
            candidate = codes.new_code()
            code = candidate if self.key_of(candidate) not in self else None
        key = self.key_of(code)
        if key in self:
            raise ValueError("a gift card with this code exists")
        card = GiftCard(
            value, expires, last4=codes.last4(code), order=order, buyer=buyer, lang=lang, when=now
        )
        card.index = index
        card.created = card.modified = now
        self.add(key, card, registry=registry)
        if buyer:
            self.by_buyer[buyer] = (*self.by_buyer.get(buyer, ()), key)
        return card, code

    def record_issued(self, order, keys):
        """Remember that order number ``order`` bought the cards of ``keys``."""
        if self.by_order is None:
            self.by_order = OOBTree()
        self.by_order[order] = tuple(keys)

    def issued_for(self, order):
        """The cards order number ``order`` bought, in their order (none before it was
        paid; a card deleted since is left out)."""
        keys = self.by_order.get(order, ()) if self.by_order is not None else ()
        return [self[key] for key in keys if key in self]

    def of_buyer(self, buyer):
        """The cards account ``buyer`` bought, newest first."""
        return [self[key] for key in reversed(self.by_buyer.get(buyer, ())) if key in self]
