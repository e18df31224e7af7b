"""The outbox: mail stored in the database, in the transaction that causes it.

A mail is queued by writing it into the :class:`Outbox`, a persistent object kept in the
ZODB root of the main database under :data:`OUTBOX_KEY`, beside the Site:

- in the *same database* as the orders and accounts, so the order (or account change) and
  its mail are written by one commit of one storage: both or neither.  (A separate database,
  or the Maildir of before, makes it a commit over two resources, which can fail between
  the two: the order committed, the mail lost, a 500 shown; issue 12, D1.)
- *beside* the Site rather than in it: it is no content (nothing to traverse, no ACL, not in
  the catalog), and evolve steps that reshape the Site leave it alone (as the evolve record).

It is created by the first transaction that queues a mail, so no start-up or GET writes.

What is stored, one :class:`OutboxMail` per mail, keyed by the time it was queued (oldest
first):

- a composed message (:func:`send`): its bytes as SMTP carries them, its recipients, and its
  ``Message-ID``, fixed now, so that every delivery attempt sends the same message;
- or an *intent* (:func:`queue_intent`): a kind, an address, a language and a few ids, for
  mails that the request must not compose itself (a password reset answers the same, and
  does the same work, whether the address has an account or not: issue 12, D8).  The sender
  composes it with the composer its package declared (``config.add_mail_composer``), in its
  own transaction; an intent whose address has no account composes nothing and is removed
  then, with the address it held.

The sender (:mod:`shopcms.mail.delivery`) claims, sends and removes them; a mail the server
refuses for good moves to :attr:`Outbox.rejected`, kept for staff, never lost.
"""

import email.policy
import secrets
import time

import BTrees.Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from ZODB.utils import z64

from shopcms.mail.compose import new_message_id

#: The key of the outbox in the ZODB root of the main database.
OUTBOX_KEY = "shopcms.mail.outbox"


class OutboxMail(Persistent):
    """One queued mail: a composed message (``data``) or an intent (``intent``).

    ``message_id`` is fixed when the mail is queued.  The sender's bookkeeping: ``attempts``
    (failed deliveries so far), ``error`` (the last failure, one line), ``next_try`` (not
    before this time, seconds since the epoch), ``claimed_until`` (a sender has it until then).
    """

    def __init__(self, message_id, queued, *, data=None, recipients=(), intent=None):
        self.message_id = message_id
        self.queued = queued
        self.data = data
        self.recipients = tuple(recipients)
        self.intent = dict(intent) if intent is not None else None
        self.attempts = 0
        self.error = None
        self.next_try = queued
        self.claimed_until = 0.0

    @property
    def composed(self):
        return self.data is not None


#: The first key of :attr:`Outbox.pending`: an entry that is no mail (its value is None)
#: and is never removed.  BTrees resolve two concurrent changes of one bucket, a checkout's
#: mail added at its end and the sender's oldest mail removed at its start, unless the
#: removed key is the bucket's first or the bucket becomes empty: then the one that commits
#: second conflicts, and a checkout is replayed or a delivery left unrecorded (the mail is
#: sent again).  With this entry first, the oldest mail is never the first key nor the last
#: one left.  It sorts before every time-ordered key.
FIRST = ""


class Outbox(Persistent):
    """The mails waiting to be delivered (``pending``) and those refused for good.

    ``pending`` and ``rejected`` map a time-ordered key to an :class:`OutboxMail`;
    ``pending`` also holds :data:`FIRST`, so it is read through :meth:`items`, :meth:`mails`
    and :meth:`get`, which leave that entry out.  ``count`` is the number of mails waiting (a
    conflict-free counter: concurrent checkouts each add one); ``imported`` the Message-IDs
    taken from the Maildir queue of before.
    """

    def __init__(self):
        self.pending = OOBTree({FIRST: None})
        self.rejected = OOBTree()
        self.count = BTrees.Length.Length()
        self.imported = OOTreeSet()

    def items(self):
        """``(key, OutboxMail)`` of the mails waiting, oldest first."""
        return self.pending.items(min=FIRST, excludemin=True)

    def mails(self):
        """The mails waiting (:class:`OutboxMail`), oldest first."""
        return self.pending.values(min=FIRST, excludemin=True)

    def get(self, key):
        """The waiting mail ``key``, or None."""
        return None if key == FIRST else self.pending.get(key)

    def add(self, mail):
        """Queue ``mail``; returns its key."""
        self._keep_first()
        # Seconds, microseconds, then randomness: ordered by time, and two processes queuing
        # in the same microsecond still get two keys (their inserts merge without a
        # conflict).  Split so that no run of digits looks like a card number to the scans.
        seconds, micros = divmod(int(mail.queued * 1_000_000), 1_000_000)
        key = f"{seconds:010d}.{micros:06d}.{secrets.token_hex(4)}"
        self.pending[key] = mail
        self.count.change(1)
        return key

    def remove(self, key):
        """The mail ``key`` is dealt with (delivered, or nothing to send)."""
        if key == FIRST:
            raise KeyError(key)
        self._keep_first()
        del self.pending[key]
        self.count.change(-1)

    def reject(self, key, error):
        """The mail ``key`` was refused for good: keep it apart, with why."""
        mail = self.pending[key]
        mail.error = error
        self.rejected[key] = mail
        self.remove(key)

    def _keep_first(self):
        # An outbox made before FIRST existed gets it with its next change.
        if FIRST not in self.pending:
            self.pending[FIRST] = None


