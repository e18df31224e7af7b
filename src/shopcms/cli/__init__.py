"""The ``shopcms`` command: ``shopcms SUBCOMMAND INI_FILE [...]``.

Every subcommand loads the application from the ini file (so events, catalog and settings
are exactly those of the running site) and works in its own transaction.  The ini file is
always the first argument after the subcommand (``new-vault-key`` takes it optionally
and reads nothing).

The subcommands are grouped by domain, one module each, and every module adds its own to
the parser through ``add_commands(add)``:

- ``site``: init, load-content, add-user, reindex, evolve, pack (the site's database);
- ``orders``: import-payments (bank transfers);
- ``mail``: send-mail (the mail queue);
- ``newsletter``: send-campaign (the newsletter's campaigns);
- ``privacy``: export-customer, erase-customer (a customer's rights, asked by mail);
- ``vault``: new-vault-key, rotate-vault-key (the keys of the vault);
- ``retention``: retention (the retention rules, from cron);
- ``backup``: backup, restore (the FileStorages, with repozo);
- ``inbound``: process-inbound (unsubscribe mails and bounces, from cron or a timer);
- ``contests``: close-contest (a contest after its closing time, with the tie-breaker's value);
- ``images``: make-image-variants (the AVIF and WebP of product images stored before them).

``shopcms.cli.app`` holds what they share: loading the app, output, ``CommandError``.

Every subcommand takes ``--quiet`` (for cron: nothing is printed but errors), and those that
can run long (init, load-content, reindex, import-payments, send-mail, send-campaign,
retention, export-customer, make-image-variants) show their progress on stderr
(``shopcms.cli.app.Progress``).

``main`` returns the exit status: 0 on success, 2 after a ``CommandError`` (one line on
stderr, ``shopcms SUBCOMMAND: message``), or the status a subcommand returns (``send-mail``:
1 when the SMTP server could not take the queue).  Before any subcommand runs, argparse
ends a usage error with ``SystemExit(2)`` and ``--help`` with ``SystemExit(0)``.
"""

import argparse
import sys
import warnings

# Pyramid 2.1 (and deform 2, whichever comes first) imports setuptools' deprecated
# pkg_resources, which warns on import: two lines on stderr before every subcommand's
# output, meaningless to the shop owner (and noise in cron's mail).  Only that warning, only
# from those two, and before either is imported below (the package ``shopcms`` imports
# nothing); every other warning still shows.
warnings.filterwarnings(
    "ignore",
    message=r"pkg_resources is deprecated as an API",
    category=UserWarning,
    module=r"(pyramid|deform)\.",
)

from shopcms.cli import (  # noqa: E402 (after the filter, on purpose)
    backup,
    contests,
    images,
    inbound,
    mail,
    newsletter,
    orders,
    privacy,
    retention,
    site,
    vault,
)
from shopcms.cli.app import CommandError, close_databases, set_quiet  # noqa: E402

GROUPS = (
    site,
    orders,
    mail,
    newsletter,
    privacy,
    vault,
    retention,
    backup,
    inbound,
    contests,
    images,
)

# The order of the subcommands in ``shopcms --help``, kept from before the command was
# split into modules; a subcommand not named here comes last.
HELP_ORDER = (
    "init",
    "add-user",
    "load-content",
    "reindex",
    "import-payments",
    "evolve",
    "send-mail",
    "send-campaign",
    "new-vault-key",
    "rotate-vault-key",
    "export-customer",
    "erase-customer",
    "pack",
    "retention",
    "backup",
    "restore",
)


def build_parser():
    """The parser of ``shopcms``: a subparser per subcommand the GROUPS add.

    ``add(name, func, help, reads_ini=True)``, given to each group's ``add_commands``,
    declares a subcommand: ``func(args)`` runs it, ``help`` is its line in ``shopcms
    --help`` and ``func``'s docstring its description.  It returns a parser that already
    has the ``ini`` argument (optional and unread when ``reads_ini`` is false) and
    ``--quiet``, for the group to add the others.
    """
    # The first line of the module docstring only: the rest is for the reader of the code.
    parser = argparse.ArgumentParser(prog="shopcms", description=__doc__.splitlines()[0])
    declared = {}

    def add(name, func, help, reads_ini=True):
        # A parser of arguments only, made a subparser's parent below: so the groups can
        # declare in any order and the help still lists the subcommands in HELP_ORDER.
        arguments = argparse.ArgumentParser(add_help=False)
        if reads_ini:
            arguments.add_argument("ini", help="the settings file, e.g. development.ini")
        else:
            arguments.add_argument("ini", nargs="?", help="accepted for uniformity; not read")
        arguments.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="print nothing but errors: no report, no progress (for cron)",
        )
        arguments.set_defaults(func=func)
        declared[name] = (arguments, func, help)
        return arguments

    for group in GROUPS:
        group.add_commands(add)

    def listed(name):
        return HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)

    sub = parser.add_subparsers(dest="command", required=True)
    for name in sorted(declared, key=listed):
        arguments, func, help = declared[name]
        sub.add_parser(name, help=help, description=func.__doc__, parents=[arguments])
    return parser


def main(argv=None):
    """Run ``shopcms`` with ``argv`` (default: the process's arguments) and return its exit
    status, as the module docstring says; the databases the subcommand opened are closed,
    whatever happened."""
    args = build_parser().parse_args(argv)
    set_quiet(args.quiet)
    try:
        # A subcommand may return an exit status (None is success).
        status = args.func(args) or 0
    except CommandError as exc:
        sys.stderr.write(f"shopcms {args.command}: {exc}\n")
        return 2
    finally:
        close_databases()
    return status
