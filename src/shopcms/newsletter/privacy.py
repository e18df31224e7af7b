"""The newsletter's side of the privacy statement (purpose ``newsletter``).

- **Export** (an account's, or a guest's by address): the subscription (address, language,
  state, where and when it was asked for and confirmed, every step, its consent ledger with
  the privacy statement revision of each consent) and the suppression entry of the address
  (reason, date, the history and ledger kept as proof of the consent given and withdrawn).
  An account's export looks at the subscription linked to the account and at the
  account's address.  Secrets that only make links work (the confirmation nonce, the link
  key) are not data about anyone and are left out.
- **Erasure**: :func:`shopcms.newsletter.subscriptions.erase` for each of those addresses:
  the subscription ends and goes with its history, and the suppression list keeps only the
  keyed hash of the address, so that it is never mailed again.  An address the newsletter
  knows nothing about is left alone (nothing is added for it).
- **Retention**: a subscription never confirmed is deleted once its last confirmation link
  has expired (:data:`~shopcms.newsletter.tokens.CONFIRM_MAX_AGE`, 7 days;
  ``shopcms retention``, :func:`shopcms.newsletter.subscriptions.forget_unconfirmed`).
"""

from shopcms.newsletter import subscriptions, suppression
from shopcms.newsletter.addresses import digest
from shopcms.newsletter.resources import (
    ACCOUNT,
    ACTIVE,
    BOUNCED,
    BY_STAFF,
    CHECKOUT,
    CONTEST,
    ERASED,
    FOOTER,
    PENDING,
    PREFERENCES,
    UNSUBSCRIBED,
    UNSUBSCRIBED_BY_LINK,
    UNSUBSCRIBED_BY_MAIL,
)
from shopcms.privacy.export import Contributor, add_contributor
from shopcms.web.i18n import _

STATE_TITLES = {
    PENDING: _("Waiting for your confirmation"),
    ACTIVE: _("Subscribed"),
    UNSUBSCRIBED: _("Unsubscribed"),
}
SOURCE_TITLES = {
    FOOTER: _("The newsletter form on our pages"),
    ACCOUNT: _("Your account"),
    CHECKOUT: _("The checkout"),
    CONTEST: _("A contest entry"),
    PREFERENCES: _("Your newsletter page"),
}
REASON_TITLES = {
    UNSUBSCRIBED_BY_LINK: _("You unsubscribed"),
    UNSUBSCRIBED_BY_MAIL: _("You asked it by mail"),
    BOUNCED: _("Mail to this address was refused for good"),
    ERASED: _("Your data was erased: only a coded value of the address is kept"),
    BY_STAFF: _("Our staff"),
}

#: The names of the exported fields on the readable export page (None: JSON only).
LABELS = {
    "record": None,
    "record_title": _("Record"),
    "email": _("Email address"),
    "language": _("Language"),
    "state": None,
    "state_title": _("State"),
    "source": None,
    "source_title": _("Subscribed through"),
    "requested": _("Asked for"),
    "confirmed": _("Confirmed"),
    "ended": _("Unsubscribed"),
    "reason": None,
    "reason_title": _("Reason"),
    "since": _("Since"),
    "hash": _("Coded value (keyed hash) of the address"),
    "history": _("History"),
    "step": _("Step"),
    "when": _("When"),
    "where": _("Where"),
    "consents": _("Consents"),
    "granted": _("Consent given"),
    "policy_revision": _("Privacy statement version"),
    "policy_hash": None,
}


def _steps(steps):
    return [
        {"step": step.what, "when": step.when, "where": step.where, "language": step.lang}
        for step in steps
    ]


def _consents(consents):
    return [
        {
            "granted": event.granted,
            "when": event.when,
            "where": event.form,
            "policy_revision": event.policy_revision,
            "policy_hash": event.policy_hash,
            "language": event.lang,
        }
        for event in consents
    ]


def exported_subscription(subscription):
    """One subscription as the export shows it (plain values)."""
    return {
        "record": "subscription",
        "record_title": _("Newsletter subscription"),
        "email": subscription.address,
        "language": subscription.lang,
        "state": subscription.state,
        "state_title": STATE_TITLES.get(subscription.state),
        "source": subscription.source,
        "source_title": SOURCE_TITLES.get(subscription.source),
        "requested": subscription.created,
        "confirmed": subscription.confirmed,
        "ended": subscription.ended,
        "history": _steps(subscription.steps),
        "consents": _consents(subscription.consents),
    }


def exported_entry(key, entry):
    """One suppression entry as the export shows it (plain values)."""
    return {
        "record": "suppression",
        "record_title": _("List of addresses we never mail again"),
        "email": entry.address,
        "hash": key,
        "reason": entry.reason,
        "reason_title": REASON_TITLES.get(entry.reason),
        "since": entry.when,
        "history": _steps(entry.steps),
        "consents": _consents(entry.consents),
    }


def _addresses(root, account):
    """The addresses the newsletter may know ``account`` by: its own, and that of the
    subscription linked to it (a customer may subscribe another address of theirs)."""
    found = [account.email]
    linked = subscriptions.of_account(root["newsletter"], account.__name__)
    if linked is not None:
        found.append(linked.address)
    return found


def _export(root, addresses):
    newsletter = root["newsletter"]
    items, seen = [], set()
    for address in addresses:
        try:
            key = digest(newsletter.hash_key, address)
        except ValueError:
            continue
        if key in seen:
            continue
        seen.add(key)
        subscription = subscriptions.find(newsletter, address)
        if subscription is not None:
            items.append(exported_subscription(subscription))
        entry = newsletter.suppression.get(key)
        if entry is not None:
            items.append(exported_entry(key, entry))
    return items or None


def export_account(root, account):
    return _export(root, _addresses(root, account))


def export_guest(root, email):
    return _export(root, [email])


def _erase(root, addresses, now, registry):
    """Erase what the newsletter keeps of each of ``addresses``; the report's line."""
    newsletter = root["newsletter"]
    erased = 0
    for address in dict.fromkeys(addresses):
        known = subscriptions.find(newsletter, address) is not None
        if not known and suppression.entry(newsletter, address) is None:
            continue  # nothing kept: nothing to erase, and nothing added either
        subscriptions.erase(newsletter, address, now, registry)
        erased += 1
    if not erased:
        return None
    return (
        f"newsletter: {erased} address(es) erased; the suppression list keeps only their keyed hash"
    )


def erase_account(root, account, now, registry, options=frozenset()):
    return _erase(root, _addresses(root, account), now, registry)


def erase_guest(root, email, now, registry, options=frozenset()):
    return _erase(root, [email], now, registry)


def includeme(config):
    add_contributor(
        config.registry,
        Contributor(
            "newsletter",
            _("Newsletter"),
            export=export_account,
            erase=erase_account,
            export_guest=export_guest,
            erase_guest=erase_guest,
            labels=LABELS,
        ),
    )
