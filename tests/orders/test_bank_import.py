"""Bank statements: reading the CSV exports of Belgian banks, matching them to orders."""

from decimal import Decimal

import pytest

from shopcms.orders import statements as bank_import
from shopcms.orders.ogm import ogm_for
from shopcms.orders.statements import StatementError
from shopcms.orders.statements.csvfile import parse_amount
from tests.factories import make_order


def read_statement(data):
    return bank_import.read_statement(data)[1]


# -- reading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("13,50", "13.50"),
        ("13.50", "13.50"),
        ("+13,50", "13.50"),
        ("-7,00", "-7.00"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56 EUR", "1234.56"),
        ("€ 20,45", "20.45"),
        ("1,5", "1.50"),
        ("1.234", "1234.00"),  # a thousands separator: amounts have at most two decimals
        ("12", "12.00"),
    ],
)
def test_amounts_with_a_decimal_comma_or_point(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "1e5", "12.345,678", "1.234.56", "12,34,5", "--3"])
def test_amounts_that_are_not_understood(text):
    assert parse_amount(text) is None


def test_a_kbc_like_export_semicolons_and_decimal_commas():
    ogm = ogm_for("2026-000007")
    data = (
        "Rekeningnummer;Rubrieknaam;Naam;Munt;Afschriftnummer;Datum;Omschrijving;Valuta;"
        "Bedrag;Saldo;credit;debet;rekeningnummer tegenpartij;BIC tegenpartij;"
        "Naam tegenpartij;Adres tegenpartij;gestructureerde mededeling;Vrije mededeling\n"
        "BE68539007547034;Zicht;SOFT CACTUS;EUR;00012;02/03/2026;STORTING;02/03/2026;"
        f"1.234,56;5000,00;;;BE71096123456769;GKCCBEBB;Jan Peeters;Gent;{ogm.digits};\n"
        "BE68539007547034;Zicht;SOFT CACTUS;EUR;00012;03/03/2026;BETALING;03/03/2026;"
        "-12,00;4988,00;;;BE71096123456769;GKCCBEBB;Leverancier;Gent;;factuur 12\n"
    ).encode("cp1252")
    first, second = read_statement(data)
    assert (first.number, first.date, first.amount, first.currency) == (
        2,
        "02/03/2026",
        Decimal("1234.56"),
        "EUR",
    )
    assert first.reference == ogm
    assert (second.amount, second.reference, second.communication) == (
        Decimal("-12.00"),
        None,
        "factuur 12",
    )


def test_a_comma_separated_export_with_a_preamble_a_bom_and_french_headers():
    ogm = ogm_for("2026-000012")
    data = (
        "\ufeffCompte;BE68 5390 0754 7034\n"
        "Période;01/03/2026 - 31/03/2026\n"
        "\n"
        "Date d'exécution,Montant,Devise,Nom de la contrepartie,Communication\n"
        f'05/03/2026,"20,45",EUR,Marie Dupont,"{ogm}"\n'
        f'06/03/2026,"20,45",EUR,Marie Dupont,"Commande 2026-000012 {str(ogm)[3:-3]}"\n'
    ).encode()
    lines = read_statement(data)
    assert [(line.number, line.amount, line.reference) for line in lines] == [
        (5, Decimal("20.45"), ogm),
        (6, Decimal("20.45"), ogm),  # found within a longer text
    ]


def test_the_counterparty_is_never_read():
    data = b"date;amount;communication;name;iban\n2026-03-02;5,00;+++090/9337/55493+++;Jan;BE71\n"
    (line,) = read_statement(data)
    assert "Jan" not in repr(line) and "BE71" not in repr(line)


def test_a_file_without_a_recognisable_header_is_refused():
    with pytest.raises(StatementError, match="no header row"):
        read_statement(b"2026-03-02;13,50;+++090/9337/55493+++\n")
    with pytest.raises(StatementError, match="no header row"):
        read_statement(b"date;amount\n2026-03-02;13,50\n")
    with pytest.raises(StatementError, match="not a text"):
        read_statement(b"\x00\x01PK\x03\x04")
    with pytest.raises(StatementError, match="larger than"):
        read_statement(b"x" * (bank_import.MAX_BYTES + 1))


