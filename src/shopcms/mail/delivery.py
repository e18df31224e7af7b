"""Delivering the outbox to SMTP: one round, :func:`deliver`.

For each waiting mail that is due, oldest first:

1. *claim* it in a transaction of its own: the mail is marked as this sender's until
   ``claimed_until`` (``shopcms.mail.claim_seconds``).  Two senders (threads, processes,
   ``shopcms send-mail``) claiming one mail write the same object: ZODB lets one commit
   and the other gets a conflict and skips it.  An intent is composed here by its kind's
   composer, and the composed bytes are stored with the claim, so a later attempt sends the
   very same message; an intent that composes nothing (no such account) is removed.
2. *send* it through SMTP, outside any transaction.
3. *record* the outcome in a transaction of its own: delivered -> removed; refused for good
   (5xx) -> moved to the outbox's ``rejected`` (kept for staff, logged); refused for now
   (4xx) -> tried again after a delay that doubles with each failure
   (``shopcms.mail.retry_delay``, at most :data:`MAX_DELAY`).

Contract: at least once.  A sender that dies between 2 and 3 leaves its claim, which runs
out; the mail is then sent again with the same ``Message-ID`` (a receiving server or client
may drop the duplicate).  A sender that is alive never sends a mail once half its claim has
passed (the connection to the server took that long, the process was starved): it gives
the claim up and leaves the mail to the next round rather than race a sender that may claim
it next.  So a live sender sends a mail twice only if its send and record take longer than
the other half of the claim (``claim_seconds``, five minutes by default).  When the server
takes no mail (down, refuses the login or TLS) the round stops, every mail stays, and the
reason is in ``QueueRun.error``: nothing is raised.
Leftover messages of the Maildir queue of before are imported first
(:mod:`shopcms.mail.legacy`).
"""

import logging
import smtplib
import time
from dataclasses import dataclass

import transaction
from pyramid.threadlocal import manager as threadlocal_manager
from transaction.interfaces import TransientError

from shopcms.mail.legacy import import_maildir
from shopcms.mail.outbox import as_smtp_bytes, get_outbox, recipients_of
from shopcms.mail.sending import get_mailer

log = logging.getLogger("shopcms.mail")

#: The longest delay before a mail refused for now is tried again (seconds): six hours.
MAX_DELAY = 6 * 3600
#: How often a transaction that records an outcome is tried when it conflicts, and the
#: pause before the second try (doubled for each next one): an outcome not recorded is a
#: mail sent again once its claim runs out.
ATTEMPTS = 8
PAUSE = 0.01
SITE_KEY = "site"


@dataclass(frozen=True)
class QueueRun:
    """What one round over the outbox did."""

    sent: int
    #: Mails still waiting after the round.
    waiting: int
    #: Mails the server refused for good, moved to the outbox's ``rejected``.
    rejected: int = 0
    #: Why the server could not take mail this round (one line), or None.
    error: str | None = None
    #: Intents that composed nothing (no such account): removed.
    dropped: int = 0


def composers(registry):
    """kind -> composer, as the packages declared them (``config.add_mail_composer``)."""
    return getattr(registry, "shopcms_mail_composers", {})


def add_mail_composer(config, kind, composer):
    """Config directive: ``composer(registry, site, intent)`` makes the mail of intents of
    ``kind`` (an EmailMessage, or None to send nothing).  It runs in the sender's claim
    transaction (it may write, e.g. a token's nonce) with the intent's dict as
    :func:`~shopcms.mail.queue_intent` stored it; the ``Message-ID`` is set afterwards."""
    config.registry.shopcms_mail_composers[kind] = composer


