"""Bank statement files built for the tests: CODA 2.6 records and CAMT.053 XML, written
field by field after the layouts (positions are 1-based in the comments, as in Febelfin's
CODA 2.6 document).

``Movement`` is one transfer; :func:`coda` and :func:`camt` write a file holding
statements of such movements.  The tests put the OGMs of real orders in them.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

SHOP_IBAN = "BE71096123456769"
#: The outcomes a statement of :func:`five_outcomes` holds, line by line.
DAY = date(2026, 3, 2)


@dataclass
class Movement:
    amount: Decimal  # negative: a debit
    ogm: str = ""  # twelve digits: a structured communication (type 101)
    text: str = ""  # a free communication otherwise
    reference: str = ""  # the bank's reference of the movement
    name: str = "Jan Peeters"
    iban: str = "BE48001123456727"
    day: date = DAY


def _ddmmyy(day):
    return day.strftime("%d%m%y")


def _amount(value, width=15):
    """CODA's amount: the sign (0 credit, 1 debit) and ``width`` digits, 3 decimals."""
    sign = "1" if value < 0 else "0"
    return sign + f"{int(abs(value) * 1000):0{width}d}"


def _record(*fields):
    record = "".join(fields)
    assert len(record) == 128, (len(record), record)
    return record


def _header(day, duplicate=False):
    return _record(
        "00000",  # 1-5: record 0
        _ddmmyy(day),  # 6-11: creation date
        "725",  # 12-14: bank
        "05",  # 15-16: application code
        "D" if duplicate else " ",  # 17: duplicate
        " " * 7,
        "0000000001",  # 25-34: file reference
        "ONTO OBJECT BVBA".ljust(26),  # 35-60: addressee
        "KREDBEBB".ljust(11),  # 61-71: BIC
        "00123456789",  # 72-82: account holder's id
        " ",
        "00000",  # 84-88: separate application
        " " * 16,  # 89-104: transaction reference
        " " * 16,  # 105-120: related reference
        " " * 7,
        "2",  # 128: version
    )


def _account():
    return SHOP_IBAN.ljust(34) + "EUR"  # 6-42 (record 1) / 5-41 (record 8)


def coda(*statements, duplicate_last=False):
    """A CODA file of ``statements`` (each a list of :class:`Movement`): bytes."""
    records = []
    balance = Decimal("1000.00")
    for number, movements in enumerate(statements, start=1):
        day = movements[0].day if movements else DAY
        duplicate = duplicate_last and number == len(statements)
        records.append(_header(day, duplicate))
        records.append(
            _record(
                "1",
                "2",  # 2: Belgian account, IBAN structure
                f"{number:03d}",  # 3-5: paper statement number
                _account(),
                _amount(balance),  # 43-58: old balance
                _ddmmyy(day),  # 59-64: its date
                "ONTO OBJECT BVBA".ljust(26),  # 65-90
                "Zichtrekening".ljust(35),  # 91-125
                f"{number:03d}",  # 126-128: CODA sequence number
            )
        )
        counted = 1
        credit = debit = Decimal(0)
        for sequence, move in enumerate(movements, start=1):
            if move.ogm:
                communication = ("1101" + move.ogm).ljust(54)
            else:
                communication = ("0" + move.text).ljust(54)
            records.append(
                _record(
                    "21",
                    f"{sequence:04d}",  # 3-6: sequence
                    "0000",  # 7-10: detail
                    (move.reference or f"REF{number:03d}{sequence:04d}").ljust(21),  # 11-31
                    _amount(move.amount),  # 32-47: sign and amount
                    _ddmmyy(move.day),  # 48-53: value date
                    "00150000",  # 54-61: transaction code: transfer
                    communication,  # 62-115
                    _ddmmyy(move.day),  # 116-121: entry date
                    f"{number:03d}",  # 122-124: statement number
                    "0",  # 125: globalisation
                    "1",  # 126: next code (22 follows)
                    " ",
                    "0",  # 128: link code
                )
            )
            records.append(
                _record(
                    "22",
                    f"{sequence:04d}",
                    "0000",
                    " " * 53,  # 11-63: communication (continued)
                    " " * 35,  # 64-98: customer reference
                    "GEBABEBB".ljust(11),  # 99-109: counterparty's BIC
                    " " * 3,
                    " ",
                    " " * 4,
                    " " * 4,
                    " " * 4,
                    "1",  # 126: next code (23 follows)
                    " ",
                    "0",
                )
            )
            records.append(
                _record(
                    "23",
                    f"{sequence:04d}",
                    "0000",
                    move.iban.ljust(34) + "EUR",  # 11-47: counterparty's account
                    move.name.ljust(35),  # 48-82: counterparty's name
                    " " * 43,  # 83-125: communication (continued)
                    "0",
                    " ",
                    "0",
                )
            )
            counted += 3
            if move.amount > 0:
                credit += move.amount
            else:
                debit -= move.amount
        new = balance + credit - debit
        records.append(
            _record(
                "8",
                f"{number:03d}",  # 2-4
                _account(),  # 5-41
                _amount(new),  # 42-57
                _ddmmyy(day),  # 58-63
                " " * 64,
                "0",
            )
        )
        counted += 1
        records.append(
            _record(
                "9",
                " " * 15,
                f"{counted:06d}",  # 17-22: records 1, 2x, 3x and 8
                f"{int(debit * 1000):015d}",  # 23-37: debits
                f"{int(credit * 1000):015d}",  # 38-52: credits
                " " * 75,
                "2",  # 128: last file
            )
        )
        balance = new
    return ("\r\n".join(records) + "\r\n").encode("cp1252")


CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"


def camt(*statements, version="02"):
    """A CAMT.053 file of ``statements`` (each a list of :class:`Movement`): bytes."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<Document xmlns="{CAMT_NS.format(version=version)}">',
        "<BkToCstmrStmt>",
        "<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-03-03T06:00:00</CreDtTm></GrpHdr>",
    ]
    for number, movements in enumerate(statements, start=1):
        parts.append(
            f"<Stmt><Id>STMT-{number}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
            "<CreDtTm>2026-03-03T06:00:00</CreDtTm>"
            f"<Acct><Id><IBAN>{SHOP_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        )
        for sequence, move in enumerate(movements, start=1):
            reference = move.reference or f"ENTRY-{number}-{sequence}"
            indicator = "CRDT" if move.amount > 0 else "DBIT"
            status = "<Sts>BOOK</Sts>" if version == "02" else "<Sts><Cd>BOOK</Cd></Sts>"
            if move.ogm:
                remittance = (
                    "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                    "<Issr>BBA</Issr></Tp>"
                    f"<Ref>{move.ogm}</Ref></CdtrRefInf></Strd></RmtInf>"
                )
            else:
                remittance = f"<RmtInf><Ustrd>{escape(move.text)}</Ustrd></RmtInf>"
            name = f"<Nm>{escape(move.name)}</Nm>"
            debtor = name if version == "02" else f"<Pty>{name}</Pty>"
            parts.append(
                f'<Ntry><NtryRef>{reference}</NtryRef><Amt Ccy="EUR">{abs(move.amount)}</Amt>'
                f"<CdtDbtInd>{indicator}</CdtDbtInd>{status}"
                f"<BookgDt><Dt>{move.day.isoformat()}</Dt></BookgDt>"
                f"<ValDt><Dt>{move.day.isoformat()}</Dt></ValDt>"
                f"<AcctSvcrRef>{reference}</AcctSvcrRef>"
                "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
                "</Fmly></Domn></BkTxCd>"
                "<NtryDtls><TxDtls>"
                f"<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
                f"<RltdPties><Dbtr>{debtor}</Dbtr>"
                f"<DbtrAcct><Id><IBAN>{move.iban}</IBAN></Id></DbtrAcct></RltdPties>"
                f"{remittance}"
                "</TxDtls></NtryDtls></Ntry>"
            )
        parts.append("</Stmt>")
    parts.append("</BkToCstmrStmt></Document>")
    return "\n".join(parts).encode("utf-8")


# -- the desk, over HTTP ------------------------------------------------------------------

DESK_EMAIL = "desk@example.be"


def desk_login(browser, base, password):
    """Log in as order-desk staff through the real form at ``base`` (a live server)."""
    form = browser.get(f"{base}/en/login").forms["login"]
    form["email"] = DESK_EMAIL
    form["password"] = password
    form.submit("login", status=303)


def upload(browser, base, filename, data, status=200):
    """Upload a statement on the desk's page; the preview (a WebTest response)."""
    from webtest import Upload

    page = browser.get(f"{base}/en/manage/orders/statements")
    form = page.forms["statement-upload"]
    form["upload"] = Upload(filename, data, "application/octet-stream")
    return form.submit("preview", status=status)


def outcomes(page):
    """``[(line, outcome), ...]`` of the preview's (or result's) table."""
    return [
        (row.select_one("th").get_text(strip=True), row["data-outcome"])
        for row in page.html.select("table.statement tbody tr")
    ]


def last_transaction(site):
    """The id of the last transaction committed to ``site``'s main database."""
    return site.registry._zodb_databases[""].lastTransaction()
