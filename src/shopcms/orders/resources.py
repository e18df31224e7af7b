"""Orders: immutable snapshots of what was bought, and the workflow they go through.

An :class:`Order` records, when it is placed, everything the sale was made on: the lines
(product id, SKU, title in the customer's language, quantity, unit price, VAT rate, line
total), shipping, totals and VAT per rate, the customer's contact and addresses, the payment
method and its reference.  Nothing of that changes afterwards but the workflow state, its
history and the payment references.  Prices come from the products then, never the client.

Numbers are ``YYYY-NNNNNN``, unique, with gaps (``orders.numbers``: blocks reserved per
process); the OGM reference is made from the number (``orders.ogm``); the lookup tables a
checkout writes merge (:meth:`Orders.place`).

Workflow: placed -> paid -> shipped -> delivered (paid -> delivered for gift cards alone,
by the system); placed -> cancelled (stock, codes' uses
and gift cards' amounts given back); paid, shipped or delivered -> refunded (administrators,
once everything paid is refunded: ``orders.refunds``).  Each transition is recorded in the
history with who did it (staff, or ``system:...`` for webhooks and the bank import).
"""

import dataclasses
import hmac
import secrets
from decimal import Decimal

from BTrees.OOBTree import OOBTree
from pyramid.authorization import DENY_ALL, Allow

from shopcms.orders import gift_cards
from shopcms.orders.numbers import OrderNumberCounter, next_number  # noqa: F401 (stored ones)
from shopcms.orders.workflow import (
    CANCELLED,
    ORDER_WORKFLOW,
    PAID,
    PLACED,
    REFUNDED,
)
from shopcms.promotions import api as promotions
from shopcms.tree.resources import Content, Folder
from shopcms.web import security
from shopcms.web.i18n import _
from shopcms.workflow import HistoryEntry

#: What an erased order holds in place of each personal value (``Order.anonymise``).
ERASED = "erased"

#: The actors an order's history records besides accounts, as its pages show them
#: (``shopcms.web.actors``); the payment providers and the bank import declare their own.
ACTOR_TITLES = {
    "guest": _("Guest (no account)"),
    "customer": _("The customer"),
    ERASED: _("(erased)"),
}

#: Where the stock of an order's lines goes back when a transition is done.
#: A refund gives stock back itself, for the quantities it refunds
#: (``shopcms.orders.refunds``).
RESTOCK = {("cancel", PLACED)}

_STAFF = (
    (Allow, security.role_principal(security.ORDER_DESK), (security.VIEW, security.MANAGE_ORDERS)),
    (
        Allow,
        security.role_principal(security.ADMIN),
        (security.VIEW, security.MANAGE_ORDERS, security.REFUND_ORDERS),
    ),
)


