"""Bank statements as CSV: the exports of Belgian banks' online banking.

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

The counterparty's name and account number are never read (their columns differ from
bank to bank): a CSV line keeps neither.  Its key (``lines``) is made of its date, amount,
communication and rank, a CSV having no reference of the bank.
"""

import csv
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from shopcms.orders import ogm
from shopcms.orders.statements.lines import Line, StatementError, with_keys

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

#: An OGM inside a longer text: between +++ or ***, or written ddd/dddd/ddddd.
EMBEDDED_OGM = re.compile(
    r"(?:\+{3}|\*{3})\s*[0-9][0-9 /.]{10,16}[0-9]\s*(?:\+{3}|\*{3})"
    r"|(?<![0-9])[0-9]{3}\s*/\s*[0-9]{4}\s*/\s*[0-9]{5}(?![0-9])"
)
AMOUNT = re.compile(r"([+-]?)([0-9][0-9.,]*)")
CENT = Decimal("0.01")


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
    """The lines of the CSV statement in ``data`` (bytes), with their keys; raises
    StatementError."""
    text = _decode(data)
    if "\x00" in text:
        raise StatementError("this is not a text (CSV) file")
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for _index, row in zip(range(HEADER_SEARCH), reader, strict=False):
                columns = _columns(row)
                if columns is not None:
                    return with_keys(_rows(reader, columns), _identity)
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


def _identity(line):
    """No reference of the bank: the rank among equal lines makes the key (``lines``)."""
    reference = line.reference.digits if line.reference else line.communication
    return ("", "csv", line.date, line.amount, line.currency, reference)