def _database_root(obj):
    """The ZODB root mapping of the database ``obj`` (a persistent object, e.g. the Site,
    or ``connection.root()``) is stored in."""
    jar = getattr(obj, "_p_jar", None)
    if jar is None and "_root" in getattr(obj, "__dict__", {}):  # ZODB's RootConvenience
        jar = obj.__dict__["_root"]._p_jar
    if jar is None:
        raise ValueError(f"{obj!r} is not stored in a database")
    return jar.get(z64)


def get_outbox(obj, create=False):
    """The outbox of the database ``obj`` is stored in; None if there is none yet, unless
    ``create`` (a write: only in a transaction that queues a mail)."""
    root = _database_root(obj)
    outbox = root.get(OUTBOX_KEY)
    if outbox is None and create:
        outbox = root[OUTBOX_KEY] = Outbox()
    return outbox


def recipients_of(message):
    """The addresses of the ``To`` and ``Cc`` headers of ``message``; ValueError if none."""
    headers = message.get_all("To", []) + message.get_all("Cc", [])
    recipients = [address.addr_spec for header in headers for address in header.addresses]
    if not recipients:
        raise ValueError("the message has no recipient (To or Cc)")
    return recipients


#: Headers that hold addresses: written on one line, never folded (see :class:`_Policy`).
ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender"})
#: Headers of URLs (RFC 2369's ``List-Unsubscribe``): folded, a long URL would become RFC
#: 2047 encoded words, which no mail client reads as a URL.  Written on one line too.
URL_HEADERS = frozenset({"list-unsubscribe"})
_UNFOLDED = email.policy.SMTP.clone(max_line_length=None)


class _Policy(type(email.policy.SMTP)):
    """SMTP's policy, but address headers are not folded.

    The email package (3.11, 3.12) drops the quotes of a long display name when it folds
    one: ``"Jan \"x\" Peeters, attacker@evil.example, ..." <jan@...>`` comes out as
    several addresses (issue 12, D3).  Unfolded it is written correctly; compose keeps the
    display name short enough (``compose.MAX_NAME``) for the 998-character line limit.
    """

    def fold_binary(self, name, value):
        if name.lower() in ADDRESS_HEADERS | URL_HEADERS:
            return _UNFOLDED.fold_binary(name, value)
        return super().fold_binary(name, value)


SMTP_POLICY = _Policy(linesep="\r\n")


def as_smtp_bytes(message):
    """``message`` as SMTP carries it: CRLF line ends, long headers folded (address headers
    excepted), as bytes."""
    return message.as_bytes(policy=SMTP_POLICY)


def send(site, message):
    """Queue ``message`` (an EmailMessage, as :func:`~shopcms.mail.compose` makes) in the
    outbox of the database ``site`` lives in, in the current transaction of its connection.

    Nothing leaves unless that transaction commits: a rejected form or a request replayed
    after a conflict sends nothing (twice).  The recipients are the ``To`` and ``Cc``
    addresses (ValueError if there is none).  Returns the ``Message-ID``, which every
    delivery attempt keeps.
    """
    recipients = recipients_of(message)
    if message["Message-ID"] is None:
        raise ValueError("the message has no Message-ID")
    message_id = str(message["Message-ID"])
    mail = OutboxMail(message_id, time.time(), data=as_smtp_bytes(message), recipients=recipients)
    get_outbox(site, create=True).add(mail)
    return message_id


def queue_intent(site, kind, *, address, lang, domain, **ids):
    """Queue the intent to send mail ``kind`` to ``address`` in ``lang``; the sender
    composes it later with the composer declared for ``kind`` (``config.add_mail_composer``).

    ``ids`` are plain values the composer needs (an account id, the shop's address for
    links; no secrets: the composer makes tokens itself).  ``domain`` is the domain of the
    ``Message-ID`` given now.  The work is the same whatever ``address`` is: nothing is
    looked up here.  Returns the ``Message-ID``.
    """
    message_id = new_message_id(domain)
    intent = {"kind": kind, "address": address, "lang": lang, **ids}
    get_outbox(site, create=True).add(OutboxMail(message_id, time.time(), intent=intent))
    return message_id


def outbox_state(root, now=None):
    """What staff and a readiness check need to know of the outbox, as a dict.

    ``root``: the Site, ``connection.root()`` or any object stored in the main database.
    Keys: ``size`` (mails waiting), ``oldest_age_seconds`` (age of the oldest waiting one;
    0.0 when none), ``failing`` (waiting mails whose last attempt failed), ``rejected``
    (refused for good, kept for staff) and ``last_error`` (the newest failure's text, or
    None).  Reads only; safe in a GET.
    """
    now = time.time() if now is None else now
    outbox = get_outbox(root)
    if outbox is None:
        return {
            "size": 0,
            "oldest_age_seconds": 0.0,
            "failing": 0,
            "rejected": 0,
            "last_error": None,
        }
    mails = list(outbox.mails())
    failing = [mail for mail in mails if mail.attempts]
    oldest = max(0.0, now - mails[0].queued) if mails else 0.0
    last_error = max(failing, key=lambda m: m.next_try).error if failing else None
    return {
        "size": outbox.count.value,
        "oldest_age_seconds": oldest,
        "failing": len(failing),
        "rejected": len(outbox.rejected),
        "last_error": last_error,
    }
