"""``shopcms import-payments INI FILE``: a bank statement marks the transfer orders paid."""

import subprocess
import sys
from pathlib import Path

import pytest
import transaction
from pyramid.paster import get_app

from shopcms import cli
from shopcms.tree.database import get_database, site_transaction
from tests.conftest import app_settings, make_site
from tests.factories import make_order


def write_ini(path, tmp_path):
    """An ini with the settings of the test sites (minus the test views)."""
    settings = app_settings(tmp_path)
    settings.pop("pyramid.includes", None)
    lines = ["[app:main]", "use = egg:shopcms"]
    lines += [f"{key} = {value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture
def shop(tmp_path):
    """Three orders in a seeded database, and the ini of that database (closed again)."""
    site = make_site(tmp_path)
    with site.edit() as root:
        orders = [make_order(root), make_order(root), make_order(root, state="cancelled")]
        found = [(order.number, str(order.payment_reference)) for order in orders]
    transaction.abort()
    site.close()
    return write_ini(tmp_path / "shop.ini", tmp_path), found


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def states(ini):
    app = get_app(ini)
    try:
        with site_transaction(app.registry) as site:
            return {number: order.state for number, order in site["orders"].items()}
    finally:
        get_database(app.registry).close()


def test_import_payments_marks_paid_and_reports_what_it_could_not_match(shop, tmp_path, capsys):
    ini, [(paid, paid_ref), (short, short_ref), (cancelled, cancelled_ref)] = shop
    bank = tmp_path / "statement.csv"
    bank.write_text(
        "Datum;Bedrag;Naam tegenpartij;Mededeling\n"
        f"02/03/2026;20,45;Jan Peeters;{paid_ref}\n"
        f"02/03/2026;19,45;Jan Peeters;{short_ref}\n"
        "02/03/2026;20,45;Jan Peeters;+++090/9337/55493+++\n"
        "02/03/2026;20,45;Jan Peeters;bestelling van Jan\n"
        f"02/03/2026;20,45;Jan Peeters;{cancelled_ref}\n",
        encoding="cp1252",
    )
    status, out, err = run(capsys, "import-payments", ini, str(bank))
    # Without a terminal, the progress is a line at the first line and one at the end.
    assert status == 0 and err == "import-payments: 1/5 (20%)\nimport-payments: 5/5 (100%)\n"
    header, *lines = out.splitlines()
    assert header == f"{bank}: CSV, 5 line(s)"
    assert lines[0] == f"line 2 (02/03/2026): {paid} marked paid, 20.45 EUR"
    assert "not matched, underpaid: expected 20.45, got 19.45" in lines[1]
    assert short in lines[1]
    assert "not matched, unknown communication: +++090/9337/55493+++" in lines[2]
    assert "not matched, invalid communication: 'bestelling van Jan'" in lines[3]
    assert "not matched, order cancelled" in lines[4] and cancelled in lines[4]
    assert lines[-1] == "1 order(s) marked paid, 4 line(s) not matched"
    assert "Jan Peeters" not in out  # the counterparty is never read
    assert states(ini) == {paid: "paid", short: "placed", cancelled: "cancelled"}

    # The same file again: nothing is marked twice.
    status, out, _err = run(capsys, "import-payments", ini, str(bank))
    assert status == 0
    assert "not matched, duplicate: imported 20" in out.splitlines()[1]
    assert f"[order {paid}]" in out.splitlines()[1]
    assert out.splitlines()[-1] == "0 order(s) marked paid, 5 line(s) not matched"
    assert states(ini) == {paid: "paid", short: "placed", cancelled: "cancelled"}


def test_import_payments_refuses_an_unreadable_file(shop, tmp_path, capsys):
    ini, _orders = shop
    status, _out, err = run(capsys, "import-payments", ini, str(tmp_path / "missing.csv"))
    assert status == 2 and "missing.csv: No such file or directory" in err
    bank = tmp_path / "statement.csv"
    bank.write_text("just some text\nwithout a header\n")
    status, _out, err = run(capsys, "import-payments", ini, str(bank))
    assert status == 2 and "no header row naming an amount and a communication column" in err


def test_import_payments_has_help():
    script = Path(sys.executable).with_name("shopcms")
    result = subprocess.run(
        [str(script), "import-payments", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "ini" in result.stdout and "file" in result.stdout


def test_import_payments_reads_a_coda_file_with_the_desks_code(shop, tmp_path, capsys):
    """The same statements code as the desk: a CODA file, its payer kept, its lines
    remembered (a CAMT.053 file goes the same way: tests/orders/test_statements_camt.py)."""
    from decimal import Decimal

    from tests.orders.statement_files import Movement, coda

    ini, [(paid, paid_ref), (short, short_ref), _cancelled] = shop
    bank = tmp_path / "statement.cod"
    digits = [ref.strip("+").replace("/", "") for ref in (paid_ref, short_ref)]
    bank.write_bytes(
        coda([Movement(Decimal("20.45"), ogm=digits[0]), Movement(Decimal("25.45"), ogm=digits[1])])
    )
    status, out, _err = run(capsys, "import-payments", ini, str(bank))
    assert status == 0
    header, first, second, total = out.splitlines()
    assert header == f"{bank}: CODA, 2 line(s)"
    assert first == f"line 3 (2026-03-02): {paid} marked paid, 20.45 EUR"
    assert second == (
        f"line 6 (2026-03-02): {short} marked paid, 25.45 EUR (overpaid: expected 20.45, got 25.45)"
    )
    assert total == "2 order(s) marked paid, 0 line(s) not matched"
    status, out, _err = run(capsys, "import-payments", ini, str(bank))
    assert out.splitlines()[-1] == "0 order(s) marked paid, 2 line(s) not matched"
    assert states(ini)[paid] == "paid" and states(ini)[short] == "paid"