def deliver(registry, clock=time.time, progress=None):
    """One round over the outbox of ``registry``'s main database; returns a QueueRun.
    ``progress(done, total)``, if given, is called after each mail due in this round."""
    mailer = get_mailer(registry)
    tm = transaction.TransactionManager()
    conn = registry._zodb_databases[""].open(transaction_manager=tm)
    threadlocal_manager.push({"registry": registry, "request": None})
    sent = rejected = dropped = 0
    error = None
    smtp = None
    try:
        import_maildir(mailer, conn, tm)
        due = _due(conn, tm, clock())
        for number, key in enumerate(due, 1):
            if progress is not None:
                # Before the mail rather than after: every path below ends in a continue.
                progress(number - 1, len(due))
            claimed_at = clock()
            claimed = _claim(registry, conn, tm, key, claimed_at)
            if claimed is None:
                continue
            if claimed == "dropped":
                dropped += 1
                continue
            data, recipients, message_id = claimed
            try:
                if smtp is None:
                    smtp = mailer.connect()
                if not _time_left(claimed_at, clock(), mailer.claim_seconds):
                    log.info("mail %s: its claim runs out before it is sent; next round", key)
                    _record(conn, tm, key, _released(claimed_at + mailer.claim_seconds))
                    continue
                refused = smtp.sendmail(mailer.envelope_from, list(recipients), data)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                if _refused_for_good(exc):
                    log.error("mail %s refused by the server, kept apart: %s", message_id, exc)
                    _record(conn, tm, key, lambda outbox, k=key, e=exc: outbox.reject(k, str(e)))
                    rejected += 1
                else:
                    log.warning("mail %s refused for now: %s", message_id, exc)
                    _record(conn, tm, key, _failed(str(exc), clock(), mailer.retry_delay))
                continue
            except OSError as exc:  # smtplib's errors are OSErrors too
                error = f"the SMTP server {mailer.host}:{mailer.port} takes no mail: {exc}"
                _record(conn, tm, key, _failed(error, clock(), 0))
                break
            if refused:
                log.warning("mail %s refused for some recipients: %s", message_id, refused)
            log.info("mail %s sent", message_id)
            _record(conn, tm, key, lambda outbox, k=key: outbox.remove(k))
            sent += 1
        if progress is not None and error is None:
            progress(len(due), len(due))
        waiting = _waiting(conn, tm)
    finally:
        if smtp is not None:
            _close(smtp)
        tm.abort()
        threadlocal_manager.pop()
        conn.close()
    return QueueRun(sent, waiting, rejected, error, dropped)


def send_queued(registry, progress=None):
    """One round over the outbox through the configured SMTP server; a QueueRun.
    ``progress``: see :func:`deliver`."""
    return deliver(registry, progress=progress)


def _due(conn, tm, now):
    """The keys of the mails that may be tried now, oldest first."""
    tm.begin()
    outbox = get_outbox(conn.root())
    if outbox is None:
        return []
    keys = [
        key for key, mail in outbox.items() if mail.next_try <= now and mail.claimed_until <= now
    ]
    tm.abort()
    return keys


def compose_waiting(registry, clock=time.time):
    """Compose every waiting intent now, as a claim does first, without claiming or sending
    anything; intents that compose nothing are removed.  Returns how many are composed.

    For tests and for staff who want to read what will leave without an SMTP server.
    """
    tm = transaction.TransactionManager()
    conn = registry._zodb_databases[""].open(transaction_manager=tm)
    threadlocal_manager.push({"registry": registry, "request": None})
    composed = 0
    try:
        tm.begin()
        outbox = get_outbox(conn.root())
        keys = [k for k, m in outbox.items() if not m.composed] if outbox else []
        tm.abort()
        for key in keys:
            composed += isinstance(_claim(registry, conn, tm, key, clock(), claim=False), tuple)
    finally:
        tm.abort()
        threadlocal_manager.pop()
        conn.close()
    return composed


