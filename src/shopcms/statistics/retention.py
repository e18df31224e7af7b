"""Retention: how long what is kept, applied (``shopcms retention INI``, daily from cron).

- **Statistics** (purpose ``statistics``: "25 months per day, then per month"): the days of
  a month are rolled up into that month, and deleted, once the whole month is more than
  25 months old (the days of the month 25 months before the current one and earlier), so
  every day is kept at least 25 months.  The statistics database is then packed: a flush
  writes a new revision of every counter it changes, and only the current ones matter.
- **Sessions**: the ids of login sessions older than the absolute session timeout
  (``shopcms.session.absolute_timeout``) are removed from the accounts, as the next login
  of the account would (``Customer.open_session``); a session that old is refused anyway.

With a FileStorage (one process holds it) the server itself rolls up and packs the
statistics database once a day (``Recorder._maintain``), since the command cannot open the
database while the server runs; the sessions rule then runs whenever the command runs with
the server stopped.
"""

import time
from datetime import date

import transaction
from ZODB.POSException import ConflictError

from shopcms.privacy.erasure import purge_history
from shopcms.statistics.store import get_statistics

#: Days are kept this many months before they are rolled up into their month.
KEEP_MONTHS = 25


def rollup_cutoff(today):
    """The first day that is kept as a day: the first of the month 25 months ago."""
    index = today.year * 12 + today.month - 1 - KEEP_MONTHS
    return date(index // 12, index % 12 + 1, 1)


def roll_up(statistics, today):
    """Roll the days before :func:`rollup_cutoff` into their months and delete them.

    Returns ``{month: number of days rolled}`` (empty: nothing was old enough).  The caller
    commits; a roll-up that is repeated finds nothing left to do.
    """
    cutoff = rollup_cutoff(today).isoformat()
    rolled = {}
    for key in list(statistics.days.keys(max=cutoff, excludemax=True)):
        month = key[:7]
        statistics.days[key].merge_into(statistics.month(month, create=True))
        del statistics.days[key]
        rolled[month] = rolled.get(month, 0) + 1
    return rolled


def roll_up_database(db, today, attempts=5):
    """:func:`roll_up` in a transaction of its own on the statistics database ``db``
    (started again on a conflict with a flush); returns what it rolled."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in range(attempts):
            tm.begin()
            statistics = get_statistics(conn.root())
            if statistics is None:
                return {}
            rolled = roll_up(statistics, today)
            if not rolled:
                return {}
            tm.get().note("shopcms: statistics roll-up")
            try:
                tm.commit()
                return rolled
            except ConflictError:
                tm.abort()
                if attempt + 1 == attempts:
                    raise
        return {}
    finally:
        tm.abort()
        conn.close()


def maintain_statistics(db, today):
    """Roll up the old days, then pack the statistics database.  Returns the roll-up."""
    rolled = roll_up_database(db, today)
    purge_history(db)
    return rolled


def end_old_sessions(site, absolute_timeout, now=None):
    """Remove the ids of login sessions older than ``absolute_timeout`` seconds from every
    account; returns how many.  The caller commits (nothing changes if none is that old)."""
    now = time.time() if now is None else now
    ended = 0
    for account in site["customers"].values():
        sessions = getattr(account, "sessions", None) or {}
        for sid, started in list(sessions.items()):
            if now - started > absolute_timeout:
                del sessions[sid]
                ended += 1
    return ended
