"""The response to each campaign: page views, entries started and entries confirmed per
campaign tag (``?c=instagram-may``) and per day, never who.

Started and confirmed entries are POSTs: ``entries.enter`` and ``entries.confirm`` count
them in their own transaction.  A page view is a GET, and a GET never writes to the
database: :func:`count_view` adds it to a tally in this process's memory (a lock makes it
safe for the server's threads), keyed by the contest's name, the cleaned tag and the day of
the view in the shop's time zone (a view just before midnight counts for its own day, even
when it is stored after).  Nothing else is kept: no address, no user agent, no cookie.

:func:`flush` moves the tally into ``contest.response`` (``(tag, day) -> Counts``, whose
``BTrees.Length`` merge concurrent increments) in a transaction of its own, through
``shopcms.tree.tallies`` (retried on a write conflict; counts that cannot be written stay in
the tally for the next flush).  The views of a contest removed
meanwhile are dropped.

Who calls :func:`flush`: the server's timer (``shopcms.operations.timer``,
``shopcms.timer.interval``) on each round, and this module at the process's exit
(``atexit``, registered with the first view a process counts).  :func:`rows` is what the
desk shows: the stored counts plus this process's tally not yet flushed.

Tags are bounded as ``entries.clean_tag`` bounds them: at most ``entries.MAX_TAGS`` per
contest, the rest counted as ``entries.OTHER_TAG``, in the tally as in the database (a bot
inventing tags cannot grow either without end).
"""

import datetime
from dataclasses import dataclass

from shopcms.contests import entries
from shopcms.contests.resources import Contest
from shopcms.tree import tallies
from shopcms.web.clock import site_timezone

WHAT = "The contests' page views"


class Tally(tallies.Tally):
    """Page views counted in this process and not yet stored:
    ``(contest name, tag, day) -> count``, ``day`` a ``datetime.date``."""

    def add_view(self, name, tag, day, stored=frozenset()):
        """One view; ``tag`` becomes ``OTHER_TAG`` when it is new and the contest has
        ``MAX_TAGS`` tags between ``stored`` (its stored tags) and those waiting here."""
        with self.lock:
            if tag and tag not in stored:
                waiting = {key[1] for key in self.counts if key[0] == name}
                if tag not in waiting and len(waiting | stored) >= entries.MAX_TAGS:
                    tag = entries.OTHER_TAG
            self.counts[(name, tag, day)] += 1

    def pending(self, name):
        """``(tag, day) -> views`` of contest ``name`` not yet stored."""
        return {(tag, day): n for (found, tag, day), n in self.snapshot().items() if found == name}


def tally(registry):
    """The application's tally (one per application, made with its first view)."""
    return tallies.tally(registry, "shopcms_contests_views", Tally)


def today(request):
    """The day of this request in the shop's time zone (the day its counts go to)."""
    return request.now.astimezone(site_timezone(request.registry)).date()


def count_view(request, contest, tag):
    """One view of ``contest``'s public page with the campaign ``tag`` (the raw ``?c=``
    value: cleaned here), in memory only (see the module); returns the tag as counted.
    Writes nothing."""
    # The stored tags are read once: this is the busiest public page of a campaign.
    stored = entries.stored_tags(contest) if tag else frozenset()
    tag = entries.clean_tag(contest, tag, stored)
    views = tally(request.registry)
    views.add_view(contest.__name__, tag, today(request), stored)
    tallies.flush_at_exit(views, request.registry, flush)
    return tag


def _store(site, counts):
    contests = site.get("contests")
    for (name, tag, day), number in counts.items():
        contest = contests.get(name) if contests is not None else None
        if not isinstance(contest, Contest):
            continue  # removed meanwhile: its views go with it
        # Cleaned again: other processes may have stored tags up to the bound meanwhile.
        tag = entries.clean_tag(contest, tag) if tag else tag
        entries.counts(contest, tag, day).views.change(number)


def flush(registry, at_exit=False):
    """Store the tally in the contests (see the module); returns the views taken off the
    tally (those of a contest removed meanwhile are dropped), 0 when they were kept."""
    return tallies.flush(registry, tally(registry), _store, WHAT, at_exit=at_exit)


@dataclass(frozen=True)
class Row:
    """One tag's counts of one day (``tag`` "" for the untagged link)."""

    tag: str
    day: datetime.date
    views: int
    started: int
    confirmed: int


def rows(registry, contest):
    """Every ``(tag, day)`` of ``contest`` with its counts, stored plus this process's
    views not yet flushed, by tag then day."""
    found = {}
    for (tag, day), stored in contest.response.items():
        day = datetime.date.fromisoformat(day)
        found[(tag, day)] = [stored.views.value, stored.started.value, stored.confirmed.value]
    for (tag, day), views in tally(registry).pending(contest.__name__).items():
        found.setdefault((tag, day), [0, 0, 0])[0] += views
    return [Row(tag, day, *numbers) for (tag, day), numbers in sorted(found.items())]
