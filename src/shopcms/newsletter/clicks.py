"""The click counter of campaign mails: how often each link of a campaign was followed,
never by whom.

The redirect (``/{lang}/newsletter/go/{campaign}/{n}``, ``views.go``) is a GET, and a GET
never writes to the database: :func:`count` adds the click to a tally in this process's
memory (a lock makes it safe for the server's threads), keyed by the campaign's name and
the link's index only.  :func:`flush` moves the tally into ``campaign.clicks`` (link index
-> ``BTrees.Length``, which merges concurrent increments) in a transaction of its own,
through ``shopcms.tree.tallies`` (retried on a conflict; what cannot be written stays in
the tally for the next flush).

Who calls :func:`flush`: the server's timer (``shopcms.operations.timer``, a job of
``worker``) on each round, and this module at the process's exit (``atexit``, registered
with the first click a process counts).  :func:`counts` is what the desk shows: the stored
counts plus this process's tally not yet flushed.
"""

from BTrees.Length import Length

from shopcms.newsletter.resources import Campaign
from shopcms.tree import tallies

WHAT = "The newsletter's click counts"


class Tally(tallies.Tally):
    """Clicks counted in this process and not yet stored: ``(campaign name, n) -> count``."""

    def pending(self, name):
        """``n -> count`` of campaign ``name`` not yet stored."""
        return {index: c for (found, index), c in self.snapshot().items() if found == name}


def tally(registry):
    """The application's tally (one per application, made with it)."""
    return tallies.tally(registry, "shopcms_newsletter_clicks", Tally)


def link(campaign, index):
    """The stored link ``index`` (a text from the URL) of ``campaign``, or None: only the
    links fixed when the campaign was scheduled are ever redirected to."""
    if not isinstance(campaign, Campaign) or not index.isdigit() or len(index) > 6:
        return None
    index = int(index)
    return campaign.links[index] if index < len(campaign.links) else None


def count(registry, campaign, index):
    """One click on link ``index`` (int) of ``campaign``, in memory (see the module)."""
    counts = tally(registry)
    counts.add((campaign.__name__, index))
    tallies.flush_at_exit(counts, registry, flush)


def _store(site, counts):
    newsletter = site["newsletter"]
    for (name, index), number in counts.items():
        campaign = newsletter.get(name)
        if not isinstance(campaign, Campaign):
            continue  # removed meanwhile: its clicks go with it
        stored = campaign.clicks.get(index)
        if stored is None:
            stored = campaign.clicks[index] = Length()
        stored.change(number)


def flush(registry, at_exit=False):
    """Store the tally in the campaigns (see the module); returns the clicks taken off the
    tally (those of a campaign removed meanwhile are dropped), 0 when they were kept."""
    return tallies.flush(registry, tally(registry), _store, WHAT, at_exit=at_exit)


def counts(registry, campaign):
    """``[(index, url, clicks)]`` of ``campaign``'s links: stored plus not yet flushed."""
    pending = tally(registry).pending(campaign.__name__)
    return [
        (
            index,
            url,
            (campaign.clicks[index].value if index in campaign.clicks else 0)
            + pending.get(index, 0),
        )
        for index, url in enumerate(campaign.links)
    ]