def _claim(registry, conn, tm, key, now, claim=True):
    """Claim the mail ``key`` (see the module); ``(bytes, recipients, Message-ID)``,
    "dropped" for an intent that composed nothing, None if it is not this sender's.
    With ``claim`` False an intent is only composed (any time)."""
    mailer = get_mailer(registry)
    tm.begin()
    try:
        outbox = get_outbox(conn.root())
        mail = outbox.get(key)
        if mail is None or claim and (mail.claimed_until > now or mail.next_try > now):
            tm.abort()
            return None
        if not mail.composed:
            kind = mail.intent["kind"]
            try:
                message = _compose(registry, conn, mail)
            except TransientError:
                raise
            except Exception as exc:
                # A mistake in a composer: the intent stays, tried again later.
                log.exception("the mail %s (%s) could not be composed", mail.message_id, kind)
                tm.abort()
                _record(conn, tm, key, _failed(f"not composed: {exc!r}", now, mailer.retry_delay))
                return None
            if message is None:
                outbox.remove(key)  # and with it the address it held
                tm.commit()
                return "dropped"
            mail.data = as_smtp_bytes(message)
            mail.recipients = tuple(recipients_of(message))
            mail.intent = None
        if claim:
            mail.claimed_until = now + mailer.claim_seconds
        claimed = (mail.data, mail.recipients, mail.message_id)
        tm.commit()
    except TransientError:
        tm.abort()  # another sender has it, or the outbox moved under us: next round
        return None
    return claimed


def _compose(registry, conn, mail):
    intent = mail.intent
    composer = composers(registry).get(intent["kind"])
    if composer is None:
        raise LookupError(f"no composer for mails of kind {intent['kind']!r}")
    message = composer(registry, conn.root()[SITE_KEY], dict(intent))
    if message is not None:
        del message["Message-ID"]
        message["Message-ID"] = mail.message_id
    return message


def _time_left(claimed_at, now, claim_seconds):
    """Whether a claim made at ``claimed_at`` still has half its time left at ``now``.

    A claim that ran out may already be another sender's, which would send the mail too.
    Half the claim must be left for the send and the record of its outcome: what kept this
    sender from sending so far (a slow SMTP connection, a starved process) may go on.
    """
    return now - claimed_at < claim_seconds / 2


def _released(claimed_until):
    """An outcome: the claim that runs until ``claimed_until`` is given up unsent; a claim
    another sender has made since is left alone."""

    def record(outbox, key):
        mail = outbox.get(key)
        if mail.claimed_until == claimed_until:
            mail.claimed_until = 0.0

    return record


def _failed(error, now, delay):
    """An outcome: a failed attempt, tried again after ``delay`` doubled per failure."""

    def record(outbox, key):
        mail = outbox.get(key)
        mail.attempts += 1
        mail.error = error
        mail.next_try = now + min(delay * 2 ** (mail.attempts - 1), MAX_DELAY)
        mail.claimed_until = 0.0

    return record


def _record(conn, tm, key, outcome):
    """Apply ``outcome(outbox, key)`` in a transaction of its own, again on a conflict.

    If it cannot be recorded the claim runs out and the mail is tried again: never lost.
    """
    for attempt in range(ATTEMPTS):
        if attempt:  # (1.3 s in all: the transactions it met are over by then)
            time.sleep(PAUSE * 2 ** (attempt - 1))
        tm.begin()
        try:
            outbox = get_outbox(conn.root())
            if outbox.get(key) is not None:
                outcome(outbox, key)
            tm.commit()
            return
        except TransientError:
            tm.abort()
        except Exception:
            tm.abort()
            log.exception("the outcome of mail %s could not be recorded", key)
            return
    log.warning("the outcome of mail %s could not be recorded: conflicts", key)


def _waiting(conn, tm):
    tm.begin()
    outbox = get_outbox(conn.root())
    waiting = outbox.count.value if outbox is not None else 0
    tm.abort()
    return waiting


def _refused_for_good(exc):
    """Whether the server refused this message permanently (5xx), not just for now."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return exc.smtp_code >= 500


def _close(connection):
    try:
        connection.quit()
    except OSError:
        connection.close()
