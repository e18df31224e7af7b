"""What every statement reader yields: :class:`Line` (one credit or debit of the account),
and what the matching makes of it: :class:`Outcome`.

A line's ``key`` says which movement of the bank it is, so that importing it again (the
same file twice, a confirmation clicked twice, two statements that overlap) is recognised:
a hash of the account, the bank's own reference of the movement when the format has one
(CODA's bank reference, CAMT's entry reference), the date, the amount and the
communication.  A CSV export has no reference: there the key adds a counter, the line's
rank among the lines of the file with the same date, amount and communication, so that
two equal transfers on one day stay two lines, and the same file imported again gives the
same keys.
"""

import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal

from shopcms.orders import ogm


class StatementError(Exception):
    """The file cannot be read as a bank statement (one line, for the person importing it)."""


# Why a line does not mark an order paid, or that it does (``Outcome.reason``).  Stored in
# English (the command prints them); the desk shows them through ``REASON_TITLES`` of
# ``shopcms.orders.views.statements``.
PAID = "paid"
OVERPAID = "overpaid"
UNDERPAID = "underpaid"
UNREADABLE = "unreadable line"
NOT_EURO = "not in euro"
NOT_INCOMING = "not an incoming payment"
DUPLICATE = "duplicate"
INVALID = "invalid communication"
UNKNOWN = "unknown communication"
ALREADY_PAID = "already paid"
CANCELLED_ORDER = "order cancelled"
#: Kept for the callers of the old module: an amount that is not the order's total.
WRONG_AMOUNT = UNDERPAID


@dataclass(frozen=True)
class Line:
    """One movement of the statement.

    ``number`` is where it is in the file (the CSV line, the CODA record, the XML line);
    ``amount`` is signed (a debit is negative); ``date`` is as the file writes it (ISO
    ``YYYY-MM-DD`` for CODA and CAMT); ``reference`` the valid OGM of its communication, if
    any; ``payer_name`` and ``payer_iban`` the counterparty as the bank gives it (CODA and
    CAMT; a CSV's are never read); ``problem`` why it could not be read; ``key`` see the
    module.
    """

    number: int
    date: str = ""
    amount: Decimal | None = None
    currency: str = ""
    communication: str = ""
    reference: ogm.Communication | None = None
    problem: str = ""
    payer_name: str = ""
    payer_iban: str = ""
    bank_reference: str = ""
    key: str = ""

    @property
    def is_credit(self):
        return self.amount is not None and self.amount > 0


@dataclass(frozen=True)
class Outcome:
    """What became (or, in a preview, would become) of one line.

    ``matched``: the line marks order ``order`` paid (reason :data:`PAID` or
    :data:`OVERPAID`); otherwise ``reason`` says why not, ``detail`` adds what was found
    (in English, for the command), and ``order`` is the number of the order concerned, if
    any.  For the desk, the same as values: ``expected`` the order's total (over- or
    underpaid), ``earlier`` the line of this file it repeats or that paid the order first,
    ``imported`` when the line was imported before.
    """

    line: Line
    matched: bool
    reason: str = ""
    detail: str = ""
    order: str | None = None
    expected: Decimal | None = None
    earlier: int | None = None
    imported: object = None

    def __str__(self):
        line = self.line
        where = f"line {line.number}"
        if line.date:
            where += f" ({line.date})"
        if self.matched:
            said = f"{where}: {self.order} marked paid, {line.amount} EUR"
            return said + (f" (overpaid: {self.detail})" if self.reason == OVERPAID else "")
        what = self.reason + (f": {self.detail}" if self.detail else "")
        if self.order:
            what += f" [order {self.order}]"
        seen = [f"{line.amount} EUR" if line.amount is not None else ""]
        seen.append(str(line.reference) if line.reference else line.communication[:60])
        seen = ", ".join(item for item in seen if item)
        return f"{where}: not matched, {what}" + (f" ({seen})" if seen else "")


def _digest(parts):
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def with_keys(lines, identity):
    """``lines`` with their ``key`` set from ``identity(line)``: a tuple, whose first item
    is the bank's reference of the movement (``""`` when it has none: then the rank of the
    line among those with the same identity is added, see the module)."""
    counts = {}
    keyed = []
    for line in lines:
        parts = tuple(identity(line))
        if not parts[0]:
            counts[parts] = counts.get(parts, 0) + 1
            parts = (*parts, counts[parts])
        keyed.append(replace(line, key=_digest(parts)))
    return keyed
