"""The one place subscriptions change: ask, confirm, change language, unsubscribe, erase.

Contracts:

- :func:`ask` never activates anything: a new or ended subscription is :data:`PENDING`
  until its confirmation link is followed (:func:`confirm`), whoever asks (a visitor in the
  footer, a logged-in customer, the checkout, a contest entry).  It does the same for a
  known and an unknown address and tells the caller nothing about which it was; the caller
  queues the same mail intent for both (``mail.queue_confirmation``), whose composer decides
  what the owner of the address is told.
- :func:`confirm` records the consent in the subscription's ledger with the privacy
  statement revision in force, takes the address off the suppression list (the owner asked
  for the newsletter again, twice) and tells the accounts (``SubscriptionChanged``).
- :func:`unsubscribe` ends a subscription at once: the ledger records the withdrawal, the
  subscription and its indexes go, and the suppression entry keeps the normalised address,
  the reason and date, and the history as proof of the consent given and withdrawn.
  Waiting campaign mails are composed at send time and find no subscription: they are not
  sent.
- :func:`erase` (the privacy erasure) leaves only the keyed hash of the address on the
  suppression list.
- :func:`forget_unconfirmed` (``shopcms retention``) deletes the requests never confirmed
  once their confirmation link has expired.

Every function writes: call them in a POST (or the command that reads inbound mail).
"""

from datetime import timedelta

from pyramid.traversal import find_root

from shopcms.newsletter import suppression
from shopcms.newsletter.addresses import normalise
from shopcms.newsletter.events import SubscriptionChanged
from shopcms.newsletter.resources import (
    ACTIVE,
    PENDING,
    SOURCES,
    UNSUBSCRIBED,
    Step,
    Subscription,
    new_key,
)
from shopcms.newsletter.tokens import CONFIRM_MAX_AGE
from shopcms.privacy import ledger
from shopcms.privacy.purposes import NEWSLETTER

REQUESTED, CONFIRMED, LANGUAGE, ENDED, LINKED = (
    "requested",
    "confirmed",
    "language",
    "unsubscribed",
    "linked",
)


def find(newsletter, address):
    """The subscription of ``address`` (any spelling), or None."""
    try:
        key = newsletter.by_address.get(normalise(address))
    except ValueError:
        return None
    return newsletter.subscriptions.get(key) if key is not None else None


def of_account(newsletter, account_id):
    """The subscription linked to the account ``account_id``, or None."""
    key = newsletter.by_account.get(account_id)
    return newsletter.subscriptions.get(key) if key is not None else None


