"""The ``shopcms`` command: ``shopcms SUBCOMMAND INI_FILE [...]``.

Every subcommand loads the application from the ini file (so events, catalog and settings
are exactly those of the running site) and works in its own transaction.
"""

import argparse
import dataclasses
import getpass
import logging
import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import InvalidToken
from pyramid.paster import get_app, setup_logging

from shopcms import evolve as evolve_mod
from shopcms.accounts.passwords import password_problem
from shopcms.catalog import reindex_all
from shopcms.mail import send_queued
from shopcms.orders import bank_import
from shopcms.pages.content import load_pages
from shopcms.privacy import erasure, vault
from shopcms.privacy.export import export_customer, to_json
from shopcms.products.content import load_catalog
from shopcms.statistics import retention
from shopcms.statistics.store import get_statistics_database
from shopcms.tree.database import evolve_steps, get_database, open_root, site_transaction
from shopcms.web.clock import now, site_timezone
from shopcms.web.i18n import languages
from shopcms.web.security import ADMIN, ROLES

log = logging.getLogger("shopcms.cli")

DEFAULT_ADMIN_EMAIL = "admin@softcactus.be"


def content_dir(settings):
    """The seed content folder: ``shopcms.content``, else ``content/`` in the working folder."""
    return Path(settings.get("shopcms.content") or "content").resolve()


def out(message=""):
    """Write a line for the person at the terminal."""
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


class CommandError(Exception):
    """A problem to report to the user in one line, exit status 2."""


_loaded = []


def load(ini):
    """The configured registry of the app in ``ini`` (the Site is created on load)."""
    setup_logging(ini)
    # Tell main() that a script is loading it: create the Site if needed, but leave a
    # pending evolve to ``shopcms evolve`` instead of refusing to start.
    app = get_app(ini, options={"shopcms_script": "true"})
    _loaded.append(app.registry)
    return app.registry


def close_databases():
    """Close what ``load`` opened: a FileStorage stays locked until its database is closed."""
    while _loaded:
        get_database(_loaded.pop()).close()


def cmd_init(args):
    """Create the site (or evolve it), load content/, and create the admin account once."""
    registry = load(args.ini)
    try:
        evolve_mod.evolve(get_database(registry), registry, evolve_steps(registry), log=out)
    except evolve_mod.EvolveError as exc:
        raise CommandError(str(exc)) from exc
    email = os.environ.get("SHOPCMS_ADMIN_EMAIL") or DEFAULT_ADMIN_EMAIL
    password = os.environ.get("SHOPCMS_ADMIN_PASSWORD")
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    problem = password_problem(password)
    if problem is not None:
        raise CommandError(f"SHOPCMS_ADMIN_PASSWORD: {problem.interpolate()}")
    with site_transaction(registry) as site:
        added = load_pages(
            site,
            content_dir(registry.settings),
            languages(registry),
            now(registry),
            registry=registry,
        )
        products = load_catalog(
            site, content_dir(registry.settings), languages(registry), registry=registry
        )
        customers = site["customers"]
        has_admin = any(ADMIN in account.roles for account in customers.values())
        if not has_admin:
            customers.create(email, password, roles=(ADMIN,))
    # Reported only after the commit, so what is printed is what the database holds.
    for loaded in added:
        out(f"page {loaded}")
    if products:
        out(f"added {products} products")
    if has_admin:
        out("an administrator exists already; not creating one")
        return
    out(f"created administrator {email}")
    if generated:
        # Shown once: it is stored only as an argon2id hash.
        out(f"  password: {password}   (shown only now: store it safely)")


def cmd_load_content(args):
    """Add new pages of content/, and a draft where a file changed (never over an editor's)."""
    registry = load(args.ini)
    with site_transaction(registry) as site:
        loaded = load_pages(
            site,
            content_dir(registry.settings),
            languages(registry),
            now(registry),
            update=True,
            registry=registry,
        )
    for item in loaded:
        out(f"page {item}")
    out(f"{len(loaded)} change(s)")


def _read_password(args):
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise CommandError("the passwords differ")
    return first


def cmd_add_user(args):
    """Create an account with a role, or grant the role to an existing account."""
    registry = load(args.ini)
    with site_transaction(registry) as site:
        account = site["customers"].find(args.email)
        if account is not None:
            account.grant(args.role)
            message = f"{account.email} now has the role {args.role}"
        else:
            password = _read_password(args)
            problem = password_problem(password)
            if problem is not None:
                raise CommandError(problem.interpolate())
            account = site["customers"].create(args.email, password, roles=(args.role,))
            message = f"created {account.email} with the role {args.role}"
    out(message)


