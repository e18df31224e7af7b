"""The subcommand for the orders paid by bank transfer: ``import-payments``."""

from shopcms.cli.app import CommandError, Progress, load, out
from shopcms.orders import statements


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    p = add("import-payments", cmd_import_payments, "mark paid the orders a bank statement pays")
    p.add_argument("file", help="the bank statement (CODA, CAMT.053 or CSV)")


def cmd_import_payments(args):
    """Mark paid the bank-transfer orders that a bank statement pays (matched by their
    structured communication and amount); report every other line with the reason.

    The statement is a CODA file, a CAMT.053 file or a CSV export, told apart by its
    content (``shopcms.orders.statements`` describes them and the outcomes).  The whole
    file is one transaction, and importing it again, or a statement that overlaps one
    imported before, marks nothing twice (its lines are reported as duplicates).

    This command opens the database itself: with a FileStorage, only while the server is
    stopped.  While the server runs, import the statement in the order desk instead
    (Orders > Bank statements: upload, preview, confirm), which runs this same code.
    """
    registry = load(args.ini)
    try:
        with open(args.file, "rb") as statement:
            # One byte over the limit is enough for read_statement to refuse the file.
            data = statement.read(statements.MAX_BYTES + 1)
        kind, lines = statements.read_statement(data)
        with Progress("import-payments", unit="lines") as progress:
            outcomes = statements.import_statement(registry, lines, progress=progress)
    except OSError as exc:
        raise CommandError(f"{args.file}: {exc.strerror}") from exc
    except statements.StatementError as exc:
        raise CommandError(f"{args.file}: {exc}") from exc
    # Reported only after the commit, so what is printed is what the database holds.
    out(f"{args.file}: {kind}, {len(outcomes)} line(s)")
    for outcome in outcomes:
        out(str(outcome))
    paid = sum(outcome.matched for outcome in outcomes)
    out(f"{paid} order(s) marked paid, {len(outcomes) - paid} line(s) not matched")
