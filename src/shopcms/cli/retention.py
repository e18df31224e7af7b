"""The subcommand that applies the retention rules: ``retention`` (daily, from cron)."""

from shopcms.accounts.throttle import get_login_throttle
from shopcms.cli.app import load, out
from shopcms.statistics import retention
from shopcms.statistics.store import get_statistics_database
from shopcms.tree.database import site_transaction
from shopcms.web.clock import now, site_timezone


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    add("retention", cmd_retention, "apply the retention rules (statistics roll-up, sessions)")


def cmd_retention(args):
    """Apply the retention rules (daily, from cron; quiet unless something was done): the
    statistics' days older than 25 months are rolled up into months and the statistics
    database is packed; login session ids older than the absolute session timeout are
    removed from the accounts; expired login counters are deleted.  See
    shopcms.statistics.retention and shopcms.accounts.throttle."""
    registry = load(args.ini)
    statistics_db = get_statistics_database(registry)
    # None when the statistics are turned off: then there is nothing of them to roll up.
    if statistics_db is not None:
        today = now(registry).astimezone(site_timezone(registry)).date()
        rolled = retention.maintain_statistics(statistics_db, today)
        for month, days in sorted(rolled.items()):
            out(f"statistics: {days} day(s) of {month} rolled up into the month")
    # The same default as the login sessions themselves (shopcms.web.security): 12 hours.
    timeout = int(registry.settings.get("shopcms.session.absolute_timeout", 12 * 3600))
    with site_transaction(registry) as site:
        ended = retention.end_old_sessions(site, timeout)
    if ended:
        out(f"sessions: {ended} login session id(s) older than {timeout} s removed")
    # The login counters past their window (each login also removes a few).
    pruned = get_login_throttle(registry).prune(now(registry).timestamp())
    if pruned:
        out(f"login counters: {pruned} expired counter(s) removed")
