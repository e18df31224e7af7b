"""Putting a mail in the queue (the outbox) as part of a transaction: :func:`send`.

The queue is a Maildir written by repoze.sendmail's ``QueuedMailDelivery``: the message is
written into the queue's ``tmp/`` at once and moved into ``new/`` only when the transaction
commits; an abort (a rejected form, a request replayed after a conflict) removes it.
Contract: nothing reaches the queue unless that transaction commits, so a retried request
never sends twice and no mail leaves for something that did not happen.  What is in
``new/`` is then the sender's (:mod:`shopcms.mail.sending`).
"""

import email
import email.policy

from repoze.sendmail.delivery import MailDataManager, MailDataManagerState, QueuedMailDelivery

from shopcms.mail.sending import get_mailer


def send(registry, message, transaction_manager):
    """Queue ``message`` (an EmailMessage, as :func:`compose` makes) to leave when
    ``transaction_manager``'s current transaction commits.

    In a view pass ``request.tm`` (pyramid_tm's manager of that request, not the thread's
    ``transaction.manager``); in a script the manager of its connection, e.g.
    ``site._p_jar.transaction_manager`` inside ``db.site_transaction``.  Nothing reaches
    the queue unless that transaction commits.  The recipients are the ``To`` and ``Cc``
    addresses (ValueError if there is none).  Returns the ``Message-Id``.
    """
    mailer = get_mailer(registry)
    # Fails (NoTransaction) for an explicit manager outside a transaction, before any file.
    transaction_manager.get()
    headers = message.get_all("To", []) + message.get_all("Cc", [])
    recipients = [address.addr_spec for header in headers for address in header.addresses]
    if not recipients:
        raise ValueError("the message has no recipient (To or Cc)")
    # Handed over encoded, in the email model repoze.sendmail was written for: its clean-up
    # then finds every header already encoded and leaves it.  (It would re-encode a name
    # like "Dupont, Zoë" into a form that the email package later splits into two.)
    queued = email.message_from_bytes(message.as_bytes(), policy=email.policy.compat32)
    _declare_charsets(queued)
    delivery = _QueuedMailDelivery(str(mailer.queue), transaction_manager=transaction_manager)
    return delivery.send(mailer.envelope_from, recipients, queued)


def _declare_charsets(message):
    """Let repoze.sendmail see each text part's charset.

    The clean-up in ``QueuedMailDelivery.send`` guesses a charset for any part whose charset
    was not *set* (a parsed part has it only in its header): a quoted-printable UTF-8 body
    looks like ASCII and would be relabelled us-ascii (repoze/repoze.sendmail#41).
    """
    for part in message.walk():
        charset = part.get_content_charset()
        if not part.is_multipart() and charset and part.get_charset() is None:
            part.set_charset(charset)


class _MailDataManager(MailDataManager):
    """repoze.sendmail's, for a commit that fails half-way (a ZODB conflict at the vote).

    The transaction then calls ``abort`` on the resources that have not voted: repoze's
    raises (an error with a traceback in the log) and its ``tpc_abort`` leaves the pending
    file in ``tmp/``.  Here the file is removed and nothing is logged.  Never sent, either way.
    """

    def abort(self, trans):
        if self.tpc_phase == 0 and self.state != MailDataManagerState.TPC_FINISHED:
            super().abort(trans)
        # Otherwise the commit has begun: tpc_abort follows, and removes the file; or this
        # one finished and another resource's tpc_finish failed (the ZEO server went away):
        # the mail is in new/ and repoze's abort would raise past the error page (a 500).

    def tpc_abort(self, trans):
        # Phase 0: this one had not begun (abort removed the file) or had finished (the
        # mail is committed); repoze's would raise.
        if self.tpc_phase != 0:
            super().tpc_abort(trans)
            if self.onAbort:
                self.onAbort()


class _QueuedMailDelivery(QueuedMailDelivery):
    def createDataManager(self, fromaddr, toaddrs, message):
        plain = super().createDataManager(fromaddr, toaddrs, message)
        return _MailDataManager(
            plain.callable, onAbort=plain.onAbort, transaction_manager=self.transaction_manager
        )
