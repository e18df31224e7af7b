"""Matching a statement's lines to the orders: the preview (:func:`plan`, which writes
nothing) and the import (:func:`apply`, the same outcomes, applied).

A credit line in euro whose communication is the OGM of an order (``shopcms.orders.ogm``)
in state ``placed``:

- pays it when its amount is the order's total (:data:`PAID`) or more
  (:data:`OVERPAID`: the order is marked paid and its history says by how much, for staff
  to pay the difference back);
- does not when it is less (:data:`UNDERPAID`: staff settle it with the customer, then
  "Mark paid" by hand).

Every other line says why it pays nothing: not a credit, not in euro, no valid OGM,
unknown OGM, order cancelled or already paid (also by an earlier line of the same file),
or :data:`DUPLICATE`: the same movement of the bank (its key, see ``lines``) was imported
before or comes earlier in this file.

Imported lines are remembered in the database (:class:`ImportedLines`, on the orders
folder): the key of every credit line in euro of a confirmed import, with when, the
outcome and the order.  So confirming twice, a reload, a replayed request (pyramid_retry)
or two overlapping statements mark nothing twice.  Two imports running at once both write
that record's counter: one of them conflicts and is replayed, and then sees the other's
lines.

An order marked paid keeps the payer's name and IBAN as the bank gave them
(``order.payer_name``, ``order.payer_iban``): a refund by transfer is paid back to that
account.  They are personal data: the order's erasure removes them.
"""

from dataclasses import dataclass

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.threadlocal import get_current_registry
from transaction.interfaces import TransientError

from shopcms.orders.statements.lines import (
    ALREADY_PAID,
    CANCELLED_ORDER,
    DUPLICATE,
    INVALID,
    NOT_EURO,
    NOT_INCOMING,
    OVERPAID,
    PAID,
    UNDERPAID,
    UNKNOWN,
    UNREADABLE,
    Outcome,
    StatementError,
)
from shopcms.orders.workflow import CANCELLED, PLACED
from shopcms.tree.database import site_transaction
from shopcms.web.clock import now

ACTOR = "system:bank-import"
#: The outcomes whose line is remembered as imported (a credit in euro that was read).
REMEMBERED = frozenset({PAID, OVERPAID, UNDERPAID, INVALID, UNKNOWN, ALREADY_PAID, CANCELLED_ORDER})


@dataclass(frozen=True)
class ImportedLine:
    """What a confirmed import did with one line: ``when`` (UTC), ``reason`` (the outcome),
    ``order`` (its number or None), ``actor`` (who confirmed)."""

    when: object
    reason: str
    order: str | None
    actor: str


class ImportedLines(Persistent):
    """The lines of the bank statements imported so far, by key; ``imports`` counts the
    imports (each writes it, so two at once conflict: see the module)."""

    def __init__(self):
        self.lines = OOBTree()
        self.imports = 0


def imported_lines(orders, create=False):
    """The orders folder's :class:`ImportedLines` (made when ``create``; else None if no
    statement was ever imported)."""
    record = getattr(orders, "imported_statement_lines", None)
    if record is None and create:
        record = orders.imported_statement_lines = ImportedLines()
    return record


def plan(orders, lines):
    """The Outcome of every line of a statement, in order, as an import would have it now;
    reads the orders and writes nothing (the preview)."""
    record = imported_lines(orders)
    known = record.lines if record is not None else {}
    seen = {}
    paid_here = {}
    outcomes = []
    for line in lines:
        outcome = _outcome(orders, line, known, seen, paid_here)
        if outcome.line.key and outcome.reason != UNREADABLE:
            seen.setdefault(line.key, line.number)
        if outcome.matched:
            paid_here[outcome.order] = line.number
        outcomes.append(outcome)
    return outcomes


