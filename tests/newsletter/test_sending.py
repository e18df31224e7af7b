"""Sending a campaign in batches: one intent per active subscriber, never two, resumable."""

from datetime import timedelta

import pytest

from shopcms.newsletter import batches, sending, subscriptions, suppression
from shopcms.newsletter.resources import (
    ACTIVE,
    BY_STAFF,
    DRAFT,
    PENDING,
    SCHEDULED,
    SENDING,
    SENT,
    UNSUBSCRIBED_BY_LINK,
)
from shopcms.web.clock import now
from tests.newsletter.subscribers import add_campaign, add_one, add_subscribers, campaign_intents
from tests.outbox import intents


def campaign_state(site, name="spring"):
    def read(root):
        c = root["newsletter"][name]
        return {
            "state": c.state,
            "queued": c.queued.value,
            "skipped": c.skipped.value,
            "total": c.total,
            "cursor": c.cursor,
            "sent": len(c.sent),
            "started": c.started,
            "finished": c.finished,
        }

    return site.read(read)


def test_batches_are_committed_one_by_one_with_their_progress(site):
    keys = add_subscribers(site, 10, lang="fr")
    add_campaign(site)
    seen = []

    def progress(done, total):
        # Called between batches: what another connection reads is what was committed.
        seen.append((done, total, campaign_state(site)["queued"], len(campaign_intents(site))))

    report = sending.send(site.registry, batch_size=3, progress=progress)

    assert seen == [(0, 10, 0, 0), (3, 10, 3, 3), (6, 10, 6, 6), (9, 10, 9, 9), (10, 10, 10, 10)]
    (run,) = report.campaigns
    assert (run.name, run.state, run.queued, run.skipped, run.total) == ("spring", SENT, 10, 0, 10)
    state = campaign_state(site)
    assert state["state"] == SENT and state["finished"] is not None and state["started"]
    assert state["cursor"] == keys[-1] and state["sent"] == 10
    assert campaign_intents(site) == dict.fromkeys(keys, 1)
    first = intents(site)[0]
    assert first == {
        "kind": "newsletter_campaign",
        "address": "subscriber0@example.be",
        "lang": "fr",
        "base_url": "http://127.0.0.1:6543",
        "campaign": "spring",
        "subscription": keys[0],
    }


def test_the_batch_size_is_a_setting(site, monkeypatch):
    add_subscribers(site, 5)
    add_campaign(site)
    monkeypatch.setitem(site.registry.settings, "shopcms.newsletter.batch_size", "2")
    seen = []
    sending.send(site.registry, progress=lambda done, total: seen.append(done))
    assert seen == [0, 2, 4, 5]


def test_unconfirmed_unsubscribed_and_suppressed_get_no_intent(site):
    active = add_subscribers(site, 4)
    pending = add_subscribers(site, 2, state=PENDING, prefix="pending")
    with site.edit() as root:
        newsletter = root["newsletter"]
        gone = newsletter.subscriptions[active[0]]
        subscriptions.unsubscribe(
            newsletter,
            gone,
            UNSUBSCRIBED_BY_LINK,
            "newsletter-one-click",
            "nl",
            now(site.registry),
            None,
        )
        # Suppressed by staff while still subscribed: the list is checked at send time.
        suppression.suppress(newsletter, "SUBSCRIBER1@example.be", BY_STAFF, now(site.registry))
    add_campaign(site)

    (run,) = sending.send(site.registry, batch_size=2).campaigns

    assert campaign_intents(site) == {active[2]: 1, active[3]: 1}
    assert not set(pending) & set(campaign_intents(site))
    assert (run.queued, run.skipped, run.total) == (2, 1, 3)
    assert campaign_state(site)["skipped"] == 1


def test_a_run_that_fails_midway_resumes_and_nobody_gets_it_twice(site, monkeypatch):
    keys = add_subscribers(site, 10)
    add_campaign(site)
    calls = []
    real = batches.queue_intent

    def failing(*args, **kw):
        calls.append(kw["subscription"])
        if len(calls) == 5:  # in the second batch
            raise RuntimeError("the process dies here")
        return real(*args, **kw)

    monkeypatch.setattr(batches, "queue_intent", failing)
    with pytest.raises(RuntimeError):
        sending.send(site.registry, batch_size=3)
    state = campaign_state(site)
    assert state["state"] == SENDING and state["queued"] == 3 and state["cursor"] == keys[2]
    assert campaign_intents(site) == dict.fromkeys(keys[:3], 1)

    monkeypatch.setattr(batches, "queue_intent", real)
    seen = []
    (run,) = sending.send(
        site.registry, batch_size=3, progress=lambda d, t: seen.append(d)
    ).campaigns
    assert seen == [3, 6, 9, 10] and run.queued == 7 and run.queued_total == 10
    assert campaign_intents(site) == dict.fromkeys(keys, 1)
    assert campaign_state(site)["state"] == SENT


