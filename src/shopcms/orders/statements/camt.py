"""Bank statements as CAMT.053: ISO 20022 Bank-to-Customer Statement (XML).

Versions ``camt.053.001.02`` to ``.08`` (the namespace's last digits) are read alike: the
elements used kept their names and places, except the debtor's name, directly in ``Dbtr``
(``Nm``) up to .02 and in ``Dbtr/Pty`` from .08.  Each ``Stmt`` holds its account
(``Acct/Id/IBAN``) and entries (``Ntry``): ``Amt`` with its ``Ccy``, ``CdtDbtInd``
(``CRDT`` or ``DBIT``), ``RvslInd`` (a reversal counts as not incoming), ``Sts`` (only
``BOOK`` entries are read as payments), ``BookgDt`` (``Dt`` or ``DtTm``), the bank's
references ``AcctSvcrRef`` and ``NtryRef``, and the details of its transactions
(``NtryDtls/TxDtls``): the communication, structured (``RmtInf/Strd/CdtrRefInf/Ref``: the
OGM) or not (``RmtInf/Ustrd``), and the payer (``RltdPties/Dbtr`` name and
``RltdPties/DbtrAcct/Id/IBAN``).  An entry with several transactions (a batch) gives one
line per transaction, with the transaction's own amount (``Amt``, or
``AmtDtls/TxAmt/Amt``).

The XML is parsed without entities, DTDs or network access.  A line's ``number`` is the
line of its ``Ntry`` in the file; its key (``lines``) is made of the account, the entry's
reference (``AcctSvcrRef``, else ``NtryRef``) and the transaction's (``Refs/AcctSvcrRef``,
``EndToEndId`` or ``TxId``, else its rank in the entry), the booking date, the amount and
the communication.
"""

from decimal import Decimal, InvalidOperation

from lxml import etree
from stdnum import iban

from shopcms.orders import ogm
from shopcms.orders.statements.csvfile import find_reference
from shopcms.orders.statements.lines import Line, StatementError, with_keys

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
CENT = Decimal("0.01")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def looks_like_camt(data):
    """Whether ``data`` is XML: then this reader says whether it is a CAMT.053."""
    return data[:200].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _local(element):
    return etree.QName(element).localname


def _child(element, *path):
    """The element at ``path`` (local names, any namespace) below ``element``, or None."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if isinstance(c.tag, str) and _local(c) == name), None)
    return element


def _children(element, name):
    return [c for c in element if isinstance(c.tag, str) and _local(c) == name]


def _text(element, *path):
    found = _child(element, *path)
    return " ".join((found.text or "").split()) if found is not None else ""


def read_statement(data):
    """The lines of the CAMT.053 file ``data`` (bytes), with their keys; raises
    StatementError."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise StatementError(f"the XML cannot be read: {exc}") from exc
    namespace = etree.QName(root).namespace or ""
    if not namespace.startswith(NAMESPACE) or _local(root) != "Document":
        raise StatementError("this is not a CAMT.053 statement (camt.053.001.xx)")
    report = _child(root, "BkToCstmrStmt")
    if report is None:
        raise StatementError("this CAMT.053 file has no statement (BkToCstmrStmt)")
    lines = []
    for statement in _children(report, "Stmt"):
        account = _text(statement, "Acct", "Id", "IBAN")
        for entry in _children(statement, "Ntry"):
            lines.extend(_entry_lines(entry, account))
    return with_keys(lines, _identity)


def _amount(element):
    try:
        return Decimal((element.text or "").strip()).quantize(CENT)
    except (InvalidOperation, AttributeError):
        return None


def _entry_lines(entry, account):
    number = entry.sourceline or 0
    date = _text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm")[:10]
    amount_element = _child(entry, "Amt")
    amount = _amount(amount_element) if amount_element is not None else None
    currency = amount_element.get("Ccy", "") if amount_element is not None else ""
    if amount is None:
        return [Line(number, date=date, problem="no amount")]
    status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
    reversal = _text(entry, "RvslInd").lower() == "true"
    credit = _text(entry, "CdtDbtInd") == "CRDT" and not reversal
    entry_reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    details = [
        tx for details in _children(entry, "NtryDtls") for tx in _children(details, "TxDtls")
    ]
    lines = []
    for rank, tx in enumerate(details or [None], start=1):
        value = amount
        if tx is not None and len(details) > 1:
            own = _child(tx, "Amt")
            if own is None:
                own = _child(tx, "AmtDtls", "TxAmt", "Amt")
            value = _amount(own) if own is not None else None
            if value is None:
                lines.append(Line(number, date=date, problem="a transaction without amount"))
                continue
        communication, reference = _communication(tx)
        tx_reference = ""
        if tx is not None:
            tx_reference = (
                _text(tx, "Refs", "AcctSvcrRef")
                or _text(tx, "Refs", "EndToEndId")
                or _text(tx, "Refs", "TxId")
            )
            if tx_reference in ("", "NOTPROVIDED"):
                tx_reference = str(rank)
        name = _text(tx, "RltdPties", "Dbtr", "Nm") or _text(tx, "RltdPties", "Dbtr", "Pty", "Nm")
        payer_account = _text(tx, "RltdPties", "DbtrAcct", "Id", "IBAN")
        problem = "" if status in ("", "BOOK") else f"entry not booked ({status})"
        lines.append(
            Line(
                number=number,
                date=date,
                amount=value if credit else -value,
                currency=currency,
                communication=communication,
                reference=reference,
                problem=problem,
                payer_name=name,
                payer_iban=iban.compact(payer_account) if iban.is_valid(payer_account) else "",
                bank_reference=f"{account}/{entry_reference}/{tx_reference}"
                if entry_reference
                else "",
            )
        )
    return lines


def _communication(tx):
    """``(text, OGM or None)`` of a transaction: the structured reference first."""
    if tx is None:
        return "", None
    texts = []
    for information in _children(tx, "RmtInf"):
        for structured in _children(information, "Strd"):
            texts.append(_text(structured, "CdtrRefInf", "Ref"))
        texts.extend(" ".join((u.text or "").split()) for u in _children(information, "Ustrd"))
    texts = [text for text in texts if text]
    for text in texts:
        found = ogm.parse(text) or find_reference(text)
        if found is not None:
            return str(found), found
    return (texts[0] if texts else ""), None


def _identity(line):
    reference = line.reference.digits if line.reference else line.communication
    return (line.bank_reference, "camt", line.date, line.amount, reference)
