"""The subcommand that closes a contest: ``close-contest INI NAME --true-value N``."""

from shopcms.cli.app import CommandError, load, out
from shopcms.contests import closing
from shopcms.contests.entries import Refused
from shopcms.tree.database import site_transaction
from shopcms.web.clock import now


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    p = add(
        "close-contest", cmd_close_contest, "close an ended contest with the tie-breaker's value"
    )
    p.add_argument("name", help="the contest's name (its URL segment)")
    p.add_argument(
        "--true-value",
        type=int,
        required=True,
        help="the true value of the tie-breaker question (a whole number)",
    )


def cmd_close_contest(args):
    """Close the contest NAME after its closing time: record the tie-breaker's true value,
    drop the entries never confirmed and move the contest to "closed" (recorded as done by
    "cli").  The judges then check the ranking, confirm the winners and announce them on
    the desk.  Exit status 2 for an unknown contest, one that is not published or still
    running, or a negative value."""
    registry = load(args.ini)
    with site_transaction(registry) as site:
        contest = site["contests"].get(args.name)
        if contest is None or getattr(contest, "content_type", None) != "contest":
            raise CommandError(f"no contest named {args.name!r}")
        try:
            closing.close(contest, args.true_value, now(registry), actor=closing.CLI)
        except Refused as exc:
            raise CommandError(str(exc.message.interpolate())) from None
        confirmed = len(contest.confirmed_entries())
    value = args.true_value
    out(f"contest {args.name}: closed with true value {value}; {confirmed} confirmed entries")
