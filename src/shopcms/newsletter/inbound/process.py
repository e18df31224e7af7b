"""``shopcms process-inbound``: act on each unread message of the shop's mailbox.

:func:`run` opens the mailbox of the settings (:mod:`.mailbox`) and, for each unread
message, in order:

- an unsubscribe request (:mod:`.classify`): the sender's subscription ends and its address
  goes on the suppression list (reason ``mail``, ledger form ``newsletter-mail``), and one
  confirmation is queued in the language of the sentence it wrote (else the
  subscription's, else the shop's default) unless the message was automatic;
- a hard bounce: each failed address is unsubscribed and suppressed (reason ``bounce``,
  form ``newsletter-bounce``), without any mail;
- anything else: left where it is, unread, for a person.

Each acted-on message is one transaction, committed *before* the message is moved to the
processed folder.  A run that dies in between finds the message again next time; the keyed
hash of its header (its Message-ID, the servers' Received lines), kept in the transaction
(``Newsletter.inbound_handled``, forgotten after :data:`REMEMBER`), tells it that the work
was done, so it is only moved: nobody gets a second confirmation.  A message whose
transaction fails is left unread and counted; one the email package cannot read is left.

Settings: ``shopcms.newsletter.inbound`` (and ``.user``, ``.password``,
``.processed_folder``, ``.cafile``: see :mod:`.mailbox`), ``.dedicated`` (true: any mail to
the unsubscribe address unsubscribes), ``shopcms.newsletter.unsubscribe_address``.
"""

import hashlib
import hmac
import imaplib
import logging
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

from BTrees.OOBTree import OOBTree
from pyramid.settings import asbool

from shopcms.mail import get_mailer
from shopcms.newsletter import mail, subscriptions
from shopcms.newsletter.inbound import bounces
from shopcms.newsletter.inbound.classify import BOUNCE, LEFT, UNSUBSCRIBE, Verdict, classify
from shopcms.newsletter.inbound.mailbox import open_source
from shopcms.newsletter.resources import BOUNCED, UNSUBSCRIBED_BY_MAIL
from shopcms.tree.database import site_transaction
from shopcms.web.clock import now
from shopcms.web.i18n import languages

log = logging.getLogger("shopcms.newsletter")

DEFAULT_UNSUBSCRIBE_ADDRESS = "info@softcactus.be"
#: How long the hash of a handled message is kept (a crash is found again in days).
REMEMBER = timedelta(days=60)
#: The ledger's form names of the two kinds of acts.
FORMS = {UNSUBSCRIBE: "newsletter-mail", BOUNCE: "newsletter-bounce"}


@dataclass
class Report:
    """What a run did: counts per outcome (``failed``: a transaction failed, left unread)."""

    unsubscribed: int = 0
    bounced: int = 0
    left: int = 0
    failed: int = 0
    confirmations: int = 0

    def line(self):
        return (
            f"{self.unsubscribed} unsubscribed ({self.confirmations} confirmation(s) queued), "
            f"{self.bounced} bounce(s), {self.left} left unread, {self.failed} failed"
        )


def run(registry):
    """Process the unread messages of the mailbox of ``registry``'s settings; returns the
    :class:`Report`.  Raises ``mailbox.InboundError`` (settings, login) and OSError or
    ``imaplib.IMAP4.error`` (the server) before or between messages."""
    settings = registry.settings
    options = {
        "unsubscribe_address": settings.get("shopcms.newsletter.unsubscribe_address")
        or DEFAULT_UNSUBSCRIBE_ADDRESS,
        "own_addresses": (get_mailer(registry).sender,),
        "dedicated": asbool(settings.get("shopcms.newsletter.inbound.dedicated", False)),
    }
    report = Report()
    source = open_source(settings)
    forget_old(registry)
    with source:
        for key, header in source.unread():
            verdict = judge(source, key, header, options)
            if verdict.kind == LEFT:
                report.left += 1
                continue
            try:
                confirmed = handle(registry, header, verdict)
            except Exception:
                log.exception("inbound message %s: not processed, left unread", key)
                report.failed += 1
                continue
            source.done(key)  # only after the commit: see the module
            if verdict.kind == BOUNCE:
                report.bounced += 1
            else:
                report.unsubscribed += 1
                report.confirmations += confirmed
    return report


def judge(source, key, header, options):
    """The verdict on message ``key``: from its header alone, but a delivery report is
    fetched whole (its recipients are in the body)."""
    try:
        message = message_from_bytes(header, policy=email_policy.default)
        if bounces.is_report(message):
            message = message_from_bytes(source.fetch(key), policy=email_policy.default)
        return classify(message, **options)
    except (OSError, imaplib.IMAP4.error):
        raise  # the mailbox failed: the run stops
    except Exception:  # a message the email package cannot read: a person can
        log.exception("inbound message %s: unreadable, left unread", key)
        return Verdict(LEFT)


def handle(registry, header, verdict):
    """Act on one message in its own transaction; returns the confirmations queued."""
    when = now(registry)
    queued = 0
    with site_transaction(registry) as site:
        newsletter = site["newsletter"]
        if _handled_before(newsletter, header, when):
            return 0
        for address in verdict.addresses:
            found = subscriptions.find(newsletter, address)
            lang = verdict.lang or (found.lang if found is not None else None)
            lang = lang if lang in languages(registry) else languages(registry)[0]
            reason = UNSUBSCRIBED_BY_MAIL if verdict.kind == UNSUBSCRIBE else BOUNCED
            subscriptions.unsubscribe_address(
                newsletter, address, reason, FORMS[verdict.kind], lang, when, registry
            )
            if verdict.kind == UNSUBSCRIBE and verdict.answer:
                mail.queue_ended(registry, site, address, lang)
                queued += 1
    return queued


def _handled_before(newsletter, header, when):
    """Was this message acted on already (see the module)?  Records it if not."""
    handled = getattr(newsletter, "inbound_handled", None)
    if handled is None:
        handled = newsletter.inbound_handled = OOBTree()
    key = hmac.new(newsletter.hash_key, header, hashlib.sha256).hexdigest()
    if key in handled:
        return True
    handled[key] = when
    return False


def forget_old(registry):
    """Forget the hashes of messages handled longer than :data:`REMEMBER` ago."""
    when = now(registry)
    with site_transaction(registry) as site:
        handled = getattr(site["newsletter"], "inbound_handled", None)
        for old in [k for k, seen in (handled or {}).items() if when - seen > REMEMBER]:
            del handled[old]
