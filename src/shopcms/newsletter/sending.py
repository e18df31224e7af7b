"""Sending a campaign: one mail intent per active subscriber, queued in batches.

:func:`send` (``shopcms send-campaign``, the server's newsletter timer) takes each due
campaign (:func:`due`: scheduled and its time has come, or sending and not finished) and:

1. moves it from :data:`SCHEDULED` to :data:`SENDING`: ``started``, and ``total`` (the
   active subscribers then: the whole of the progress);
2. walks ``newsletter.subscriptions`` in key order after ``campaign.cursor``, ``batch_size``
   subscriptions per transaction (``shopcms.newsletter.batch_size``, default 500).  For an
   active subscription whose key is not in ``campaign.sent`` it queues the intent of a
   ``newsletter_campaign`` mail (composed by the sender, in the subscriber's language) or,
   if the address is on the suppression list now, counts it in ``skipped``; either way the
   key goes into ``sent`` (``sent`` holds the subscriptions dealt with) and the cursor moves
   past it, *in the transaction that queues the intents*.  So a run that dies anywhere
   (SIGKILL included) leaves whole batches only, the next run resumes after the last
   committed one, and nobody ever gets one campaign twice;
3. at the end of the walk, looks once more for active subscriptions behind the cursor
   without their mail (confirmed while the campaign was being sent), queues theirs, and
   marks the campaign :data:`SENT` (``finished``; ``total`` becomes the number dealt with).

A subscriber who subscribes and confirms while the campaign is sent gets it; one who
unsubscribes before the walk reaches them does not (and a mail already queued for them
composes nothing: the composer finds no subscription).  A batch that conflicts with another
writer (a second runner, a checkout queueing its mail) is aborted and done again from the
committed state; after :data:`ATTEMPTS` conflicts in a row the run stops (``interrupted``)
and the next one resumes.  Between batches the connection's cache is emptied, so the
memory a run needs does not grow with the number of subscribers.
"""

import logging
from dataclasses import dataclass

import transaction
from pyramid.threadlocal import manager as threadlocal_manager
from transaction.interfaces import TransientError

from shopcms.mail import get_mailer
from shopcms.newsletter.batches import KIND, batch
from shopcms.newsletter.resources import DRAFT, SCHEDULED, SENDING, Campaign
from shopcms.tree.database import get_database
from shopcms.web.clock import now
from shopcms.web.urls import public_url

log = logging.getLogger(__name__)

__all__ = ["KIND", "CampaignRun", "SendError", "SendReport", "due", "due_names", "send"]
DEFAULT_BATCH_SIZE = 500
#: Conflicts in a row on one batch before a run stops (the next run resumes).
ATTEMPTS = 10
SITE_KEY = "site"


class SendError(ValueError):
    """The named campaign cannot be sent (unknown, a draft, not due yet): one line."""


@dataclass(frozen=True)
class CampaignRun:
    """What one run did to one campaign."""

    name: str
    state: str  # after the run
    queued: int  # intents this run queued
    skipped: int  # suppressed subscribers this run passed
    queued_total: int  # over every run: campaign.queued
    skipped_total: int  # campaign.skipped
    total: int  # campaign.total
    interrupted: bool = False  # stopped after conflicts; the next run resumes


@dataclass(frozen=True)
class SendReport:
    """What :func:`send` did: a :class:`CampaignRun` per campaign it took."""

    campaigns: tuple = ()

    @property
    def queued(self):
        return sum(run.queued for run in self.campaigns)

    @property
    def interrupted(self):
        return any(run.interrupted for run in self.campaigns)


def batch_size_of(registry):
    """``shopcms.newsletter.batch_size`` (default 500); ValueError below 1."""
    size = int(registry.settings.get("shopcms.newsletter.batch_size") or DEFAULT_BATCH_SIZE)
    if size < 1:
        raise ValueError("shopcms.newsletter.batch_size must be at least 1")
    return size


def is_due(campaign, when):
    """Is ``campaign`` to be sent (on) at ``when``?  A scheduled campaign without a time
    is due at once."""
    if campaign.state == SENDING:
        return campaign.finished is None
    return campaign.state == SCHEDULED and (campaign.send_at is None or campaign.send_at <= when)


