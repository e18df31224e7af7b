"""The subcommands for a customer's rights asked by mail rather than on the site:
``export-customer`` (the data export) and ``erase-customer`` (erasure).
"""

import logging
import os

from shopcms.cli.app import CommandError, Progress, load, out, result
from shopcms.mail import send_queued
from shopcms.privacy import erasure
from shopcms.privacy.export import export_customer, to_json
from shopcms.tree.database import get_database, site_transaction
from shopcms.web.clock import now

# The name the command logged under before it became a package: log settings and
# searches through the logs for the exports done from the command line keep finding it.
log = logging.getLogger("shopcms.cli")


def add_commands(add):
    """Add this module's subcommands to the ``shopcms`` parser (see ``shopcms.cli``)."""
    p = add("export-customer", cmd_export_customer, "all the data kept about a customer (JSON)")
    p.add_argument("email")
    p.add_argument("--output", help="write to this file (readable by you only) instead")
    p = add("erase-customer", cmd_erase_customer, "erase a customer's account and personal data")
    p.add_argument("email")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--note", help='the request, kept with the orders ("request by mail of ...")')
    p.add_argument("--pack", action="store_true", help="pack the database afterwards")
    p.add_argument(
        "--keep-reviews",
        action="store_true",
        help="the customer asks to keep their published reviews without any name "
        "(else every review of theirs is deleted)",
    )


def _find_account(site, email):
    """The account with this email address; CommandError when there is none."""
    account = site["customers"].find(email)
    if account is None:
        raise CommandError(f"no account has the email address {email}")
    return account


def cmd_export_customer(args):
    """Write all the data the shop keeps about the account with this email address as JSON
    (the customer's own data export), to --output or standard output.  Writes nothing to
    the database."""
    registry = load(args.ini)
    with site_transaction(registry) as site:
        account = _find_account(site, args.email)
        userid = account.__name__
        with Progress("export-customer", unit="parts") as progress:
            data = export_customer(site, account, now(registry), registry, progress=progress)
        text = to_json(data)
    log.info("export: account %s exported from the command line", userid)
    if not args.output:
        result(text)
        return
    try:
        # Readable by the owner only: it is one customer's personal data.
        fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as output:
            output.write(text + "\n")
    except OSError as exc:
        raise CommandError(f"{args.output}: {exc.strerror}") from exc
    out(f"wrote the data of account {userid} to {args.output}")


def cmd_erase_customer(args):
    """Erase the account with this email address (a request by mail): the account and its
    data go, its orders stay without personal data, a confirmation mail is queued to the
    address.  Its reviews are deleted, or with --keep-reviews the published ones stay
    without any name.  Asks for confirmation unless --yes.  --pack then delivers the outbox (the
    confirmation holds the address until it leaves) and packs the database, so that no
    earlier revision keeps the erased data."""
    registry = load(args.ini)
    # First only check, so that the question is never asked about an erasure that would
    # be refused anyway.
    with site_transaction(registry) as site:
        account = _find_account(site, args.email)
        try:
            orders = erasure.check_erasable(site, account)
        except erasure.ErasureRefused as exc:
            raise CommandError(exc.message.interpolate()) from exc
        userid = account.__name__
    if not args.yes:
        # The question is asked even with --quiet: the answer is needed.
        result(f"Erase account {userid} ({args.email}) and anonymise its {len(orders)} order(s)?")
        if args.keep_reviews:
            result("Its published reviews stay without any name; its other reviews are deleted.")
        else:
            result("Its reviews are deleted.")
        result("This cannot be undone.")
        try:
            answer = input("Type yes to erase: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("not erased")
    note = args.note or "request handled with shopcms erase-customer"
    # A new transaction, after the answer: the account is looked up again as it is now,
    # and erase_customer checks it again.
    with site_transaction(registry) as site:
        account = _find_account(site, args.email)
        try:
            done = erasure.erase_customer(
                site,
                account,
                now(registry),
                registry,
                site._p_jar.transaction_manager,
                actor=erasure.COMMAND_LINE,
                note=note,
                options={erasure.KEEP_REVIEWS} if args.keep_reviews else (),
            )
        except erasure.ErasureRefused as exc:
            raise CommandError(exc.message.interpolate()) from exc
    # Reported only after the commit, so what is printed is what the database holds.
    for line in done.done:
        out(line)
    out(f"confirmation mail queued to {args.email} (shopcms send-mail sends the outbox)")
    if args.pack:
        # The confirmation holds the address until it has left: send it first, so that the
        # pack takes the address with it.
        run = send_queued(registry)
        if run.waiting:
            out(f"{run.waiting} mail(s) still wait in the outbox: pack again once they left")
        seconds = erasure.purge_history(get_database(registry))
        out(f"database packed in {seconds:.1f} s: no earlier revision keeps the erased data")
    else:
        out("earlier revisions keep the erased data until the database is packed (shopcms pack)")
