"""CAMT.053 bank statements (ISO 20022 XML): read in versions .02 and .08, previewed and
confirmed in the order desk while the server runs (acceptance point 5 of issue 17, CAMT)."""

from decimal import Decimal

import pytest

from shopcms.orders import statements
from shopcms.orders.ogm import ogm_for
from tests.orders.statement_files import SHOP_IBAN, Movement, camt, outcomes
from tests.orders.test_statements_coda import PAYER_IBAN, UNKNOWN_OGM, desk_import_twice


@pytest.mark.parametrize("version", ["02", "08"])
def test_a_camt_file_is_read_entry_by_entry(version):
    ogm = ogm_for("2026-000001").digits
    data = camt(
        [
            Movement(Decimal("20.45"), ogm=ogm, reference="E-1", name="Marie Dubois"),
            Movement(Decimal("-5.00"), text="Bankkosten"),
            Movement(Decimal("3.00"), text=f"bestelling {ogm_for('2026-000002')} dank"),
        ],
        [Movement(Decimal("20.45"), ogm=ogm, reference="E-1", name="Marie Dubois")],
        version=version,
    )
    kind, lines = statements.read_statement(data)
    assert kind == statements.CAMT
    first, fee, typed, again = lines
    assert (first.date, first.amount, first.currency) == ("2026-03-02", Decimal("20.45"), "EUR")
    assert first.reference.digits == ogm
    assert (first.payer_name, first.payer_iban) == ("Marie Dubois", PAYER_IBAN)
    assert first.bank_reference == f"{SHOP_IBAN}/E-1/1"
    assert fee.amount == Decimal("-5.00") and fee.communication == "Bankkosten"
    assert typed.reference == ogm_for("2026-000002")
    assert again.key == first.key and len({first.key, fee.key, typed.key}) == 3


def test_an_entry_with_several_transactions_gives_a_line_each():
    one, two = ogm_for("2026-000001"), ogm_for("2026-000002")
    data = camt([Movement(Decimal("30.00"), ogm=one.digits, reference="BATCH")]).decode()
    single = data[data.index("<TxDtls>") : data.index("</TxDtls>") + len("</TxDtls>")]
    first = single.replace("<Refs>", '<Amt Ccy="EUR">10.00</Amt><Refs>')
    second = first.replace("10.00", "20.00").replace(one.digits, two.digits)
    second = second.replace("NOTPROVIDED", "E2E-2")
    data = data.replace(single, first + second).encode()
    lines = statements.read_statement(data)[1]
    assert [(line.amount, line.reference) for line in lines] == [
        (Decimal("10.00"), one),
        (Decimal("20.00"), two),
    ]
    assert lines[0].key != lines[1].key


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Document><x/></Document>", "not a CAMT.053"),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053'
            b'.001.02"><BkToCstmrStmt><Stmt>',
            "XML cannot be read",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
            b"<BkToCstmrStmt><Stmt><Ntry><Amt Ccy='EUR'>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
            b"<NtryDtls><TxDtls><RmtInf><Ustrd>&x;</Ustrd></RmtInf></TxDtls></NtryDtls>"
            b"</Ntry></Stmt></BkToCstmrStmt></Document>",
            None,
        ),
    ],
)
def test_broken_or_hostile_xml_is_refused_or_read_without_entities(data, message):
    if message is None:
        # An external entity is never resolved: the line holds no file's content.
        lines = statements.read_statement(data)[1]
        assert "root:" not in lines[0].communication
        return
    with pytest.raises(statements.StatementError, match=message):
        statements.read_statement(data)


def five_outcomes(orders):
    paid, over, under = orders
    return camt(
        [
            Movement(paid.total, ogm=paid.payment_reference.digits, reference="E-PAID"),
            Movement(over.total + 5, ogm=over.payment_reference.digits, reference="E-OVER"),
            Movement(under.total - 1, ogm=under.payment_reference.digits, reference="E-UNDER"),
            Movement(paid.total, ogm=UNKNOWN_OGM, reference="E-UNKNOWN"),
            Movement(Decimal("-12.10"), text="Bankkosten", reference="E-FEE"),
        ],
        [Movement(paid.total, ogm=paid.payment_reference.digits, reference="E-PAID")],
        version="08",
    )


def test_camt_import_from_the_desk_with_the_server_running(tmp_path):
    preview, first, second, concurrent, orders, _numbers = desk_import_twice(
        tmp_path, five_outcomes
    )
    expected = [
        statements.PAID,
        statements.OVERPAID,
        statements.UNDERPAID,
        statements.UNKNOWN,
        statements.NOT_INCOMING,
        statements.DUPLICATE,
    ]
    assert "Preview: CAMT.053 statement" in preview.text
    assert [outcome for _line, outcome in outcomes(preview)] == expected
    assert [outcome for _line, outcome in outcomes(first)] == expected
    assert "2 orders marked paid." in first.text
    assert [outcome for _line, outcome in outcomes(second)] == [
        statements.DUPLICATE,
        statements.DUPLICATE,
        statements.DUPLICATE,
        statements.DUPLICATE,
        statements.NOT_INCOMING,
        statements.DUPLICATE,
    ]
    assert all("0 orders marked paid." in page.text for page in (second, *concurrent))
    paid, over, under = orders
    assert paid[:4] == ("paid", [None, "pay"], PAYER_IBAN, "Jan Peeters")
    assert over[:2] == ("paid", [None, "pay"])
    assert under[:3] == ("placed", [None], None)
