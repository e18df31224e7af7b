"""Refunds of paid orders, in full or in part: what may be refunded, and doing it once.

A refund pays back chosen lines (a quantity of each) and, if asked, the shipping of an
order that is paid, shipped or delivered.  The rule: never more than what was paid minus
what was refunded already, per line (its quantity and its amount) and in total.  A line's
amount for a quantity is its total's share (``total * qty / line qty``, to the cent); the
last units of a line take what remains of its total, so that refunding everything pays
back exactly the order's total.  Shipping is refunded whole or not at all.

How the money goes back (:attr:`Refund.means`): ``"provider"`` when the payment method's
provider paid the order (``PaymentMethod.pays_back``: Mollie refunds its payment, with an
idempotency key made from the refund's id); otherwise ``"transfer"``: a SEPA credit
transfer to the IBAN staff give (``orders.payments.sepa``: the pain.001 file), whose
message id is the refund's ``reference``.  With a gift card, money first, then the card
(``orders.gift_cards.refund_split``); a refund all on the card is ``"giftcard"``.

Contract of :func:`make_refund`, run in the request's transaction:

- the refund's id is the token of the form that asked for it: a form sent twice (a double
  click, a replayed POST) finds its refund made already and does nothing
  (:class:`AlreadyRefunded`); a transaction replayed by pyramid_retry after a conflict
  asks the provider again with the same idempotency key and gets the same refund back;
- ``order.refunds`` is replaced by a longer tuple; the order's history gets an entry:
  the workflow's ``refund`` (state ``refunded``) when everything is refunded now, else
  ``partial-refund`` (the state stays);
- stock goes back for the refunded quantities when the order was only paid (the goods
  never left) or when staff say the goods came back;
- :class:`OrderRefunded` is notified (invoicing makes the credit note), then the mail
  ``order_refunded`` is queued: both in the same transaction, so a refused or rolled back
  request leaves nothing, and a replayed one sends one mail.

Bad input raises :class:`RefundRefused` (a message for staff and an HTTP status) before
anything changed; a provider that cannot refund raises ``PaymentUnavailable``, and the
caller's transaction must not commit.
"""

import dataclasses
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from BTrees.OOBTree import OOBTree

from shopcms.orders import gift_cards
from shopcms.orders.mail import mail_order
from shopcms.orders.payments import method_of
from shopcms.orders.workflow import DELIVERED, PAID, SHIPPED
from shopcms.web.i18n import _
from shopcms.web.security import REFUND_ORDERS
from shopcms.workflow import HistoryEntry

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The states an order can be refunded from.
REFUNDABLE = (PAID, SHIPPED, DELIVERED)
#: A refund's id: the random token of the form that asked for it.
REFUND_ID = re.compile(r"[A-Za-z0-9_-]{22,64}")
PROVIDER, TRANSFER, GIFT_CARD = "provider", "transfer", "giftcard"
#: The history entry of a refund that leaves the order's state.
PARTIAL = "partial-refund"


@dataclasses.dataclass(frozen=True)
class Refund:
    """One refund of an order (immutable; ``order.refunds`` holds them, oldest first).

    ``lines``: ``((line_index, qty, amount), ...)``, amounts VAT included; ``shipping``:
    the shipping refunded (0 for none); ``total``: their sum; ``reason``: staff's words;
    ``means``: ``"provider"`` or ``"transfer"``; ``reference``: the provider's refund id or
    the pain.001 message id; ``actor``: who made it; ``when``: an aware UTC datetime;
    ``gift_cards``: the parts put back on cards (the rest, :attr:`money`, by ``means``).
    """

    id: str
    when: datetime.datetime
    lines: tuple
    shipping: Decimal
    total: Decimal
    reason: str
    means: str
    reference: str
    actor: str
    gift_cards: tuple = ()

    @property
    def money(self):
        return self.total - gift_cards.refund_card_part(self)


@dataclasses.dataclass(frozen=True)
class Transfer:
    """The credit transfer that pays a ``"transfer"`` refund back: to ``holder``'s
    ``iban``, ``amount`` with ``remittance`` (the order number); ``sent`` is when staff
    said the bank has it (None: pending).  Kept in ``Orders.refund_transfers`` by refund
    id, replaced (never changed) when sent."""

    refund: str
    order: str
    message_id: str
    amount: Decimal
    holder: str
    iban: str
    remittance: str
    when: datetime.datetime
    sent: datetime.datetime | None = None
    sent_by: str | None = None


class OrderRefunded:
    """Notified in the refund's transaction, before its mail is queued: ``order``, the
    ``refund`` just made (also ``order.refunds[-1]``) and the ``request``."""

    def __init__(self, order, refund, request):
        self.order = order
        self.refund = refund
        self.request = request


class RefundRefused(Exception):
    """The refund asked for cannot be made (``message`` translatable, ``status`` 4xx);
    nothing was changed."""

    def __init__(self, message, status=400):
        super().__init__(str(message))
        self.message = message
        self.status = status


