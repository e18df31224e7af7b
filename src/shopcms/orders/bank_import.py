"""Bank statements: incoming transfers matched to open orders by their communication.

``shopcms import-payments INI FILE`` reads a CSV export of the shop's bank account and
marks paid every order whose structured communication (OGM, ``shopcms.orders.ogm``) and
total match a line exactly.

The format, which the CSV exports of Belgian banks (KBC, BNP Paribas Fortis, Belfius, ING,
Argenta...) fit as they are or after renaming a column:

- text in UTF-8 (a byte order mark is fine) or, failing that, Windows-1252;
- fields separated by ``;``, ``,`` or a tab (whichever makes the header row recognisable);
- a header row, found among the first 20 rows (lines above it, such as an account summary,
  are skipped), naming at least an amount and a communication column.  Columns are found by
  their header, whatever their position; case, accents and spaces do not matter:

  ========================= ===========================================================
  amount (required)         amount, bedrag, montant, betrag
  communication (required)  structured communication, gestructureerde mededeling,
                            communication structurée, communication, mededeling(en),
                            vrije mededeling, communication libre, bericht, message,
                            omschrijving, description, details, detail van de omzet,
                            détail du mouvement (all such columns are searched, in this
                            order)
  date (optional)           date, datum, boekingsdatum, uitvoeringsdatum, valutadatum,
                            date d'exécution, date comptable, date valeur, booking date
  currency (optional)       currency, munt, munteenheid, devies, devise
  ========================= ===========================================================

- amounts with a decimal comma or point and optional thousands separators (``1.234,56``,
  ``1,234.56``, ``13,50``, ``+13.50``), at most two decimals;
- a communication written in any usual notation (``+++090/9337/55493+++``,
  ``***...***``, twelve digits), alone in its field or within a longer text.

The counterparty's name and account number are never read, so they are neither stored
nor printed.  A line matches when its communication is the valid OGM of an order in state
``placed`` and its amount equals the order's total exactly; the order is then marked paid
(actor ``system:bank-import``, with the line number and date in the history's comment).
Every other line is reported with the reason.  A second import of the same file marks
nothing again: its lines are reported as already paid.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from transaction.interfaces import TransientError

from shopcms.orders import ogm
from shopcms.orders.resources import CANCELLED, PLACED
from shopcms.tree.database import site_transaction

ACTOR = "system:bank-import"

#: A statement larger than this is refused (a year of a busy account is far smaller).
MAX_BYTES = 20 * 2**20
#: The header row must be among the first this many rows.
HEADER_SEARCH = 20
DELIMITERS = (";", ",", "\t")

#: Column kind -> the header names (folded: lower case, no accents) that stand for it.
COLUMNS = {
    "amount": ("amount", "bedrag", "montant", "betrag"),
    "communication": (
        "structured communication",
        "gestructureerde mededeling",
        "communication structuree",
        "communication",
        "mededeling",
        "mededelingen",
        "vrije mededeling",
        "communication libre",
        "bericht",
        "message",
        "omschrijving",
        "description",
        "details",
        "detail van de omzet",
        "detail du mouvement",
    ),
    "date": (
        "date",
        "datum",
        "boekingsdatum",
        "uitvoeringsdatum",
        "valutadatum",
        "date d'execution",
        "date comptable",
        "date valeur",
        "booking date",
    ),
    "currency": ("currency", "munt", "munteenheid", "devies", "devise"),
}

# Reasons a line is not matched (``Outcome.reason``).
UNREADABLE = "unreadable line"
NOT_EURO = "not in euro"
NOT_INCOMING = "not an incoming payment"
INVALID = "invalid communication"
UNKNOWN = "unknown communication"
WRONG_AMOUNT = "wrong amount"
ALREADY_PAID = "already paid"
CANCELLED_ORDER = "order cancelled"

#: An OGM inside a longer text: between +++ or ***, or written ddd/dddd/ddddd.
EMBEDDED_OGM = re.compile(
    r"(?:\+{3}|\*{3})\s*[0-9][0-9 /.]{10,16}[0-9]\s*(?:\+{3}|\*{3})"
    r"|(?<![0-9])[0-9]{3}\s*/\s*[0-9]{4}\s*/\s*[0-9]{5}(?![0-9])"
)
AMOUNT = re.compile(r"([+-]?)([0-9][0-9.,]*)")
CENT = Decimal("0.01")


class StatementError(Exception):
    """The file cannot be read as a bank statement (one line, for the person running it)."""


@dataclass(frozen=True)
class Line:
    """One transaction of the statement: ``number`` is its line in the file."""

    number: int
    date: str = ""
    amount: Decimal | None = None
    currency: str = ""
    communication: str = ""  # the text of the first non-empty communication column
    reference: ogm.Communication | None = None
    problem: str = ""  # why the line could not be read


@dataclass(frozen=True)
class Outcome:
    """What became of one line: ``order`` is the number of the order it concerns, if any."""

    line: Line
    matched: bool
    reason: str = ""
    detail: str = ""
    order: str | None = None

    def __str__(self):
        line = self.line
        where = f"line {line.number}"
        if line.date:
            where += f" ({line.date})"
        if self.matched:
            return f"{where}: {self.order} marked paid, {line.amount} EUR"
        what = self.reason + (f": {self.detail}" if self.detail else "")
        if self.order:
            what += f" [order {self.order}]"
        seen = [f"{line.amount} EUR" if line.amount is not None else ""]
        seen.append(str(line.reference) if line.reference else line.communication[:60])
        seen = ", ".join(item for item in seen if item)
        return f"{where}: not matched, {what}" + (f" ({seen})" if seen else "")


# -- reading ----------------------------------------------------------------------------


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", "").lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("\u2019", "'").strip(" :").split())


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _columns(row):
    """``{kind: [column indexes]}`` for a header row, or None if it is not one."""
    folded = [_fold(cell) for cell in row]
    found = {}
    for kind, names in COLUMNS.items():
        indexes = [folded.index(name) for name in names if name in folded]
        if indexes:
            found[kind] = indexes
    if "amount" not in found or "communication" not in found:
        return None
    return found


def parse_amount(text):
    """The Decimal written in ``text`` (decimal comma or point, thousands separators), or
    None.  A last separator followed by one or two digits is the decimal one."""
    cleaned = re.sub(r"(?i)eur|€|\s|'", "", text.replace("\u00a0", " "))
    match = AMOUNT.fullmatch(cleaned)
    if match is None:
        return None
    sign, digits = match.groups()
    whole, fraction = digits, ""
    last = max(digits.rfind("."), digits.rfind(","))
    if last >= 0 and len(digits) - last - 1 <= 2 and digits.count(digits[last]) == 1:
        whole, fraction = digits[:last], digits[last + 1 :]
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1:
        separators = set(re.findall(r"[.,]", whole))
        if len(separators) > 1 or not 1 <= len(groups[0]) <= 3:
            return None
        if any(len(group) != 3 for group in groups[1:]):
            return None
    try:
        return Decimal(f"{sign}{''.join(groups)}.{fraction or '0'}").quantize(CENT)
    except InvalidOperation:
        return None


def find_reference(text):
    """The OGM written in ``text`` (alone or within other words), or None."""
    found = ogm.parse(text)
    if found is not None:
        return found
    for candidate in EMBEDDED_OGM.findall(text):
        found = ogm.parse(candidate.strip("+* "))
        if found is not None:
            return found
    return None


def _line(number, row, columns):
    def cell(index):
        return row[index].strip() if index < len(row) else None

    needed = max(index for indexes in columns.values() for index in indexes)
    if len(row) <= needed:
        return Line(number, problem=f"{len(row)} field(s) where {needed + 1} are needed")
    date = cell(columns["date"][0]) if "date" in columns else ""
    currency = cell(columns["currency"][0]).upper() if "currency" in columns else ""
    texts = [cell(index) for index in columns["communication"]]
    communication = next((text for text in texts if text), "")
    reference = next((found for found in map(find_reference, texts) if found is not None), None)
    raw_amount = cell(columns["amount"][0])
    amount = parse_amount(raw_amount)
    if amount is None:
        return Line(
            number,
            date=date,
            communication=communication,
            reference=reference,
            problem=f"amount {raw_amount[:30]!r} not understood",
        )
    return Line(number, date, amount, currency, communication, reference)


def read_statement(data):
    """The lines of the statement in ``data`` (bytes); raises StatementError."""
    if len(data) > MAX_BYTES:
        raise StatementError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    text = _decode(data)
    if "\x00" in text:
        raise StatementError("this is not a text (CSV) file")
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for _index, row in zip(range(HEADER_SEARCH), reader, strict=False):
                columns = _columns(row)
                if columns is not None:
                    return _rows(reader, columns)
        except csv.Error as exc:
            raise StatementError(f"line {reader.line_num}: {exc}") from exc
    raise StatementError(
        "no header row naming an amount and a communication column "
        "(for example: date;amount;communication) in the first "
        f"{HEADER_SEARCH} lines"
    )


def _rows(reader, columns):
    lines = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            lines.append(_line(reader.line_num, row, columns))
    except csv.Error as exc:
        raise StatementError(f"line {reader.line_num}: {exc}") from exc
    return lines


# -- matching ---------------------------------------------------------------------------


def apply(orders, lines, actor=ACTOR, progress=None):
    """Mark paid the orders that ``lines`` pay; the Outcome of every line, in order.

    ``orders`` is the site's Orders folder; call inside a transaction (the whole statement
    is one: if it fails, nothing is marked).  ``progress(done, total)``, if given, is
    called after each line.
    """
    outcomes = []
    for line in lines:
        outcomes.append(_apply_line(orders, line, actor))
        if progress is not None:
            progress(len(outcomes), len(lines))
    return outcomes


def _apply_line(orders, line, actor):
    if line.problem:
        return Outcome(line, False, UNREADABLE, line.problem)
    if line.currency and line.currency != "EUR":
        return Outcome(line, False, NOT_EURO, line.currency)
    if line.amount <= 0:
        return Outcome(line, False, NOT_INCOMING)
    if line.reference is None:
        detail = repr(line.communication[:60]) if line.communication else "none"
        return Outcome(line, False, INVALID, detail)
    order = orders.for_reference(line.reference.digits)
    if order is None or order.payment_reference != line.reference:
        return Outcome(line, False, UNKNOWN, str(line.reference))
    if order.state == CANCELLED:
        return Outcome(line, False, CANCELLED_ORDER, "refund the payment", order.number)
    if order.state != PLACED:
        return Outcome(line, False, ALREADY_PAID, f"state {order.state}", order.number)
    if line.amount != order.total:
        detail = f"expected {order.total}, got {line.amount}"
        return Outcome(line, False, WRONG_AMOUNT, detail, order.number)
    comment = f"bank statement, line {line.number}" + (f", {line.date}" if line.date else "")
    order.transition(None, "pay", comment=comment, actor=actor)
    return Outcome(line, True, order=order.number)


def import_statement(registry, lines, attempts=3, progress=None):
    """Apply ``lines`` to the site's orders in one transaction (retried when a concurrent
    change, a payment webhook say, conflicts with it); the Outcomes, once committed.
    Raises StatementError when the conflicts persist (nothing is marked then).
    ``progress(done, total)``: see :func:`apply` (a retry starts it again)."""
    for attempt in range(1, attempts + 1):
        try:
            with site_transaction(registry) as site:
                return apply(site["orders"], lines, progress=progress)
        except TransientError as exc:
            if attempt == attempts:
                raise StatementError(
                    "the orders kept changing during the import; nothing was marked, run it again"
                ) from exc
    return []  # attempts < 1