class Order(Content):
    """One placed order (see the module docstring).  Build with :meth:`Orders.place`.
    What gift cards paid of it (:attr:`gift_cards`) holds no personal data."""

    content_type = "order"
    #: The catalog keys an order's dates by minute (``catalog.indexes``: no hot key).
    index_dates_by_minute = True

    #: The disclosures of this order's data to third parties, oldest first
    #: (``shopcms.privacy.disclosures``): a tuple replaced by each new one, so this class
    #: default serves the orders stored before it existed and is never changed in place.
    disclosures = ()
    #: When the customer's personal data was erased from this order (None: never).
    erased = None
    #: A business buyer's legal name, VAT number (compact, with its country prefix:
    #: ``NL004495445B01``) and what is known of that number: ``"format"`` (format and
    #: check digits right, not checked with VIES) or ``"confirmed"`` (by staff; the history
    #: says who); see ``shopcms.orders.business``.  None for a consumer.  Class defaults:
    #: the orders stored before them are consumers' orders.
    buyer_company = None
    buyer_vat = None
    buyer_vat_status = None
    #: The VAT charged (``products.pricing``, issue 17): ``"domestic"`` (Belgian rates),
    #: ``"oss"`` (a consumer in another member state while OSS is on: that country's rates)
    #: or ``"reverse_charge"`` (a business with a valid VAT number of another member state:
    #: 0 %), and ``vat_country``, the country whose rates applied (the delivery country
    #: under OSS and reverse charge).  Class defaults: older orders were all domestic.
    vat_scheme = "domestic"
    vat_country = "BE"
    # -- withdrawal (orders.tracking, orders.withdrawal): class defaults serve old orders.
    #: The parcel's carrier, tracking number and tracking page, given with "Mark shipped":
    #: ``{"carrier", "number", "url"}``, or None.
    tracking = None
    #: The customer's statements of withdrawal (``orders.withdrawal.Withdrawal``), oldest
    #: first: a tuple replaced by each change, never changed in place.
    withdrawals = ()
    #: Who paid a bank-transfer order, as the imported bank statement names them
    #: (``shopcms.orders.statements``): the account a refund by transfer goes back to
    #: (compact IBAN) and the account holder's name; None when not known.  Personal data:
    #: :meth:`anonymise` removes them.
    payer_iban = None
    payer_name = None
    #: An unpaid transfer's reminder (``shopcms.orders.unpaid``): when it was queued, and
    #: the day the order is cancelled if still unpaid (both UTC; None: no reminder sent).
    payment_reminded = None
    payment_deadline = None
    #: The refunds of this order, oldest first (``shopcms.orders.refunds.Refund``): a tuple
    #: replaced by each new one, never changed in place.
    refunds = ()
    #: The discounts of its codes (``promotions.api.snapshot``): code, names, amount, the
    #: amount per VAT rate, free shipping; none on orders placed before issue 19.
    discounts = ()
    #: What gift cards paid (``orders.gift_cards``): ``giftcards.api.snapshot`` dicts of the
    #: card's key, its last four characters and the amount; no personal data (never the
    #: code, nor who holds the card).  Every payment asks :attr:`due`.
    gift_cards = ()

    def __init__(
        self,
        *,
        lang,
        customer,
        contact,
        delivery,
        billing,
        lines,
        shipping,
        totals,
        payment_method,
        checkout_token,
    ):
        super().__init__()
        self.number = None
        self.lang = lang
        self.customer = customer  # account id or None for a guest
        self.contact = dict(contact)  # name, email, phone
        self.delivery = dict(delivery)  # street, postcode, city, country
        self.billing = dict(billing) if billing else None
        self.lines = tuple(dict(line) for line in lines)
        self.shipping = dict(shipping)  # method, cost, vat_rate
        self.total = totals.total
        self.vat_by_rate = totals.vat_by_rate
        self.payment_method = payment_method
        self.payment_reference = None  # the OGM of a bank transfer
        self.payment_ids = ()  # the provider's payment ids, newest last
        self.checkout_token = checkout_token
        # Lets a guest (who has no account) open the confirmation page: 128 random bits.
        self.access_key = secrets.token_urlsafe(16)

    @property
    def __acl__(self):
        acl = list(_STAFF)
        if self.customer is not None:
            acl.append((Allow, security.user_principal(self.customer), security.VIEW))
        acl.append(DENY_ALL)
        return acl

    @property
    def state(self):
        return self.workflow_state

    @property
    def in_fulfilment(self):
        """Placed, or paid and not yet shipped: its address is still needed to deliver it (an
        erasure waits for it).  Gift cards alone were delivered by mail once paid (their
        order is ``delivered`` then: ``giftcards.issuing``, and evolve step 18 for older
        ones; an order of cards alone is still never waiting for its address)."""
        cards_only = all(line.get("gift_card") for line in self.lines)
        return self.state == PLACED or (self.state == PAID and not cards_only)

    @property
    def vat(self):
        return sum((vat for _rate, vat in self.vat_by_rate), Decimal("0.00"))

    @property
    def due(self):
        """What is left to pay with the payment method: the total less the gift cards."""
        return self.total - gift_cards.paid(self)

    @property
    def goods_total(self):
        return sum((line["total"] for line in self.lines), Decimal("0.00"))

    def anonymise(self, now, actor, note=""):
        """Replace the customer's personal data with :data:`ERASED` (an erasure request).

        The order stays for the accounts (the legal retention period): its lines, totals,
        VAT, shipping, payment method and references, state and dates are unchanged, and so
        is the delivery country (VAT is due by the country of destination).  The contact's
        name, email and phone, every other address field and a business buyer's company
        name and VAT number (a sole trader's name and number are personal data; the invoice
        keeps its own copy, which the law requires) become ``ERASED`` (and the accounts
        refunds were transferred to, once given to the bank); the payer's name and IBAN
        from a bank statement become None; the link to
        the account (``customer``) becomes None; the access key of the confirmation page is
        replaced, so the links in old mails no longer open it; history entries made by the
        customer name ``ERASED`` as their actor; and an entry ``erase`` by ``actor`` with
        ``note`` records when and why.  The caller reindexes the order.
        """
        customer = self.customer
        if customer is None and self.__parent__ is not None:
            index = getattr(self.__parent__, "by_guest_email", None)
            key = guest_key(self.contact.get("email", ""))
            if index is not None and key in index:
                remaining = tuple(n for n in index[key] if n != self.number)
                if remaining:
                    index[key] = remaining
                else:
                    del index[key]
        self.contact = dict.fromkeys((*self.contact, "name", "email", "phone"), ERASED)
        self.delivery = _erase_address(self.delivery)
        self.billing = _erase_address(self.billing) if self.billing else None
        self.payer_iban = self.payer_name = None
        if self.buyer_company is not None:
            self.buyer_company = ERASED
        if self.buyer_vat is not None:
            self.buyer_vat = ERASED
        self.customer = None
        # Who used the codes (promotions.privacy forgets it on the promotions too).
        self.discounts = tuple({**discount, "customer": None} for discount in self.discounts)
        self.access_key = secrets.token_urlsafe(16)
        self.erased = now
        # A withdrawal's reason is the customer's own words: erased; the statement stays
        # (what was withdrawn and when: the shop's refund obligation and its proof).
        self.withdrawals = tuple(
            dataclasses.replace(w, reason=ERASED) if w.reason else w for w in self.withdrawals
        )
        if self.tracking:  # its page at the carrier shows the delivery address
            self.tracking = {"carrier": self.tracking["carrier"], "number": ERASED, "url": None}
        self._erase_refund_accounts()
        history = self.workflow_history
        for index, entry in enumerate(history):
            if customer is not None and entry.actor == customer:
                history[index] = dataclasses.replace(entry, actor=ERASED)
        state = self.workflow_state
        history.append(
            HistoryEntry(
                transition="erase",
                from_state=state,
                to_state=state,
                actor=actor,
                when=now,
                comment=note,
            )
        )
        self.touch()

    def _erase_refund_accounts(self):
        """The accounts that refunds of this order were transferred to
        (``shopcms.orders.refunds.Transfer``): erased once given to the bank; a transfer
        still pending keeps its account until it is paid."""
        transfers = getattr(self.__parent__, "refund_transfers", None)
        for refund in self.refunds if transfers is not None else ():
            transfer = transfers.get(refund.id)
            if transfer is not None and transfer.sent is not None:
                transfers[refund.id] = dataclasses.replace(transfer, holder=ERASED, iban=ERASED)

    def add_payment_id(self, payment_id):
        self.payment_ids = (*self.payment_ids, payment_id)
        self.touch()
        self.__parent__.by_reference[payment_id] = self.__name__

    def transition(self, request, name, comment="", actor=None):
        """Run workflow transition ``name`` (permission checked unless ``request`` is None,
        then ``actor`` names the system doing it); gives stock back where RESTOCK says so.
        Raises the workflow's errors; nothing changes then."""
        before = self.workflow_state
        self.touch()  # before the transition's event, which reindexes the order
        entry = ORDER_WORKFLOW.transition(self, request, name, comment=comment, actor=actor)
        if (name, before) in RESTOCK:
            self.__parent__.restock(self)
        if self.workflow_state in (CANCELLED, REFUNDED) and (self.discounts or self.gift_cards):
            # It gives its codes' uses (promotions) and its gift cards' amounts back.
            site = self.__parent__.__parent__
            if self.discounts:
                promotions.give_back(site, self.discounts)
            gift_cards.cancelled(site, self, entry.when)
        return entry


