"""The subcommand that applies the retention rules: ``retention`` (daily, from cron)."""

from shopcms.accounts.throttle import get_login_throttle
from shopcms.cli.app import Progress, load, out
from shopcms.contests import api as contests
from shopcms.invoicing import api as invoicing
from shopcms.newsletter import api as newsletter
from shopcms.orders import api as orders
from shopcms.reviews import api as reviews
from shopcms.statistics import retention
from shopcms.statistics.store import get_statistics_database
from shopcms.stockalerts import api as stockalerts
from shopcms.tree.database import get_database, site_transaction
from shopcms.web.clock import now, site_timezone

#: The rules ``cmd_retention`` applies, each a step of its progress.
STEPS = 10


def add_commands(add):
    """Add this module's subcommand to the ``shopcms`` parser (see ``shopcms.cli``)."""
    add("retention", cmd_retention, "apply the retention rules (statistics roll-up, sessions)")


def cmd_retention(args):
    """Apply the retention rules (daily, from cron; quiet unless something was done): the
    statistics' days older than 25 months are rolled up into months and the statistics
    database is packed; login session ids older than the absolute session timeout are
    removed from the accounts; expired login counters are deleted; reviews withdrawn,
    rejected or marked as spam more than 30 days ago are deleted; newsletter subscriptions
    never confirmed are deleted when their confirmation link expires (7 days); contest
    entries never confirmed likewise, the others 60 days after the winners were announced
    (a winner's 60 days after the prize was delivered), and a contest left without entries
    is purged (shopcms.contests.privacy); back-in-stock alerts never confirmed in 7 days,
    or confirmed 12 months ago for a product that never came back, are deleted
    (shopcms.stockalerts); orders paid by bank transfer and still unpaid get a
    reminder after shopcms.transfer.remind_after_days (7) and are cancelled after
    shopcms.transfer.cancel_after_days (14), stock given back, each with its mail once
    (shopcms.orders.unpaid); invoices and credit notes 10 years after 1 January of the
    year after their issue are deleted with their orders (shopcms.invoicing); then the
    main database is packed, keeping ``shopcms.retention.history_days`` days of history
    (default 1).
    See shopcms.statistics.retention and shopcms.accounts.throttle."""
    registry = load(args.ini)
    with Progress("retention", unit="steps") as progress:
        _apply_rules(registry, lambda done: progress(done, STEPS))


def _apply_rules(registry, step):
    """The rules of ``cmd_retention`` in order; ``step(done)`` after each of them."""
    statistics_db = get_statistics_database(registry)
    # None when the statistics are turned off: then there is nothing of them to roll up.
    if statistics_db is not None:
        today = now(registry).astimezone(site_timezone(registry)).date()
        rolled = retention.maintain_statistics(statistics_db, today)
        for month, days in sorted(rolled.items()):
            out(f"statistics: {days} day(s) of {month} rolled up into the month")
    step(1)
    # The same default as the login sessions themselves (shopcms.web.security): 12 hours.
    timeout = int(registry.settings.get("shopcms.session.absolute_timeout", 12 * 3600))
    with site_transaction(registry) as site:
        ended = retention.end_old_sessions(site, timeout)
    if ended:
        out(f"sessions: {ended} login session id(s) older than {timeout} s removed")
    step(2)
    with site_transaction(registry) as site:
        purged = reviews.purge_closed(site, now(registry), registry)
    if purged:
        out(f"reviews: {purged} withdrawn, rejected or spam review(s) older than 30 days deleted")
    step(3)
    with site_transaction(registry) as site:
        forgotten = newsletter.forget_unconfirmed(site, now(registry))
    if forgotten:
        out(f"newsletter: {forgotten} subscription request(s) never confirmed in 7 days deleted")
    step(4)
    with site_transaction(registry) as site:
        unconfirmed, entries, purged = contests.purge_expired(site, now(registry))
    if unconfirmed:
        out(f"contests: {unconfirmed} entry(ies) never confirmed in 7 days deleted")
    if entries:
        out(f"contests: {entries} entry(ies) past their retention deleted")
    if purged:
        out(f"contests: {purged} contest(s) purged: only the counts and the winners' lines stay")
    step(5)
    # Back-in-stock alerts: never confirmed in 7 days, or confirmed 12 months ago and their
    # product never came back (shopcms.stockalerts).
    with site_transaction(registry) as site:
        alerts_gone = stockalerts.purge_expired(site, now(registry))
    if alerts_gone:
        out(f"stock alerts: {alerts_gone} alert(s) past their retention deleted")
    step(6)
    # Invoicing: invoices and credit notes past their 10 years (from 1 January of the year
    # after issue), with their orders, anonymised first (shopcms.invoicing.retention).
    with site_transaction(registry) as site:
        orders_gone, documents_gone = invoicing.purge_expired(site, now(registry), registry)
    if documents_gone:
        out(
            f"invoices: {documents_gone} invoice(s) and credit note(s) past 10 years deleted, "
            f"with {orders_gone} order(s)"
        )
    step(7)
    # Unpaid bank transfers: a reminder, then cancellation (shopcms.orders.unpaid).
    reminded, cancelled = orders.remind_unpaid_transfers(registry)
    if reminded:
        out(f"unpaid transfers: {len(reminded)} reminder(s) sent: {', '.join(reminded)}")
    if cancelled:
        out(f"unpaid transfers: {len(cancelled)} order(s) cancelled: {', '.join(cancelled)}")
    step(8)
    # The login counters past their window (each login also removes a few).
    pruned = get_login_throttle(registry).prune(now(registry).timestamp())
    if pruned:
        out(f"login counters: {pruned} expired counter(s) removed")
    step(9)
    # ZODB keeps the earlier versions of every record until a pack: what the rules above
    # and the day's work erased (expired login counters, the address of a reset asked for
    # an unknown account, a delivered mail and its link) would stay in them.  The privacy
    # statement promises it is gone within a day or two: a pack every day (quietly: cron).
    days = float(registry.settings.get("shopcms.retention.history_days", 1))
    get_database(registry).pack(days=days)
    step(STEPS)