def ask(newsletter, address, lang, source, now, account=None):
    """Ask for a subscription of ``address`` in ``lang`` from ``source``; returns it.

    A new address gets a pending subscription; a pending one a new nonce (the new mail's
    link is the one that works); an active one stays active (its owner is told so by mail).
    ``account``: the id of the logged-in customer asking, linked to the subscription.
    ValueError for a malformed address or an unknown source.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown subscription source {source!r}")
    normalised = normalise(address)
    subscription = find(newsletter, normalised)
    if subscription is None:
        key = new_key()
        subscription = Subscription(key, address.strip(), lang, source, now, account)
        newsletter.subscriptions[key] = subscription
        newsletter.by_address[normalised] = key
        if account is not None:  # asked by the account's owner: linked from the start
            newsletter.by_account[account] = key
        entry = suppression.entry(newsletter, normalised)
        if entry is not None:  # its earlier history, for the ledger to show every step
            subscription.steps.extend(entry.steps)
            subscription.consents.extend(entry.consents)
    elif subscription.state == PENDING:
        subscription.lang, subscription.source = lang, source
    if subscription.state != ACTIVE:
        subscription.steps.append(Step(REQUESTED, now, source, lang))
        subscription.renew_nonce()
    if account is not None and subscription.account is None:
        link(newsletter, subscription, account, now)
    return subscription


def link(newsletter, subscription, account, now):
    """Link ``subscription`` to the account ``account`` (its owner logged in)."""
    subscription.account = account
    newsletter.by_account[account] = subscription.key
    subscription.steps.append(Step(LINKED, now, "account"))


def confirm(newsletter, subscription, now, lang, registry, form="newsletter-confirm"):
    """The owner followed the confirmation link: the subscription is active.

    Returns False (changing nothing) when it was active already.
    """
    if subscription.state == ACTIVE:
        return False
    site = find_root(newsletter)
    subscription.state = ACTIVE
    subscription.confirmed = now
    subscription.renew_nonce()  # the link is used up
    subscription.steps.append(Step(CONFIRMED, now, form, lang))
    ledger.record(subscription, site, NEWSLETTER, True, form, lang, now)
    suppression.lift(newsletter, subscription.address)
    newsletter.active_count.change(1)
    _tell(registry, site, subscription, True, form, lang, now)
    return True


def set_language(subscription, lang, now):
    """The newsletters of ``subscription`` come in ``lang`` from now on."""
    if subscription.lang != lang:
        subscription.lang = lang
        subscription.steps.append(Step(LANGUAGE, now, "newsletter-preferences", lang))


def unsubscribe(newsletter, subscription, reason, form, lang, now, registry):
    """End ``subscription`` at once (see the module); returns the suppression entry, or None
    for a subscription that was never confirmed (it is simply forgotten)."""
    site = find_root(newsletter)
    was_active = subscription.state == ACTIVE
    subscription.state = UNSUBSCRIBED
    subscription.ended = now
    subscription.steps.append(Step(ENDED, now, form, lang))
    if was_active:
        ledger.record(subscription, site, NEWSLETTER, False, form, lang, now)
        newsletter.active_count.change(-1)
    _forget(newsletter, subscription)
    if was_active:
        _tell(registry, site, subscription, False, form, lang, now)
    if not was_active and not subscription.consents:
        return None
    return suppression.suppress(
        newsletter,
        subscription.address,
        reason,
        now,
        steps=subscription.steps,
        consents=subscription.consents,
    )


def unsubscribe_address(newsletter, address, reason, form, lang, now, registry):
    """Unsubscribe ``address`` (a mail asked it, or it bounced): its subscription ends if it
    has one, and it goes on the suppression list in any case.  Returns the entry."""
    subscription = find(newsletter, address)
    if subscription is not None:
        unsubscribe(newsletter, subscription, reason, form, lang, now, registry)
    return suppression.suppress(newsletter, address, reason, now)


def erase(newsletter, address, now, registry):
    """The privacy erasure of ``address``: its subscription ends and goes, and the
    suppression list keeps only the keyed hash (so it is never mailed again)."""
    subscription = find(newsletter, address)
    if subscription is not None:
        was_active = subscription.state == ACTIVE
        if was_active:
            newsletter.active_count.change(-1)
        _forget(newsletter, subscription)
        if was_active:
            site = find_root(newsletter)
            _tell(registry, site, subscription, False, "erasure", subscription.lang, now)
    suppression.forget(newsletter, address, now)


def forget_unconfirmed(newsletter, now):
    """Delete the subscriptions never confirmed whose last confirmation link has expired
    (asked for more than ``tokens.CONFIRM_MAX_AGE`` before ``now``); returns how many went.

    For ``shopcms retention``: an unconfirmed request is no consent, and its address is kept
    only as long as its link could still be followed.  The history an earlier subscription
    of the address left on the suppression list stays there.
    """
    limit = now - timedelta(seconds=CONFIRM_MAX_AGE)
    gone = 0
    # Every subscription is looked at (keys follow the wall clock, ``created`` the site's
    # clock): a daily job over a few tens of thousands of small records.
    for subscription in list(newsletter.subscriptions.values()):
        if subscription.state != PENDING or _last_asked(subscription) > limit:
            continue
        _forget(newsletter, subscription)
        gone += 1
    return gone


def _last_asked(subscription):
    asked = [step.when for step in subscription.steps if step.what == REQUESTED]
    return max(asked, default=subscription.created)


def _forget(newsletter, subscription):
    newsletter.subscriptions.pop(subscription.key, None)
    try:
        normalised = normalise(subscription.address)
    except ValueError:
        normalised = None
    if newsletter.by_address.get(normalised) == subscription.key:
        del newsletter.by_address[normalised]
    if subscription.account and newsletter.by_account.get(subscription.account) == subscription.key:
        del newsletter.by_account[subscription.account]
    subscription.link_key = subscription.nonce = ""  # every link of its mails is dead


def _tell(registry, site, subscription, granted, form, lang, now):
    if registry is None:
        return
    registry.notify(
        SubscriptionChanged(site, subscription.account, granted, form, lang, now, registry)
    )