def cmd_reindex(args):
    """Rebuild the catalog from the resource tree."""
    registry = load(args.ini)
    with site_transaction(registry) as site:
        count = reindex_all(site, languages(registry))
    out(f"reindexed {count} resources")


def cmd_evolve(args):
    """Run the evolve steps the database has not had yet, each in its own transaction."""
    registry = load(args.ini)
    conn, _tm = open_root(registry)
    try:
        current, latest = evolve_mod.check(conn.root(), evolve_steps(registry))
    finally:
        conn.close()
    out(f"database generation {current}, code generation {latest}")
    if args.dry_run:
        return
    try:
        ran = evolve_mod.evolve(get_database(registry), registry, evolve_steps(registry), log=out)
    except evolve_mod.EvolveError as exc:
        raise CommandError(str(exc)) from exc
    out(f"ran {len(ran)} evolve step(s)")


def cmd_send_mail(args):
    """Send the queued mails through the SMTP server of the settings, once.

    Exit status 1 when the server could not take them: they stay queued for the next run.
    """
    registry = load(args.ini)
    run = send_queued(registry)
    out(f"sent {run.sent} mail(s), {run.waiting} waiting")
    if run.rejected:
        out(f"{run.rejected} mail(s) refused by the server, moved to the queue's rejected/")
    if run.error:
        sys.stderr.write(f"shopcms send-mail: {run.error}\n")
        return 1
    return 0


def cmd_import_payments(args):
    """Mark paid the bank-transfer orders that a CSV bank statement pays (matched by their
    structured communication and exact amount); report the lines that match no open order.

    The statement format is described in ``shopcms.orders.bank_import``.  The whole file is
    one transaction, and importing it again marks nothing twice.
    """
    registry = load(args.ini)
    try:
        with open(args.file, "rb") as statement:
            data = statement.read(bank_import.MAX_BYTES + 1)
        lines = bank_import.read_statement(data)
        outcomes = bank_import.import_statement(registry, lines)
    except OSError as exc:
        raise CommandError(f"{args.file}: {exc.strerror}") from exc
    except bank_import.StatementError as exc:
        raise CommandError(f"{args.file}: {exc}") from exc
    # Reported only after the commit, so what is printed is what the database holds.
    for outcome in outcomes:
        out(str(outcome))
    paid = sum(outcome.matched for outcome in outcomes)
    out(f"{paid} order(s) marked paid, {len(outcomes) - paid} line(s) not matched")


def _find_account(site, email):
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
        text = to_json(export_customer(site, account, now(registry), registry))
    log.info("export: account %s exported from the command line", userid)
    if not args.output:
        sys.stdout.write(text + "\n")
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
    address.  Asks for confirmation unless --yes.  --pack then packs the database, so that
    no earlier revision keeps the erased data."""
    registry = load(args.ini)
    with site_transaction(registry) as site:
        account = _find_account(site, args.email)
        try:
            orders = erasure.check_erasable(site, account)
        except erasure.ErasureRefused as exc:
            raise CommandError(exc.message.interpolate()) from exc
        userid = account.__name__
    if not args.yes:
        out(f"Erase account {userid} ({args.email}) and anonymise its {len(orders)} order(s)?")
        out("This cannot be undone.")
        try:
            answer = input("Type yes to erase: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("not erased")
    note = args.note or "request handled with shopcms erase-customer"
    with site_transaction(registry) as site:
        account = _find_account(site, args.email)
        try:
            done = erasure.erase_customer(
                site,
                account,
                now(registry),
                registry,
                site._p_jar.transaction_manager,
                actor="system:cli",
                note=note,
            )
        except erasure.ErasureRefused as exc:
            raise CommandError(exc.message.interpolate()) from exc
    # Reported only after the commit, so what is printed is what the database holds.
    for line in done.done:
        out(line)
    out(f"confirmation mail queued to {args.email} (shopcms send-mail sends the queue)")
    if args.pack:
        seconds = erasure.purge_history(get_database(registry))
        out(f"database packed in {seconds:.1f} s: no earlier revision keeps the erased data")
    else:
        out("earlier revisions keep the erased data until the database is packed (shopcms pack)")


def cmd_pack(args):
    """Pack the database: earlier revisions of every record go (data erased since the last
    pack with them), and a FileStorage's Data.fs.old copy is removed.  No undo past it."""
    registry = load(args.ini)
    seconds = erasure.purge_history(get_database(registry))
    out(f"database packed in {seconds:.1f} s")


