"""One batch of a campaign being sent, in the caller's transaction (see
:mod:`shopcms.newsletter.sending`, which commits it, retries it and frees the memory).

:func:`batch` takes the next ``size`` subscriptions after ``campaign.cursor``; for each
active one not in ``campaign.sent`` it queues a ``newsletter_campaign`` intent (or, for an
address on the suppression list now, counts it in ``skipped``), adds its key to ``sent`` and
moves the cursor past it: the sent-marks and the intents commit together.  When the walk
reaches the end it also takes the active subscriptions behind the cursor that have no mail
yet (confirmed while the campaign was being sent), then marks the campaign sent.
"""

import itertools

from shopcms.mail import queue_intent
from shopcms.newsletter import suppression
from shopcms.newsletter.resources import ACTIVE, SCHEDULED, SENDING, SENT

#: The kind of the campaign mail's intents (ids: ``campaign``, ``subscription``).
KIND = "newsletter_campaign"


def batch(campaign, size, when, ids):
    """One batch in the current transaction: ``(queued, skipped, finished)``; ``ids`` are
    the intents' ``domain`` and ``base_url`` (the shop's address; the one the editor
    scheduled the campaign on comes first, as its links were made on it)."""
    newsletter = campaign.__parent__
    ids = {**ids, "base_url": getattr(campaign, "base_url", None) or ids["base_url"]}
    if campaign.state == SCHEDULED:
        campaign.state, campaign.started = SENDING, when
        campaign.total = newsletter.active_count.value
    subscriptions = newsletter.subscriptions
    if campaign.cursor is None:
        walk = subscriptions.items()
    else:
        walk = subscriptions.items(min=campaign.cursor, excludemin=True)
    taken = list(itertools.islice(walk, size))
    finished = len(taken) < size
    if taken:
        campaign.cursor = taken[-1][0]
    if finished:
        # The end of the walk: those confirmed behind the cursor meanwhile get theirs too.
        seen = {key for key, _subscription in taken}
        late = _late(subscriptions, campaign.sent, seen)
        taken += list(itertools.islice(late, size - len(taken)))
        finished = len(taken) < size
    counts = [0, 0]
    for key, subscription in taken:
        outcome = _one(newsletter, campaign, key, subscription, ids)
        if outcome is not None:
            counts[outcome] += 1
    done = campaign.queued.value + campaign.skipped.value
    campaign.total = max(campaign.total, done)  # subscribers added meanwhile: never > 100%
    if finished:
        campaign.state, campaign.finished, campaign.total = SENT, when, done
    return counts[0], counts[1], finished


def _late(subscriptions, sent, seen):
    """Active subscriptions without their mail, anywhere but in ``seen`` (keys read first:
    only those not dealt with are loaded)."""
    for key in subscriptions:
        if key not in sent and key not in seen:
            subscription = subscriptions[key]
            if subscription.state == ACTIVE:
                yield key, subscription


def _one(newsletter, campaign, key, subscription, ids):
    """Deal with one subscription: 0 queued, 1 skipped (suppressed), None not for it."""
    if subscription.state != ACTIVE or key in campaign.sent:
        return None
    campaign.sent.add(key)
    if suppression.is_suppressed(newsletter, subscription.address):
        campaign.skipped.change(1)
        return 1
    queue_intent(
        newsletter,
        KIND,
        address=subscription.address,
        lang=subscription.lang,
        campaign=campaign.__name__,
        subscription=key,
        **ids,
    )
    campaign.queued.change(1)
    return 0