class AlreadyRefunded(Exception):
    """The refund with this id was made already (a form sent twice): ``refund``."""

    def __init__(self, refund):
        super().__init__(refund.id)
        self.refund = refund


@dataclasses.dataclass(frozen=True)
class Plan:
    """What a refund will pay back, before it is made: ``lines`` and ``shipping`` as in
    :class:`Refund`, ``total``, ``means``, ``restock`` (stock goes back) and ``full``
    (everything paid is refunded with it), ``money`` and ``gift_cards`` (its split)."""

    lines: tuple
    shipping: Decimal
    total: Decimal
    means: str
    restock: bool
    full: bool
    money: Decimal = ZERO
    gift_cards: tuple = ()


# -- what remains ------------------------------------------------------------------------


def refunded_lines(order):
    """``{line index: (qty refunded, amount refunded)}`` over the order's refunds."""
    done = {}
    for refund in order.refunds:
        for index, qty, amount in refund.lines:
            had_qty, had_amount = done.get(index, (0, ZERO))
            done[index] = (had_qty + qty, had_amount + amount)
    return done


def paid(line):
    """What the customer paid for ``line``: its total less its codes' discount (issue 19;
    a line of an order from before has none)."""
    return Decimal(line["total"]) - Decimal(line.get("discount") or 0)


def refunded_total(order):
    return sum((refund.total for refund in order.refunds), ZERO)


def refunded_shipping(order):
    return sum((refund.shipping for refund in order.refunds), ZERO)


def remaining(order):
    """``[(index, line, qty left, amount left)]`` and the shipping left to refund."""
    done = refunded_lines(order)
    lines = []
    for index, line in enumerate(order.lines):
        qty, amount = done.get(index, (0, ZERO))
        lines.append((index, line, line["qty"] - qty, paid(line) - amount))
    return lines, Decimal(order.shipping["cost"]) - refunded_shipping(order)


def refundable(order):
    """Whether ``order`` may be refunded now: its state allows it and something is left."""
    return order.state in REFUNDABLE and refunded_total(order) < order.total


def means_of(registry, order):
    """``"provider"`` when the payment's provider pays refunds of ``order`` back, else
    ``"transfer"``."""
    method = method_of(registry, order)
    return PROVIDER if method is not None and method.pays_back(order) else TRANSFER


# -- planning ----------------------------------------------------------------------------


def line_amount(line, qty, qty_left, amount_left):
    """The amount of ``qty`` units of ``line``: its share of the total, or all that is
    left for its last units."""
    if qty == qty_left:
        return amount_left
    share = paid(line) * qty / line["qty"]
    return min(share.quantize(CENT, rounding=ROUND_HALF_UP), amount_left)


def plan(registry, order, quantities, shipping, goods_returned=False):
    """The :class:`Plan` of refunding ``quantities`` (``{line index: qty}``) and, if
    ``shipping``, the shipping left; RefundRefused when it breaks the rule (see the
    module) or the order cannot be refunded."""
    if order.state not in REFUNDABLE:
        raise RefundRefused(_("Only a paid, shipped or delivered order can be refunded."), 409)
    left_lines, shipping_left = remaining(order)
    chosen = []
    for index, line, qty_left, amount_left in left_lines:
        qty = quantities.get(index, 0)
        if qty < 0 or qty > qty_left:
            raise RefundRefused(
                _(
                    "At most ${qty} of ${title} can still be refunded.",
                    mapping={"qty": qty_left, "title": line["title"]},
                )
            )
        if qty:
            chosen.append((index, qty, line_amount(line, qty, qty_left, amount_left)))
    if set(quantities) - {index for index, *_rest in left_lines}:
        raise RefundRefused(_("Something in the request was not right."))
    shipping_amount = shipping_left if shipping else ZERO
    if shipping and shipping_left <= 0:
        raise RefundRefused(_("The shipping cost was refunded already."))
    total = sum((amount for *_rest, amount in chosen), shipping_amount)
    if total <= 0:
        raise RefundRefused(_("Choose at least one product or the shipping cost to refund."))
    if refunded_total(order) + total > order.total:
        raise RefundRefused(_("That is more than what remains to be refunded."))
    money, cards = gift_cards.refund_split(order, total)
    return Plan(
        lines=tuple(chosen),
        shipping=shipping_amount,
        total=total,
        means=means_of(registry, order) if money > 0 else GIFT_CARD,
        restock=order.state == PAID or bool(goods_returned),
        full=refunded_total(order) + total == order.total,
        money=money,
        gift_cards=cards,
    )


def everything(order):
    """``{line index: qty}`` of all that is left (a full refund)."""
    left_lines, _shipping = remaining(order)
    return {index: qty for index, _line, qty, _amount in left_lines if qty}


# -- doing it ----------------------------------------------------------------------------


