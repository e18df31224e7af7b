"""The subcommand for the orders paid by bank transfer: ``import-payments``."""

from shopcms.cli.app import CommandError, Progress, load, out
from shopcms.orders import bank_import


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    p = add("import-payments", cmd_import_payments, "mark paid the orders a bank statement pays")
    p.add_argument("file", help="the bank statement (CSV)")


def cmd_import_payments(args):
    """Mark paid the bank-transfer orders that a CSV bank statement pays (matched by their
    structured communication and exact amount); report the lines that match no open order.

    The statement format is described in ``shopcms.orders.bank_import``.  The whole file is
    one transaction, and importing it again marks nothing twice.
    """
    registry = load(args.ini)
    try:
        with open(args.file, "rb") as statement:
            # One byte over the limit is enough for read_statement to refuse the file.
            data = statement.read(bank_import.MAX_BYTES + 1)
        lines = bank_import.read_statement(data)
        with Progress("import-payments", unit="lines") as progress:
            outcomes = bank_import.import_statement(registry, lines, progress=progress)
    except OSError as exc:
        raise CommandError(f"{args.file}: {exc.strerror}") from exc
    except bank_import.StatementError as exc:
        raise CommandError(f"{args.file}: {exc}") from exc
    # Reported only after the commit, so what is printed is what the database holds.
    for outcome in outcomes:
        out(str(outcome))
    paid = sum(outcome.matched for outcome in outcomes)
    out(f"{paid} order(s) marked paid, {len(outcomes) - paid} line(s) not matched")