def cmd_new_vault_key(args):
    """Print a new key for ``shopcms.vault.keys`` (or SHOPCMS_VAULT_KEYS).  Reads nothing,
    changes nothing: to rotate, put it first in the setting, restart, run rotate-vault-key."""
    out(vault.new_key())


def cmd_rotate_vault_key(args):
    """Seal again with the first configured key every value the vault sealed: the tokens of
    saved payment methods and the TOTP secrets.  Afterwards the older keys can be dropped
    from the setting.  Fails, changing nothing, if a value opens with no configured key."""
    registry = load(args.ini)
    keeper = vault.get_vault(registry)
    methods = secrets_ = 0
    try:
        with site_transaction(registry) as site:
            for account in site["customers"].values():
                saved = account.preferences.payment_methods
                for index, method in enumerate(saved):
                    resealed = keeper.reseal(method.sealed_token)
                    saved[index] = dataclasses.replace(method, sealed_token=resealed)
                    methods += 1
                if getattr(account, "totp_secret", None) is not None:
                    account.totp_secret = keeper.reseal(account.totp_secret)
                    secrets_ += 1
    except InvalidToken as exc:
        raise CommandError("a sealed value opens with none of the configured keys") from exc
    # Reported only after the commit, so what is printed is what the database holds.
    out(f"resealed {methods} saved payment token(s) and {secrets_} TOTP secret(s)")


def cmd_retention(args):
    """Apply the retention rules (daily, from cron; quiet unless something was done): the
    statistics' days older than 25 months are rolled up into months and the statistics
    database is packed; login session ids older than the absolute session timeout are
    removed from the accounts.  See shopcms.statistics.retention."""
    registry = load(args.ini)
    statistics_db = get_statistics_database(registry)
    if statistics_db is not None:
        today = now(registry).astimezone(site_timezone(registry)).date()
        rolled = retention.maintain_statistics(statistics_db, today)
        for month, days in sorted(rolled.items()):
            out(f"statistics: {days} day(s) of {month} rolled up into the month")
    timeout = int(registry.settings.get("shopcms.session.absolute_timeout", 12 * 3600))
    with site_transaction(registry) as site:
        ended = retention.end_old_sessions(site, timeout)
    if ended:
        out(f"sessions: {ended} login session id(s) older than {timeout} s removed")


def build_parser():
    parser = argparse.ArgumentParser(prog="shopcms", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name, func, help):
        p = sub.add_parser(name, help=help, description=func.__doc__)
        p.add_argument("ini", help="the settings file, e.g. development.ini")
        p.set_defaults(func=func)
        return p

    add("init", cmd_init, "create the site, load content/, create the admin (idempotent)")
    p = add("add-user", cmd_add_user, "create an account with a role, or grant the role")
    p.add_argument("email")
    p.add_argument("--role", choices=ROLES, default="customer")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add("load-content", cmd_load_content, "load content/: new pages, drafts for changed files")
    add("reindex", cmd_reindex, "rebuild the catalog from the resource tree")
    p = add("import-payments", cmd_import_payments, "mark paid the orders a bank statement pays")
    p.add_argument("file", help="the bank statement (CSV)")
    p = add("evolve", cmd_evolve, "run the pending evolve steps")
    p.add_argument("--dry-run", action="store_true", help="only show the generations")
    add("send-mail", cmd_send_mail, "send the queued mails through SMTP, once")
    p = sub.add_parser(
        "new-vault-key", help="print a new vault key", description=cmd_new_vault_key.__doc__
    )
    p.add_argument("ini", nargs="?", help="accepted for uniformity; not read")
    p.set_defaults(func=cmd_new_vault_key)
    add("rotate-vault-key", cmd_rotate_vault_key, "seal the saved tokens with the first key")
    p = add("export-customer", cmd_export_customer, "all the data kept about a customer (JSON)")
    p.add_argument("email")
    p.add_argument("--output", help="write to this file (readable by you only) instead")
    p = add("erase-customer", cmd_erase_customer, "erase a customer's account and personal data")
    p.add_argument("email")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--note", help='the request, kept with the orders ("request by mail of ...")')
    p.add_argument("--pack", action="store_true", help="pack the database afterwards")
    add("pack", cmd_pack, "pack the database (removes earlier revisions: no undo past it)")
    add("retention", cmd_retention, "apply the retention rules (statistics roll-up, sessions)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        # A subcommand may return an exit status (None is success).
        status = args.func(args) or 0
    except CommandError as exc:
        sys.stderr.write(f"shopcms {args.command}: {exc}\n")
        return 2
    finally:
        close_databases()
    return status


if __name__ == "__main__":
    sys.exit(main())
