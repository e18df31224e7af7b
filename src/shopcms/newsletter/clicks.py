"""The click counter of campaign mails: how often each link of a campaign was followed,
never by whom.

The redirect (``/{lang}/newsletter/go/{campaign}/{n}``, ``views.go``) is a GET, and a GET
never writes to the database: :func:`count` adds the click to a tally in this process's
memory (a lock makes it safe for the server's threads), keyed by the campaign's name and
the link's index only.  :func:`flush` moves the tally into ``campaign.clicks`` (link index
-> ``BTrees.Length``, which merges concurrent increments) in a transaction of its own;
counts that cannot be written (a conflict that outlives the attempts, the database
unreachable) stay in the tally for the next flush.

Who calls :func:`flush`: the server's timer (``shopcms.operations.timer``, a job of
``worker``) on each round, and this module at the process's exit (``atexit``, registered
with the first click a process counts).  :func:`counts` is what the desk shows: the stored
counts plus this process's tally not yet flushed.
"""

import atexit
import logging
import threading
import weakref
from collections import Counter

from BTrees.Length import Length
from ZODB.POSException import ConflictError

from shopcms.newsletter.resources import Campaign
from shopcms.tree.database import site_transaction

log = logging.getLogger(__name__)

#: Attempts of one flush against write conflicts.
ATTEMPTS = 3


class Tally:
    """Clicks counted in this process and not yet stored: ``(campaign name, n) -> count``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.exit_flush = False

    def add(self, name, index, count=1):
        with self.lock:
            self.counts[(name, index)] += count

    def take(self):
        """Everything counted so far; the tally starts again from zero."""
        with self.lock:
            taken, self.counts = self.counts, Counter()
            return taken

    def give_back(self, counts):
        with self.lock:
            self.counts.update(counts)

    def pending(self, name):
        """``n -> count`` of campaign ``name`` not yet stored."""
        with self.lock:
            return {index: c for (found, index), c in self.counts.items() if found == name}


def tally(registry):
    """The application's tally (one per application, made with it)."""
    found = getattr(registry, "shopcms_newsletter_clicks", None)
    if found is None:
        found = registry.shopcms_newsletter_clicks = Tally()
    return found


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
    counts.add(campaign.__name__, index)
    if not counts.exit_flush:
        counts.exit_flush = True
        atexit.register(_flush_at_exit, weakref.ref(registry))


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
    counts = tally(registry).take()
    if not counts:
        return 0
    for attempt in range(ATTEMPTS):
        try:
            with site_transaction(registry) as site:
                _store(site, counts)
            return sum(counts.values())
        except ConflictError:
            if attempt == ATTEMPTS - 1:
                break
        except Exception as exc:
            if at_exit:  # the database may be closed already: say so in one line
                log.warning("The newsletter's click counts were lost at exit: %r", exc)
                return 0
            log.exception("The newsletter's click counts could not be stored; kept for later")
            break
    tally(registry).give_back(counts)
    return 0


def _flush_at_exit(registry_ref):
    registry = registry_ref()
    if registry is None:
        return
    flush(registry, at_exit=True)


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