def test_a_batch_that_conflicts_is_done_again_from_what_was_committed(site, monkeypatch):
    keys = add_subscribers(site, 6)
    add_campaign(site)
    real = batches.queue_intent
    calls = []

    def meanwhile(*args, **kw):
        calls.append(kw["subscription"])
        if len(calls) == 1:
            # Another writer changes the campaign while the first batch is being queued.
            with site.edit() as root:
                root["newsletter"]["spring"].tests += 1
        return real(*args, **kw)

    monkeypatch.setattr(batches, "queue_intent", meanwhile)
    (run,) = sending.send(site.registry, batch_size=4).campaigns

    assert calls[:5] == [keys[0], keys[1], keys[2], keys[3], keys[0]], "the batch was redone"
    assert campaign_intents(site) == dict.fromkeys(keys, 1)
    assert run.queued == 6 and not run.interrupted and run.state == SENT


def test_subscribers_confirmed_while_it_is_sent_get_it(site):
    (early,) = add_subscribers(site, 1, state=PENDING, prefix="early")
    keys = add_subscribers(site, 6)
    add_campaign(site)
    added = []

    def progress(done, total):
        if added or done == 0:  # once, after the first batch
            return
        with site.edit() as root:
            newsletter = root["newsletter"]
            # One who asked before sending started confirms now: behind the cursor.
            newsletter.subscriptions[early].state = ACTIVE
            newsletter.active_count.change(1)
            # One who subscribes (and confirms) now: ahead of it.
            added.append(add_one(newsletter, "new@example.be", now(site.registry)))

    (run,) = sending.send(site.registry, batch_size=3, progress=progress).campaigns

    assert campaign_intents(site) == dict.fromkeys((early, *keys, *added), 1)
    assert (run.queued, run.total, run.state) == (8, 8, SENT)


def test_a_sent_campaign_queues_nothing_again(site):
    keys = add_subscribers(site, 3)
    add_campaign(site)
    sending.send(site.registry)
    add_subscribers(site, 2, prefix="late")  # after the campaign was sent: not for them

    assert sending.send(site.registry).campaigns == ()
    (run,) = sending.send(site.registry, "spring").campaigns
    assert (run.state, run.queued, run.queued_total) == (SENT, 0, 3)
    assert campaign_intents(site) == dict.fromkeys(keys, 1)


def test_only_due_campaigns_are_sent_and_a_named_one_must_be(site):
    add_subscribers(site, 2)
    later = now(site.registry) + timedelta(hours=2)
    add_campaign(site, "draft", state=DRAFT)
    add_campaign(site, "later", send_at=later)
    add_campaign(site, "now")
    assert site.read(
        lambda root: [c.__name__ for c in sending.due(root["newsletter"], now(site.registry))]
    ) == ["now"]
    assert site.read(lambda root: len(sending.due(root["newsletter"], later))) == 2

    for name, message in [
        ("draft", "is a draft"),
        ("later", "is scheduled for"),
        ("nothing", "there is no campaign"),
    ]:
        with pytest.raises(sending.SendError, match=message):
            sending.send(site.registry, name)
    (run,) = sending.send(site.registry).campaigns
    assert run.name == "now" and run.queued == 2
    assert set(campaign_intents(site, "draft")) == set() == set(campaign_intents(site, "later"))
    assert campaign_state(site, "later")["state"] == SCHEDULED


def test_a_campaign_taken_off_the_schedule_while_it_is_sent_stops(site):
    keys = add_subscribers(site, 9)
    add_campaign(site)

    def progress(done, total):
        if done == 3:
            with site.edit() as root:
                root["newsletter"]["spring"].state = DRAFT

    (run,) = sending.send(site.registry, batch_size=3, progress=progress).campaigns
    assert (run.state, run.queued) == (DRAFT, 3)
    assert campaign_intents(site) == dict.fromkeys(keys[:3], 1)
