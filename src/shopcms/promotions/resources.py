"""Promotions as content: the site's ``promotions`` folder and each :class:`Promotion`.

::

    Site/promotions/             Promotions
      <code, lower case>         Promotion: the code, its names per language, what it
                                 gives, to what, when, how often; its uses (attributes)

A promotion is found by its code in any case (``Promotions.for_code``): the folder keys
them by the code in lower case, so two codes that differ only in case cannot exist.  An
automatic promotion (``automatic``: without a code, percentage or amount off each unit,
applied to every cart it concerns) is keyed ``auto.N`` (:data:`AUTOMATIC`: a dot, which no
code has), so :meth:`Promotions.automatic` finds them all by a range of keys, reading the
folder's tree only where they are (pages that show prices read it: ``automatic``).

The uses are counted on records of the promotion's own, never on the promotion itself, so
editing a code never conflicts with a checkout using it, and two codes never conflict with
each other: ``uses`` (a :class:`Uses`, a plain persistent counter: two checkouts taking
the last use conflict and one is replayed by pyramid_retry, which then sees the use
taken; a blind-merging ``BTrees.Length`` would let both through) and ``by_customer``
(an OOBTree of ``customer key -> uses``, the key ``account:ID`` or ``email:ADDRESS``: the
same customer in two checkouts writes one key, which conflicts; different customers merge).
The customer keys are personal data (``promotions.privacy``).
"""

import re
from decimal import Decimal

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from shopcms.tree.resources import Content, Folder, Translations

#: What a promotion gives.
PERCENT, AMOUNT, FREE_SHIPPING = "percent", "amount", "free_shipping"
KINDS = (PERCENT, AMOUNT, FREE_SHIPPING)
#: To what it applies.
ALL, CATEGORIES, PRODUCTS = "all", "categories", "products"
SCOPES = (ALL, CATEGORIES, PRODUCTS)
#: A code as customers type it: letters, digits and dashes.
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,31}$")
ZERO = Decimal("0.00")
#: The keys of automatic promotions start with this (and sort before ``AUTOMATIC_END``).
AUTOMATIC, AUTOMATIC_END = "auto.", "auto/"


def code_key(code):
    """The folder key of ``code``: stripped, in lower case."""
    return (code or "").strip().lower()


def customer_key(account=None, email=None):
    """The key of a customer's uses: their account, else their email (a guest), else None."""
    if account:
        return f"account:{account}"
    if email:
        return f"email:{email.strip().lower()}"
    return None


class Uses(Persistent):
    """How many times a promotion was used, and the discount those uses gave (Decimal
    euro, VAT included, as the orders charged it): a record of its own (see the module).
    The statistics page reads both, never who used it."""

    #: A class default: records counted before the discount was kept start from zero.
    discount = ZERO

    def __init__(self):
        self.count = 0

    def change(self, delta, amount=ZERO):
        """Count ``delta`` uses (1, or -1 given back) and ``amount`` of discount (the
        order's: positive when taken, negative when given back)."""
        self.count = max(self.count + delta, 0)
        self.discount = max(self.discount + Decimal(amount), ZERO)


class Promotion(Content):
    """A discount code and its rules (see the module); money is Decimal euro, VAT included.

    ``value``: the percentage (``PERCENT``) or the amount (``AMOUNT``); unused for free
    shipping.  ``targets``: the category names (``CATEGORIES``) or product pids
    (``PRODUCTS``).  ``valid_from`` / ``valid_until``: aware datetimes or None (open).
    ``total_uses`` / ``uses_per_customer``: None for unlimited.  ``minimum``: the goods
    total (VAT included) an order needs, or None.
    """

    content_type = "promotion"
    #: Whether it applies without a code (see the module); a class default.
    automatic = False
    #: The code of the promotion a single-use code was generated from (``bulk``); None.
    batch = None

    def __init__(self, code):
        super().__init__()
        self.code = code.strip().upper()
        self.names = Translations()
        self.kind = PERCENT
        self.value = Decimal("0")
        self.scope = ALL
        self.targets = ()
        self.valid_from = None
        self.valid_until = None
        self.total_uses = None
        self.uses_per_customer = None
        self.minimum = None
        self.combinable = False
        self.uses = Uses()
        self.by_customer = OOBTree()

    @property
    def used(self):
        return self.uses.count

    def used_by(self, key):
        """How many times the customer with ``key`` (:func:`customer_key`) used it."""
        return self.by_customer.get(key, 0) if key else 0

    @property
    def discount_given(self):
        """The discount its uses gave the orders that are not cancelled or refunded."""
        return self.uses.discount

    def take_use(self, key, amount=ZERO):
        """Count one use, by the customer with ``key`` (or None: unknown), that gave
        ``amount`` of discount."""
        self.uses.change(1, amount)
        if key:
            self.by_customer[key] = self.by_customer.get(key, 0) + 1

    def give_back_use(self, key, amount=ZERO):
        """Give one use back (a cancelled or refunded order) and the ``amount`` of
        discount it gave."""
        self.uses.change(-1, -Decimal(amount))
        if key and key in self.by_customer:
            left = self.by_customer[key] - 1
            if left > 0:
                self.by_customer[key] = left
            else:
                del self.by_customer[key]

    def forget_customer(self, key, anonymous):
        """Move the uses of ``key`` to ``anonymous`` (erasure: the count stays right)."""
        if key in self.by_customer:
            uses = self.by_customer.pop(key)
            self.by_customer[anonymous] = self.by_customer.get(anonymous, 0) + uses


class Promotions(Folder):
    """All promotions, keyed by :func:`code_key`, the automatic ones ``auto.N``."""

    content_type = "promotions"
    #: The last N of an automatic promotion's key (a class default: a folder made before).
    last_automatic = 0

    def automatic(self):
        """The automatic promotions (see the module), in the order they were made."""
        found = self.data.values(min=AUTOMATIC, max=AUTOMATIC_END, excludemax=True)
        return sorted(found, key=lambda promotion: int(promotion.__name__[len(AUTOMATIC) :]))

    def add_automatic(self, promotion, registry=None):
        """Add the automatic ``promotion`` under the next ``auto.N``."""
        self.last_automatic += 1
        promotion.automatic = True
        self.add(f"{AUTOMATIC}{self.last_automatic}", promotion, registry=registry)
        return promotion

    def for_code(self, code):
        """The promotion with ``code`` in any case, or None."""
        return self.get(code_key(code))
