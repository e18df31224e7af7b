"""Subscribers and campaigns made directly in the model, fast (for the sending tests).

Real subscriptions go through ``subscriptions.ask``/``confirm`` (tests/newsletter/
test_model.py); these are the same objects in the state those leave, made without the
ledger and the mails so that 20,000 of them take a second or two.
"""

from shopcms.mail import get_outbox
from shopcms.newsletter.addresses import normalise
from shopcms.newsletter.resources import ACTIVE, FOOTER, SCHEDULED, Campaign, Subscription, new_key
from shopcms.web.clock import now

#: Subscriptions made per transaction.
CHUNK = 5000


def address(number, prefix="subscriber"):
    return f"{prefix}{number}@example.be"


def add_subscribers(site, count, *, state=ACTIVE, lang="nl", prefix="subscriber", start=0):
    """``count`` subscriptions of ``prefix{n}@example.be`` in ``state``; their keys, in
    the order made (which is the send order)."""
    when = now(site.registry)
    keys = []
    for first in range(start, start + count, CHUNK):
        with site.edit() as root:
            newsletter = root["newsletter"]
            for number in range(first, min(first + CHUNK, start + count)):
                keys.append(add_one(newsletter, address(number, prefix), when, state, lang))
    return keys


def add_one(newsletter, mail, when, state=ACTIVE, lang="nl"):
    key = new_key()
    subscription = Subscription(key, mail, lang, FOOTER, when)
    subscription.state = state
    if state == ACTIVE:
        subscription.confirmed = when
        newsletter.active_count.change(1)
    newsletter.subscriptions[key] = subscription
    newsletter.by_address[normalise(mail)] = key
    return key


def add_campaign(site, name="spring", state=SCHEDULED, send_at=None):
    """A campaign with a version in each language, ``state``, due at ``send_at`` (now)."""
    with site.edit() as root:
        campaign = Campaign(f"Campaign {name}")
        for lang in ("nl", "fr", "en"):
            campaign.versions[lang] = {"subject": f"{name} ({lang})", "body": f"Hello {lang}"}
        campaign.state = state
        campaign.send_at = send_at or now(site.registry)
        root["newsletter"].add(name, campaign, registry=site.registry)
    return name


def campaign_intents(site, name="spring"):
    """subscription key -> how many ``newsletter_campaign`` intents of campaign ``name``
    wait in the outbox for it."""

    def read(root):
        counts = {}
        outbox = get_outbox(root)
        for mail in outbox.mails() if outbox is not None else ():
            intent = mail.intent or {}
            if intent.get("kind") == "newsletter_campaign" and intent.get("campaign") == name:
                key = intent["subscription"]
                counts[key] = counts.get(key, 0) + 1
        return counts

    return site.read(read)