def test_short_lines_and_odd_amounts_are_reported_as_unreadable():
    data = b"date;amount;communication\n2026-03-02;12.34.56;+++090/9337/55493+++\n2026-03-03\n\n"
    first, second = read_statement(data)
    assert first.problem.startswith("amount") and second.problem.startswith("1 field(s)")


# -- matching ---------------------------------------------------------------------------


def statement(*rows):
    text = "Datum;Bedrag;Munt;Mededeling\n" + "".join(f"{row}\n" for row in rows)
    return read_statement(text.encode())


def test_lines_are_matched_by_communication_and_exact_amount(site):
    with site.edit() as root:
        exact = make_order(root)  # one mug and shipping: 20.45
        short = make_order(root)
        gone = make_order(root, state="cancelled")
        numbers = exact.number, short.number, gone.number
        refs = [str(order.payment_reference) for order in (exact, short, gone)]
    unknown = ogm_for("2026-999999")
    lines = statement(
        f"02/03/2026;20,45;EUR;{refs[0]}",
        f"02/03/2026;20,00;EUR;{refs[1]}",
        f"02/03/2026;20,45;EUR;{unknown}",
        "02/03/2026;20,45;EUR;+++123/4567/89012+++",
        "02/03/2026;20,45;EUR;",
        f"02/03/2026;-20,45;EUR;{refs[0]}",
        f"02/03/2026;20,45;USD;{refs[1]}",
        f"02/03/2026;20,45;EUR;{refs[2]}",
        f"02/03/2026;twenty;EUR;{refs[1]}",
        f"03/03/2026;20,45;EUR;{refs[0]}",  # the same order paid twice in one file
    )
    with site.edit() as root:
        outcomes = bank_import.apply(root["orders"], lines)
    summary = [(o.line.number, o.matched, o.reason, o.order) for o in outcomes]
    assert summary == [
        (2, True, bank_import.PAID, numbers[0]),
        (3, False, bank_import.UNDERPAID, numbers[1]),
        (4, False, bank_import.UNKNOWN, None),
        (5, False, bank_import.INVALID, None),
        (6, False, bank_import.INVALID, None),
        (7, False, bank_import.NOT_INCOMING, None),
        (8, False, bank_import.NOT_EURO, None),
        (9, False, bank_import.CANCELLED_ORDER, numbers[2]),
        (10, False, bank_import.UNREADABLE, None),
        (11, False, bank_import.ALREADY_PAID, numbers[0]),
    ]
    assert outcomes[1].detail == "expected 20.45, got 20.00"
    assert "underpaid: expected 20.45, got 20.00" in str(outcomes[1])
    assert str(outcomes[0]) == f"line 2 (02/03/2026): {numbers[0]} marked paid, 20.45 EUR"

    def states(root):
        return [root["orders"][number].state for number in numbers]

    assert site.read(states) == ["paid", "placed", "cancelled"]
    entry = site.read(lambda root: root["orders"][numbers[0]].workflow_history[-1])
    assert (entry.transition, entry.actor) == ("pay", "system:bank-import")
    assert entry.comment == "bank statement, line 2, 02/03/2026"


def test_importing_the_same_statement_twice_marks_nothing_twice(site):
    with site.edit() as root:
        order = make_order(root)
        number, ref = order.number, str(order.payment_reference)
    lines = statement(f"02/03/2026;20,45;EUR;{ref}")
    first = bank_import.import_statement(site.registry, lines)
    second = bank_import.import_statement(site.registry, lines)
    assert [o.matched for o in first] == [True]
    # The second import recognises the line itself: it is a duplicate.
    assert [(o.matched, o.reason) for o in second] == [(False, bank_import.DUPLICATE)]
    history = site.read(lambda root: list(root["orders"][number].workflow_history))
    assert [entry.transition for entry in history] == [None, "pay"]
