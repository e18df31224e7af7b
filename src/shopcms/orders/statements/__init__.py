"""Bank statements: incoming transfers matched to open orders by their structured
communication (OGM) and amount.

Three formats, told apart by their content (never by the file's name): CODA (``codafile``,
Febelfin CODA 2.6, what Belgian banks deliver to accounting software), CAMT.053
(``camt``, ISO 20022 XML) and the CSV exports of online banking (``csvfile``).  Each reader
gives :class:`~shopcms.orders.statements.lines.Line` objects with a key that names the
bank's movement (``lines``); ``matching`` turns them into outcomes: :func:`plan` (the
preview, writing nothing) and :func:`apply` (the import, which remembers the lines so
that nothing is marked twice).

The same code serves the order desk (``/{lang}/manage/orders/statements``: upload,
preview, confirm, while the server runs) and ``shopcms import-payments INI FILE`` (for a
server that is stopped, or a database the command may open beside it: ZEO).
"""

from shopcms.orders.statements import camt, codafile, csvfile
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
    WRONG_AMOUNT,
    Line,
    Outcome,
    StatementError,
)
from shopcms.orders.statements.matching import (
    ACTOR,
    ImportedLine,
    ImportedLines,
    apply,
    import_statement,
    imported_lines,
    plan,
)

__all__ = [
    "ACTOR",
    "ALREADY_PAID",
    "CANCELLED_ORDER",
    "CAMT",
    "CODA",
    "CSV",
    "DUPLICATE",
    "INVALID",
    "ImportedLine",
    "ImportedLines",
    "Line",
    "MAX_BYTES",
    "NOT_EURO",
    "NOT_INCOMING",
    "OVERPAID",
    "Outcome",
    "PAID",
    "StatementError",
    "UNDERPAID",
    "UNKNOWN",
    "UNREADABLE",
    "WRONG_AMOUNT",
    "apply",
    "detect",
    "import_statement",
    "imported_lines",
    "plan",
    "read_statement",
]

#: A statement larger than this is refused (a year of a busy account is far smaller).
MAX_BYTES = 20 * 2**20

CODA, CAMT, CSV = "CODA", "CAMT.053", "CSV"
_READERS = {CODA: codafile.read_statement, CAMT: camt.read_statement, CSV: csvfile.read_statement}


def detect(data):
    """The format of the statement in ``data`` (bytes): :data:`CODA`, :data:`CAMT` or
    :data:`CSV` (anything else: its reader says what is wrong)."""
    if codafile.looks_like_coda(data[:200].decode("cp1252", errors="replace")):
        return CODA
    if camt.looks_like_camt(data):
        return CAMT
    return CSV


def read_statement(data):
    """``(format, lines)`` of the statement in ``data`` (bytes), whatever its format;
    raises StatementError."""
    if len(data) > MAX_BYTES:
        raise StatementError(f"the file is larger than {MAX_BYTES // 2**20} MB")
    if not data.strip():
        raise StatementError("the file is empty")
    kind = detect(data)
    return kind, _READERS[kind](data)