def due(newsletter, when):
    """The campaigns of ``newsletter`` to send at ``when`` (see :func:`is_due`)."""
    return [c for c in newsletter.values() if isinstance(c, Campaign) and is_due(c, when)]


def due_names(registry):
    """The names of the campaigns due now (read in a connection of its own)."""
    return _with_connection(registry, lambda conn, tm: _due_names(registry, conn, tm))


def send(registry, name=None, batch_size=None, progress=None):
    """Send every due campaign, or the campaign ``name`` (see the module); a SendReport.

    ``name`` must be a campaign that is due or sending (SendError otherwise); one already
    sent queues nothing.  ``progress(done, total)`` is called where a campaign starts and
    after each committed batch.
    """
    size = batch_size or batch_size_of(registry)

    def run(conn, tm):
        names = [_check(registry, conn, tm, name)] if name else _due_names(registry, conn, tm)
        return SendReport(tuple(_send_one(registry, conn, tm, n, size, progress) for n in names))

    return _with_connection(registry, run)


def _with_connection(registry, work):
    # As shopcms.mail.delivery.deliver: a connection and transaction manager of our own.
    tm = transaction.TransactionManager()
    conn = get_database(registry).open(transaction_manager=tm)
    threadlocal_manager.push({"registry": registry, "request": None})
    try:
        return work(conn, tm)
    finally:
        tm.abort()
        threadlocal_manager.pop()
        conn.close()


def _newsletter(conn):
    return conn.root()[SITE_KEY]["newsletter"]


def _due_names(registry, conn, tm):
    tm.begin()
    names = [c.__name__ for c in due(_newsletter(conn), now(registry))]
    tm.abort()
    return names


def _check(registry, conn, tm, name):
    tm.begin()
    try:
        campaign = _newsletter(conn).get(name)
        if not isinstance(campaign, Campaign):
            raise SendError(f"there is no campaign {name!r}")
        if campaign.state == DRAFT:
            raise SendError(f"the campaign {name!r} is a draft: schedule it on the desk first")
        when = now(registry)
        if campaign.state == SCHEDULED and not is_due(campaign, when):
            raise SendError(f"the campaign {name!r} is scheduled for {campaign.send_at}")
        return name
    finally:
        tm.abort()


def _send_one(registry, conn, tm, name, size, progress):
    """Batches of ``name`` until it is sent, or conflicts stop the run."""
    ids = {"domain": get_mailer(registry).domain, "base_url": public_url(registry)}
    queued = skipped = conflicts = 0
    interrupted = False
    if progress is not None:
        progress(*_progress(conn, tm, name))  # where this run starts
    while True:
        tm.begin()
        try:
            campaign = _newsletter(conn).get(name)
            # Sent (by another runner, or a re-run), taken back to draft or removed: done.
            if campaign is None or campaign.state not in (SCHEDULED, SENDING):
                tm.abort()
                break
            outcome = batch(campaign, size, now(registry), ids)
            done, total = campaign.queued.value + campaign.skipped.value, campaign.total
            tm.commit()
        except TransientError:
            tm.abort()
            conflicts += 1
            if conflicts >= ATTEMPTS:
                interrupted = True
                log.warning("campaign %s: %d conflicts in a row, stopped for now", name, conflicts)
                break
            continue
        conflicts = 0
        queued, skipped = queued + outcome[0], skipped + outcome[1]
        conn.cacheMinimize()  # the batch's subscriptions and intents leave memory
        if progress is not None:
            progress(done, total)
        if outcome[2]:
            log.info("campaign %s: sent, %d mail(s) queued", name, done)
            break
    tm.begin()
    campaign = _newsletter(conn).get(name) or Campaign()  # a removed one: nothing to show
    run = CampaignRun(
        name,
        campaign.state,
        queued,
        skipped,
        campaign.queued.value,
        campaign.skipped.value,
        campaign.total,
        interrupted=interrupted,
    )
    tm.abort()
    return run


def _progress(conn, tm, name):
    """``(done, total)`` of the campaign ``name`` now (total: the active subscribers, if
    it has not started)."""
    tm.begin()
    campaign = _newsletter(conn)[name]
    total = campaign.__parent__.active_count.value if campaign.state == SCHEDULED else 0
    figures = campaign.queued.value + campaign.skipped.value, max(campaign.total, total)
    tm.abort()
    return figures
