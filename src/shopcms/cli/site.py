"""The subcommands that set up and look after the site's database: ``init``,
``load-content``, ``add-user``, ``reindex``, ``evolve`` and ``pack``.
"""

import getpass
import os
import secrets
import sys

from shopcms import evolve as evolve_mod
from shopcms.accounts.passwords import password_problem
from shopcms.catalog import reindex_all
from shopcms.cli.app import CommandError, Progress, load, out, result
from shopcms.pages.content import content_folder, load_pages
from shopcms.privacy import erasure
from shopcms.products.content import load_catalog
from shopcms.tree.database import evolve_steps, get_database, open_root, site_transaction
from shopcms.web.clock import now
from shopcms.web.i18n import languages
from shopcms.web.security import ADMIN, ROLES

DEFAULT_ADMIN_EMAIL = "admin@softcactus.be"


def add_commands(add):
    """Add this module's subcommands to the ``shopcms`` parser (see ``shopcms.cli``)."""
    add("init", cmd_init, "create the site, load content/, create the admin (idempotent)")
    p = add("add-user", cmd_add_user, "create an account with a role, or grant the role")
    p.add_argument("email")
    p.add_argument("--role", choices=ROLES, default="customer")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add("load-content", cmd_load_content, "load content/: new pages, drafts for changed files")
    add("reindex", cmd_reindex, "rebuild the catalog from the resource tree")
    p = add("evolve", cmd_evolve, "run the pending evolve steps")
    p.add_argument("--dry-run", action="store_true", help="only show the generations")
    add("pack", cmd_pack, "pack the database (removes earlier revisions: no undo past it)")


def content_dir(settings):
    """The seed content folder: ``shopcms.content``, else ``content/`` in the working folder."""
    return content_folder(settings)


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
        with Progress("pages", unit="pages") as progress:
            added = load_pages(
                site,
                content_dir(registry.settings),
                languages(registry),
                now(registry),
                registry=registry,
                progress=progress,
            )
        # The long part of a first init: every image is re-encoded in each format and size.
        with Progress("products", unit="products") as progress:
            products = load_catalog(
                site,
                content_dir(registry.settings),
                languages(registry),
                registry=registry,
                progress=progress,
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
    if not generated:
        out(f"created administrator {email}")
        return
    # Shown once, even with --quiet: it is stored only as an argon2id hash.
    result(f"created administrator {email}")
    result(f"  password: {password}   (shown only now: store it safely)")


def cmd_load_content(args):
    """Add new pages of content/, and a draft where a file changed (never over an editor's)."""
    registry = load(args.ini)
    with site_transaction(registry) as site, Progress("pages", unit="pages") as progress:
        loaded = load_pages(
            site,
            content_dir(registry.settings),
            languages(registry),
            now(registry),
            update=True,
            registry=registry,
            progress=progress,
        )
    for item in loaded:
        out(f"page {item}")
    out(f"{len(loaded)} change(s)")


def _read_password(args):
    """The new account's password: one line of stdin with --password-stdin, else typed
    twice at the terminal (without echo); CommandError when the two differ."""
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
    with site_transaction(registry) as site, Progress("reindex", unit="resources") as progress:
        count = reindex_all(site, languages(registry), progress=progress)
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


def cmd_pack(args):
    """Pack the database: earlier revisions of every record go (data erased since the last
    pack with them), and a FileStorage's Data.fs.old copy is removed.  No undo past it."""
    registry = load(args.ini)
    seconds = erasure.purge_history(get_database(registry))
    out(f"database packed in {seconds:.1f} s")
