"""Bank statements as CODA: the Belgian banks' coded statements (Febelfin CODA 2.6).

A CODA file is text (Windows-1252) in records of 128 characters, one per line: 0 the
header, 1 the old balance, 21/22/23 a movement (21: its bank reference, amount and sign
(0 credit, 1 debit), dates, transaction code and communication, structured when position
62 is 1, type 101 being the OGM in positions 66-77; 22: more communication and the
counterparty's BIC; 23: the counterparty's account and name), 31/32/33 information, 4 free
communication, 8 the new balance, 9 the trailer (counts and totals).  A file may hold
several statements, each from 0 to 9.

The records are read by ``febelfin-coda`` (the Tryton foundation's parser, BSD licence,
maintained, amounts as Decimal, written against the 2.6 layout), which checks each
statement's trailer: number of records, debit and credit totals, old balance plus
movements equals new balance.  We check the totals once more ourselves (its checks are
``assert`` statements, which ``python -O`` drops).  pycoda, the other parser in the
package lists, was not chosen: GPL, no release since 2022, amounts as float.

A movement globalised by the bank (a batch) with detail movements counts by its details,
each with its own communication and counterparty.  A line's ``number`` is the line of its
21 record in the file; its key (``lines``) is made of the account, the bank reference and
detail number, the entry date, the amount and the communication.
"""

import io
import re
from decimal import Decimal

import coda
from stdnum import iban

from shopcms.orders import ogm
from shopcms.orders.statements.csvfile import find_reference
from shopcms.orders.statements.lines import Line, StatementError, with_keys

RECORD = 128
#: The first record of a CODA file: zeros, the creation date, the bank, application 05.
HEADER = re.compile(r"0{5}\d{9}05[ D]")
OGM_TYPE = "101"


def looks_like_coda(text):
    return HEADER.match(text.lstrip("\ufeff")) is not None


def read_statement(data):
    """The lines of the CODA file ``data`` (bytes), with their keys; raises StatementError."""
    text = data.decode("cp1252", errors="replace").lstrip("\ufeff")
    records = [record.ljust(RECORD) + "\n" for record in text.splitlines() if record.strip()]
    if not records or not looks_like_coda(records[0]):
        raise StatementError("this is not a CODA file (no header record)")
    if any(len(record) > RECORD + 1 for record in records):
        raise StatementError("a CODA record is longer than 128 characters")
    try:
        parsed = coda.CODA(io.StringIO("".join(records)))
    except AssertionError as exc:
        raise StatementError("the CODA file's totals or record counts do not add up") from exc
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        raise StatementError(f"the CODA file cannot be read ({exc})") from exc
    numbers = [index + 1 for index, record in enumerate(records) if record.startswith("21")]
    lines = []
    position = iter(numbers)
    for statement in parsed.statements:
        _check_totals(statement)
        account = statement.account or ""
        currency = (statement.account_currency or "").strip()
        for move in statement.moves:
            everything = [move, *move.all_moves]
            numbered = dict(zip(map(id, everything), position, strict=False))
            for leaf in move.moves or [move]:
                lines.append(_line(numbered.get(id(leaf), 0), leaf, account, currency))
    return with_keys(lines, _identity)


def _check_totals(statement):
    if statement.total_credit is None:
        raise StatementError("the CODA file ends without its trailer record (9)")
    credit = sum((m.amount for m in statement.moves if m.amount > 0), Decimal(0))
    debit = -sum((m.amount for m in statement.moves if m.amount < 0), Decimal(0))
    if (credit, debit) != (statement.total_credit, statement.total_debit):
        raise StatementError("the CODA file's totals do not add up")


def _line(number, move, account, currency):
    communication = move.communication or ""
    reference = None
    if move.communication_type == OGM_TYPE:
        reference = ogm.parse(communication)
        communication = str(reference) if reference else communication
    else:
        # Some payers type the OGM as free text: read it there as the CSV reader does.
        reference = find_reference(communication)
    payer_account = (move.counterparty_account or "")[:34].strip()
    return Line(
        number=number,
        date=(move.entry_date or move.value_date).isoformat(),
        amount=move.amount.quantize(Decimal("0.01")),
        currency=currency,
        communication=" ".join(communication.split()),
        reference=reference,
        payer_name=" ".join((move.counterparty_name or "").split()),
        payer_iban=iban.compact(payer_account) if iban.is_valid(payer_account) else "",
        bank_reference=f"{account}/{move.bank_reference.strip()}/{move.detail_sequence}",
    )


def _identity(line):
    reference = line.reference.digits if line.reference else line.communication
    return (line.bank_reference, "coda", line.date, line.amount, reference)