def find(order, refund_id):
    """The refund of ``order`` with ``refund_id``, or None."""
    return next((refund for refund in order.refunds if refund.id == refund_id), None)


def transfers(orders):
    """The ``Transfer`` records of the shop (``{refund id: Transfer}``; empty mapping when
    none was ever made)."""
    found = getattr(orders, "refund_transfers", None)
    return found if found is not None else {}


def _store_transfer(orders, transfer):
    if getattr(orders, "refund_transfers", None) is None:
        # Created by the first transfer refund: older sites need no evolve step.
        orders.refund_transfers = OOBTree()
    orders.refund_transfers[transfer.refund] = transfer


def mark_sent(orders, transfer, when, actor):
    """Record that ``transfer`` was given to the bank (the record is replaced)."""
    orders.refund_transfers[transfer.refund] = dataclasses.replace(
        transfer, sent=when, sent_by=actor
    )


def message_id(order, count):
    """The pain.001 message id of ``order``'s refund number ``count`` (Max35Text: unique
    per refund, so that a bank refuses the same file twice)."""
    return f"REFUND-{order.number}-{count}"


def make_refund(request, order, refund_id, chosen, reason, *, account=None):
    """Make the refund ``chosen`` (a :class:`Plan`) of ``order`` (see the module).

    ``account`` (``(holder, IBAN)``) is where a ``"transfer"`` refund goes: required for
    it.  Returns the :class:`Refund`; raises AlreadyRefunded, RefundRefused or
    PaymentUnavailable (nothing changed).
    """
    if not request.has_permission(REFUND_ORDERS, order):
        raise RefundRefused(_("You may not refund orders."), 403)
    if not REFUND_ID.fullmatch(refund_id or ""):
        raise RefundRefused(_("Something in the request was not right."))
    done = find(order, refund_id)
    if done is not None:
        raise AlreadyRefunded(done)
    if chosen.means == TRANSFER and not account:
        raise RefundRefused(_("Give the IBAN and name of the account to pay the refund to."))
    count = len(order.refunds) + 1
    if chosen.means == PROVIDER:
        method = method_of(request.registry, order)
        repaid = method.refund(request, order, chosen.money, f"shopcms-refund-{refund_id}")
        reference, note = repaid.reference, repaid.note
    elif chosen.means == GIFT_CARD:
        reference, note = f"GIFTCARD-{order.number}-{count}", "gift card"
    else:
        reference = message_id(order, count)
        note = f"SEPA transfer {reference}"
    actor = request.authenticated_userid
    refund = Refund(
        id=refund_id,
        when=request.now,
        lines=chosen.lines,
        shipping=chosen.shipping,
        total=chosen.total,
        reason=reason,
        means=chosen.means,
        reference=reference,
        actor=actor,
        gift_cards=chosen.gift_cards,
    )
    if chosen.means == TRANSFER:
        holder, iban = account
        _store_transfer(
            order.__parent__,
            Transfer(
                refund=refund_id,
                order=order.number,
                message_id=reference,
                amount=chosen.money,
                holder=holder,
                iban=iban,
                remittance=f"Soft Cactus {order.number}",
                when=request.now,
            ),
        )
    order.refunds = (*order.refunds, refund)
    gift_cards.give_back(request, order, chosen.gift_cards)
    if chosen.restock:
        _restock(order, chosen.lines)
    comment = " ".join(part for part in (reason, note) if part)
    if chosen.full:
        order.transition(request, "refund", comment=comment)
    else:
        _record(order, actor, request.now, comment)
    request.registry.notify(OrderRefunded(order, refund, request))
    mail_order(request.registry, order, "order_refunded", request)
    return refund


def refund_everything(request, order, reason):
    """Refund all that is left of ``order`` (the workflow's ``refund`` asked for without
    the refund form): only when its provider (or a gift card) pays back, since a transfer
    needs the customer's account.  Returns the Refund; raises as :func:`make_refund`."""
    _lines, shipping_left = remaining(order)
    chosen = plan(request.registry, order, everything(order), shipping_left > 0)
    if chosen.means == TRANSFER:
        raise RefundRefused(
            _("A refund by bank transfer needs the customer's IBAN: use the refund form."), 409
        )
    # One id per state of the order: the same request replayed finds it refunded already.
    refund_id = f"everything-{order.number}-{len(order.refunds)}"
    return make_refund(request, order, refund_id, chosen, reason)


def _restock(order, lines):
    products = order.__parent__.__parent__["products"]
    for index, qty, _amount in lines:
        product = products.by_id(order.lines[index]["pid"])
        if product is not None:
            product.adjust_stock(qty)


def _record(order, actor, when, comment):
    state = order.workflow_state
    order.workflow_history.append(
        HistoryEntry(
            transition=PARTIAL,
            from_state=state,
            to_state=state,
            actor=actor,
            when=when,
            comment=comment,
        )
    )
    order.touch()