def guest_key(email):
    """How a guest's email is looked up: stripped and lower-cased."""
    return str(email).strip().lower()


def _erase_address(address):
    return {key: value if key == "country" else ERASED for key, value in address.items()}


class Orders(Folder):
    """The orders, keyed by number; never public (each order grants its own customer)."""

    content_type = "orders"
    __acl__ = [*_STAFF, DENY_ALL]

    def __init__(self):
        super().__init__()
        self.setup()

    def setup(self):
        """Create the lookup tables (also run by the evolve step for older databases)."""
        self.counters = OOBTree()  # year -> OrderNumberCounter
        self.by_token = OOBTree()  # checkout token -> order number
        self.by_reference = OOBTree()  # OGM digits or provider payment id -> order number
        self.by_customer = OOBTree()  # account id -> tuple of its order numbers, oldest first
        # A guest's email -> numbers of their orders (their data's export and erasure).
        self.by_guest_email = OOBTree()

    def next_number(self, year, registry=None):
        """A new order number of ``year`` (``shopcms.orders.numbers``)."""
        return f"{year}-{next_number(registry, self, year):06d}"

    def for_token(self, token):
        """The order placed with checkout ``token``, or None."""
        number = self.by_token.get(token)
        return self.get(number) if number is not None else None

    def with_key(self, number, key):
        """The order ``number`` if ``key`` is its access key (compared in constant time),
        else None: the confirmation page of a guest's order is opened with it."""
        order = self.get(number)
        if order is None or not hmac.compare_digest(order.access_key.encode(), key.encode()):
            return None
        return order

    def for_reference(self, reference):
        """The order with this payment reference (OGM digits or provider id), or None."""
        number = self.by_reference.get(reference)
        return self.get(number) if number is not None else None

    def of_customer(self, customer):
        """The orders of account ``customer``, newest first."""
        numbers = self.by_customer.get(customer, ())
        return [self[number] for number in reversed(numbers) if number in self]

    def place(self, order, year, registry=None):
        """Number ``order``, store it, index its token (and its customer's list of orders)
        and start its workflow."""
        from shopcms.orders.ogm import ogm_for

        order.number = self.next_number(year, registry)
        order.payment_reference = ogm_for(order.number)
        ORDER_WORKFLOW.initialize(order, actor=order.customer or "guest")
        self.add(order.number, order, registry=registry)
        self.by_token[order.checkout_token] = order.number
        self.by_reference[order.payment_reference.digits] = order.number
        if order.customer is not None:
            self.by_customer[order.customer] = (
                *self.by_customer.get(order.customer, ()),
                order.number,
            )
        else:
            key = guest_key(order.contact.get("email", ""))
            self.by_guest_email[key] = (*self.by_guest_email.get(key, ()), order.number)
        return order

    def guest_orders(self, email):
        """The orders placed without an account with ``email``, oldest first."""
        numbers = self.by_guest_email.get(guest_key(email), ())
        found = [self.get(number) for number in numbers]
        return [order for order in found if order is not None and order.customer is None]

    def restock(self, order):
        products = self.__parent__["products"]
        for line in order.lines:
            if (product := products.by_id(line["pid"])) is not None:
                product.adjust_stock(line["qty"])
