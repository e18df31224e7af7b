"""The newsletter as content: the site's ``newsletter`` folder, subscriptions, campaigns and
the suppression list.

::

    Site/newsletter/               Newsletter: campaigns by name (the desk traverses them),
      <campaign name>              Campaign: the versions per language, its sending state
      .subscriptions               key -> Subscription (time-ordered keys: the send order)
      .by_address                  normalised address -> subscription key
      .by_account                  account id -> subscription key
      .suppression                 keyed hash of the address -> Suppressed

Subscriptions, the suppression list and their indexes are attributes, never folder items:
traversal reaches only campaigns, and only in the management area.

A subscription's ``state`` is :data:`PENDING` until its confirmation link is followed
(double opt-in), then :data:`ACTIVE`; unsubscribing makes it :data:`UNSUBSCRIBED`, and
subscribing again makes it pending again (a new confirmation).  ``steps`` records every step
(requested, confirmed, language changed, unsubscribed) with when and where; ``consents`` is
the subscription's own consent ledger (``shopcms.privacy.ledger``): the confirmation and
the unsubscription, each with the privacy statement revision in force.

The suppression list holds the addresses that must never get a newsletter or contest mail
again (unsubscribed, bounced): keyed by a keyed hash (``addresses.digest``) so that an erased
address can stay on it as that hash only; ``address`` is the normalised address until then.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from pyramid.authorization import DENY_ALL, Allow

from shopcms.tree.resources import Content, Folder
from shopcms.web import security

PENDING, ACTIVE, UNSUBSCRIBED = "pending", "active", "unsubscribed"
STATES = (PENDING, ACTIVE, UNSUBSCRIBED)

#: Where a subscription was asked for (``Subscription.source``).
FOOTER, ACCOUNT, CHECKOUT, CONTEST, PREFERENCES = (
    "footer",
    "account",
    "checkout",
    "contest",
    "preferences",
)
SOURCES = (FOOTER, ACCOUNT, CHECKOUT, CONTEST, PREFERENCES)

#: Why an address is on the suppression list.
UNSUBSCRIBED_BY_LINK = "unsubscribed"  # the preferences page, one-click, the account
UNSUBSCRIBED_BY_MAIL = "mail"  # a mail asking it (``shopcms process-inbound``)
BOUNCED = "bounce"  # a hard bounce (RFC 3464)
ERASED = "erased"  # erasure of the person's data: only the hash stays
BY_STAFF = "staff"
REASONS = (UNSUBSCRIBED_BY_LINK, UNSUBSCRIBED_BY_MAIL, BOUNCED, ERASED, BY_STAFF)

#: A campaign's states.
DRAFT, SCHEDULED, SENDING, SENT = "draft", "scheduled", "sending", "sent"
CAMPAIGN_STATES = (DRAFT, SCHEDULED, SENDING, SENT)


def new_key():
    """A time-ordered, unique key: microseconds since the epoch, then 8 random hex digits."""
    return f"{time.time_ns() // 1000:017d}{secrets.token_hex(4)}"


# Frozen and pickled into ZODB: keep the module path and field names.
@dataclass(frozen=True)
class Step:
    """One step of a subscription: ``what`` (requested, confirmed, language, unsubscribed,
    erased), when, where (a source, ``"one-click"``, ``"mail"``, ``"bounce"``...)."""

    what: str
    when: datetime
    where: str
    lang: str | None = None


class Subscription(Persistent):
    """One address's subscription to the newsletter (see the module).

    Change it only through :mod:`shopcms.newsletter.subscriptions`.  ``nonce`` is the
    confirmation token's single-use value (replaced when a link is used or a new one is
    sent); ``link_key`` signs the preferences and unsubscribe links of its mails (replaced
    only when the subscription's data is erased, which kills every old link).
    """

    def __init__(self, key, address, lang, source, now, account=None):
        self.key = key
        self.address = address  # as given (its normalised form is the index key)
        self.lang = lang
        self.source = source
        self.account = account  # the account id of a logged-in customer, or None
        self.state = PENDING
        self.created = now
        self.confirmed = None  # when it last became active
        self.ended = None  # when it was last unsubscribed
        self.nonce = secrets.token_urlsafe(16)
        self.link_key = secrets.token_urlsafe(16)
        self.steps = PersistentList()
        self.consents = PersistentList()  # the ledger: ConsentEvent (shopcms.privacy.ledger)

    @property
    def active(self):
        return self.state == ACTIVE

    def renew_nonce(self):
        """A new confirmation nonce: every confirmation link made before is dead."""
        self.nonce = secrets.token_urlsafe(16)


class Suppressed(Persistent):
    """An entry of the suppression list (see the module).

    ``address`` is the normalised address (None once its owner's data was erased: the key,
    a keyed hash, is then all that is left); ``reason`` and ``when`` say why and since when.
    ``steps`` and ``consents`` are the ended subscription's history and consent ledger,
    kept as the proof of the consent given and withdrawn (GDPR art. 7(1)); they go with the
    address at erasure, and back into a new subscription when the address subscribes again.
    """

    def __init__(self, address, reason, when, steps=(), consents=()):
        self.address = address
        self.reason = reason
        self.when = when
        self.steps = tuple(steps)
        self.consents = tuple(consents)


class Newsletter(Folder):
    """The site's ``newsletter`` folder: campaigns as items, the rest as attributes.

    It inherits the Site's ACL: its public pages (subscribe, confirm, preferences, the click
    counter) are views of it; each campaign denies everyone but editors and administrators.
    """

    content_type = "newsletter"

    def __init__(self):
        super().__init__()
        self.subscriptions = OOBTree()
        self.by_address = OOBTree()
        self.by_account = OOBTree()
        self.suppression = OOBTree()
        self.active_count = Length()
        # The key of the suppression list's hashes (see addresses.digest).
        self.hash_key = secrets.token_bytes(32)


class Campaign(Content):
    """A mail to every active subscriber, in their language.

    ``versions`` maps a language to ``{"subject": ..., "body": ...}`` (Markdown, sanitised
    when rendered, as the policy pages); ``products`` the ids of the featured products in
    order.  Sending (``shopcms.newsletter.sending``) fixes ``links`` (the URLs the click
    counter redirects to, by index), moves the state to :data:`SENDING`, and queues one mail
    per active subscriber in batches: each batch adds the subscription keys to ``sent`` and
    moves ``cursor`` past them in the transaction that queues their mails, so a run that
    dies resumes after the last committed batch and nobody gets it twice.
    """

    content_type = "campaign"
    # Never public: an editor's draft, and its figures (the desk reaches it under /manage/).
    __acl__ = [
        (Allow, security.role_principal(security.ADMIN), (security.VIEW, security.EDIT)),
        (Allow, security.role_principal(security.EDITOR), (security.VIEW, security.EDIT)),
        DENY_ALL,
    ]

    def __init__(self, title=""):
        super().__init__()
        self.title = title
        self.versions = PersistentMapping()
        self.products = PersistentList()
        self.state = DRAFT
        self.send_at = None  # when a scheduled campaign is due (aware datetime)
        self.started = None
        self.finished = None
        self.cursor = None  # the last subscription key considered
        self.sent = OOTreeSet()  # subscription keys that have their mail queued
        self.queued = Length()
        self.skipped = Length()  # not queued: suppressed at queue time
        self.total = 0  # active subscribers when sending started (the progress's whole)
        self.links = PersistentList()
        self.clicks = OOBTree()  # link index -> Length
        self.tests = 0  # test sends to staff

    def version(self, lang, order):
        """``(lang, version)`` for ``lang``, else the first language of ``order`` that has
        one (the i18n fallback); ``(None, None)`` when there is none."""
        for candidate in (lang, *order):
            version = self.versions.get(candidate)
            if version and version.get("subject") and version.get("body"):
                return candidate, version
        return None, None