def _outcome(orders, line, known, seen, paid_here):
    if line.problem:
        return Outcome(line, False, UNREADABLE, line.problem)
    if line.amount <= 0:
        return Outcome(line, False, NOT_INCOMING)
    if line.currency and line.currency != "EUR":
        return Outcome(line, False, NOT_EURO, line.currency)
    if line.key in known:
        before = known[line.key]
        detail = f"imported {before.when:%Y-%m-%d}"
        return Outcome(line, False, DUPLICATE, detail, before.order, imported=before.when)
    if line.key in seen:
        earlier = seen[line.key]
        return Outcome(line, False, DUPLICATE, f"same as line {earlier}", earlier=earlier)
    if line.reference is None:
        detail = repr(line.communication[:60]) if line.communication else "none"
        return Outcome(line, False, INVALID, detail)
    order = orders.for_reference(line.reference.digits)
    if order is None or order.payment_reference != line.reference:
        return Outcome(line, False, UNKNOWN, str(line.reference))
    if order.state == CANCELLED:
        return Outcome(line, False, CANCELLED_ORDER, "refund the payment", order.number)
    if order.number in paid_here:
        earlier = paid_here[order.number]
        return Outcome(
            line, False, ALREADY_PAID, f"by line {earlier}", order.number, earlier=earlier
        )
    if order.state != PLACED:
        return Outcome(line, False, ALREADY_PAID, f"state {order.state}", order.number)
    due = order.due  # the total less what a gift card paid
    detail = f"expected {due}, got {line.amount}"
    if line.amount < due:
        return Outcome(line, False, UNDERPAID, detail, order.number, expected=due)
    if line.amount > due:
        return Outcome(line, True, OVERPAID, detail, order.number, expected=due)
    return Outcome(line, True, PAID, order=order.number, expected=due)


def apply(orders, lines, actor=ACTOR, progress=None, when=None, request=None):
    """Import ``lines``: mark paid the orders they pay, remember the lines (see the
    module); the Outcome of every line, in order (those of :func:`plan`).

    ``orders`` is the site's Orders folder; call inside a transaction (the whole statement
    is one: if it fails, nothing is marked).  ``when`` is the time recorded (default: the
    site's clock, ``shopcms.web.clock``).  ``progress(done, total)``, if given, is called
    after each line.  With ``request`` (the desk), the orders are marked paid by the
    requester, whose permission is checked, and the records name them.
    """
    when = when or now(get_current_registry())
    if request is not None:
        actor = request.authenticated_userid
    outcomes = plan(orders, lines)
    record = imported_lines(orders, create=True)
    record.imports += 1
    for done, outcome in enumerate(outcomes, start=1):
        line = outcome.line
        if outcome.matched:
            order = orders[outcome.order]
            comment = f"bank statement, line {line.number}" + (
                f", {line.date}" if line.date else ""
            )
            if outcome.reason == OVERPAID:
                comment += f", overpaid by {line.amount - order.due}"
            order.transition(request, "pay", comment=comment, actor=None if request else actor)
            if line.payer_iban or line.payer_name:
                order.payer_iban = line.payer_iban or None
                order.payer_name = line.payer_name or None
        if outcome.reason in REMEMBERED and line.key:
            record.lines[line.key] = ImportedLine(when, outcome.reason, outcome.order, actor)
        if progress is not None:
            progress(done, len(outcomes))
    return outcomes


def import_statement(registry, lines, attempts=3, progress=None, actor=ACTOR):
    """Apply ``lines`` to the site's orders in one transaction (retried when a concurrent
    change, a payment webhook say, conflicts with it); the Outcomes, once committed.
    Raises StatementError when the conflicts persist (nothing is marked then).
    ``progress(done, total)``: see :func:`apply` (a retry starts it again)."""
    for attempt in range(1, attempts + 1):
        try:
            with site_transaction(registry) as site:
                return apply(site["orders"], lines, actor=actor, progress=progress)
        except TransientError as exc:
            if attempt == attempts:
                raise StatementError(
                    "the orders kept changing during the import; nothing was marked, run it again"
                ) from exc
    return []  # attempts < 1
