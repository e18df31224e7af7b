"""Mail to customers: composed in their language, queued with the transaction, sent by SMTP.

How a mail travels:

1. :func:`compose` renders ``templates/mail/NAME.txt`` (plain text) and ``NAME.pt`` (HTML)
   in the language it is given, whatever the language of the current request (staff working
   in Dutch ship the order of a French customer: the mail is French).
2. :func:`send` puts it in the queue as part of a transaction: the message is written into
   the queue's ``tmp/`` at once and moved into ``new/`` only when that transaction commits;
   an abort (a rejected form, a request replayed after a conflict) removes it.  So a retried
   request never sends twice, and no mail leaves for something that did not happen.
3. :func:`send_queued` (``shopcms send-mail INI``, or the running sender) sends every queued
   message through SMTP and removes it once the server has accepted it.  When the server
   cannot be reached the messages wait for the next round: an outage loses nothing.

Settings (``[app:main]``):

``shopcms.mail.queue``
    The queue folder (a Maildir), created at start.  Default ``var/mailqueue``, relative to
    the working directory at start; the ini files set it explicitly.
``shopcms.mail.sender``
    The ``From`` of every mail, e.g. ``Soft Cactus <shop@softcactus.be>``; its address is also
    the envelope sender and the domain of the ``Message-ID``.
``shopcms.mail.host``, ``shopcms.mail.port``
    The SMTP server (default ``localhost`` and 25).
``shopcms.mail.username``, ``shopcms.mail.password``
    Log in to the server when both are set (default: no login).
``shopcms.mail.tls``
    ``off`` (default: plain SMTP, for a relay on this host), ``starttls`` (required, usually
    port 587) or ``ssl`` (TLS from the first byte, usually port 465).  With ``starttls`` and
    ``ssl`` the server's certificate is verified.
``shopcms.mail.send_interval``
    Seconds between two rounds of the running sender, a daemon thread of the application
    that starts with the first request it serves (the ``shopcms`` commands serve none, so
    they never start it).  0 (the default) runs no sender: ``shopcms send-mail`` from cron
    or a timer then sends the queue.

The queue is repoze.sendmail's (``QueuedMailDelivery``, its Maildir layout, its claim by
hard link so that two senders never send one message), but it is sent here with smtplib
rather than by its ``QueueProcessor`` and ``SMTPMailer`` (4.5), which: list their own
``.sending-``/``.rejected-`` files as messages (a mail that failed once is later sent twice,
a refused one again and again); leave a failed message locked for three hours; relabel a
quoted-printable UTF-8 body as us-ascii (repoze/repoze.sendmail#41); send bare LF line ends
(a strict server reads one endless line); and do not verify the server's TLS certificate.
"""

import email
import email.policy
import logging
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import Parser
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from pyramid.events import NewRequest
from pyramid.renderers import render
from pyramid.request import Request
from pyramid.threadlocal import manager as threadlocal_manager
from repoze.sendmail.delivery import MailDataManager, QueuedMailDelivery

from shopcms.web.clock import now
from shopcms.web.i18n import _, languages

log = logging.getLogger(__name__)

DEFAULT_QUEUE = "var/mailqueue"
DEFAULT_SENDER = "Soft Cactus <shop@softcactus.be>"
TLS_MODES = ("off", "starttls", "ssl")

#: Where queued messages wait: committed ones in ``new/`` (``cur/`` is read too, as a Maildir).
QUEUED_DIRS = ("new", "cur")
#: Seconds smtplib waits for the server at each step.
SMTP_TIMEOUT = 10
#: A message the server refused for good is moved here, out of the queue.
REJECTED_DIR = "rejected"
#: A sender claims a message with a hard link of this name while it sends it.
CLAIM_PREFIX = ".sending-"
#: A claim older than this (seconds) belongs to a sender that died while sending: sending a
#: message takes seconds (SMTP_TIMEOUT per step), so ten minutes is generous.
STALE_CLAIM = 600


@dataclass(frozen=True)
class QueueRun:
    """What one round over the queue did."""

    sent: int
    #: Messages still queued after the round.
    waiting: int
    #: Messages the server refused for good, moved to the queue's ``rejected/`` folder.
    rejected: int = 0
    #: Why the server could not take mail this round (one line), or None.
    error: str | None = None


class Mailer:
    """The mail settings of one application (``registry.shopcms_mail``) and its sender.

    Raises ValueError at start for a setting it cannot use.
    """

    def __init__(self, settings):
        self.queue = Path(os.path.abspath(settings.get("shopcms.mail.queue") or DEFAULT_QUEUE))
        self.sender = settings.get("shopcms.mail.sender") or DEFAULT_SENDER
        self.envelope_from = parseaddr(self.sender)[1]
        if "@" not in self.envelope_from:
            raise ValueError(f"shopcms.mail.sender has no address: {self.sender!r}")
        self.host = settings.get("shopcms.mail.host") or "localhost"
        self.port = int(settings.get("shopcms.mail.port") or 25)
        self.username = settings.get("shopcms.mail.username") or None
        self.password = settings.get("shopcms.mail.password") or None
        self.tls = (settings.get("shopcms.mail.tls") or "off").strip().lower()
        if self.tls not in TLS_MODES:
            raise ValueError(f"shopcms.mail.tls must be one of {', '.join(TLS_MODES)}")
        self.send_interval = float(settings.get("shopcms.mail.send_interval") or 0)
        if self.send_interval < 0:
            raise ValueError("shopcms.mail.send_interval cannot be negative")
        self._thread = None
        self._thread_lock = threading.Lock()
        self._stop = threading.Event()
        self._server_failing = False

    def create_queue(self):
        """Create the queue folders if missing (the Maildir ones and ``rejected/``)."""
        for sub in ("tmp", *QUEUED_DIRS, REJECTED_DIR):
            (self.queue / sub).mkdir(parents=True, exist_ok=True)

    def queued(self):
        """The paths of the committed messages in the queue, oldest first."""
        paths = []
        for sub in QUEUED_DIRS:
            # Names starting with a dot are claims, never messages (Maildir convention).
            paths += [p for p in (self.queue / sub).iterdir() if not p.name.startswith(".")]
        # Maildir names start with the time they were written; sorting by name, not by
        # mtime, cannot trip over a file another sender removes meanwhile.
        return sorted(paths, key=lambda p: p.name)

    def connect(self):
        """An SMTP connection to the configured server, logged in if so configured.

        Raises OSError (smtplib's errors are OSErrors) when the server takes no mail.
        """
        context = ssl.create_default_context()  # smtplib's own default verifies nothing
        if self.tls == "ssl":
            connection = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        try:
            if self.tls == "starttls":
                connection.starttls(context=context)
            if self.username and self.password:
                connection.login(self.username, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send_queued(self):
        """Send each queued message once through SMTP; returns a :class:`QueueRun`.

        A message leaves the queue only when the server accepted it, or refused it for good
        (5xx for all its recipients or for its content: then it is moved to ``rejected/``
        and logged).  When the server takes no mail (down, refuses the login, the sender or
        TLS), every message stays and the round stops: the reason is in ``QueueRun.error``,
        nothing is raised.  Connects only if there is something to send.  Safe to run in
        several threads or processes at once: a message another sender has is skipped.
        """
        sent = rejected = 0
        error = None
        connection = None
        try:
            for path in self.queued():
                claim = path.with_name(CLAIM_PREFIX + path.name)
                if not _claim(path, claim):
                    continue
                try:
                    if connection is None:
                        connection = self.connect()
                    outcome = self._send_file(connection, path)
                finally:
                    # After the message is gone: another sender must never find it unclaimed.
                    claim.unlink(missing_ok=True)
                sent += outcome == "sent"
                rejected += outcome == "rejected"
        except OSError as exc:
            error = f"the SMTP server {self.host}:{self.port} takes no mail: {exc}"
        finally:
            if connection is not None:
                _close(connection)
        return QueueRun(sent=sent, waiting=len(self.queued()), rejected=rejected, error=error)

    def _send_file(self, connection, path):
        """Send one claimed queued file: "sent", "rejected" or "kept" (refused for now)."""
        fromaddr, toaddrs, message = _read_queued(path)
        try:
            # send_message writes CRLF line ends, as SMTP wants.
            connection.send_message(message, fromaddr, toaddrs)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
            if not _refused_for_good(exc):
                log.warning("mail to %s refused for now: %s", ", ".join(toaddrs), exc)
                return "kept"
            log.error(
                "mail to %s refused by the server, moved to %s: %s",
                ", ".join(toaddrs),
                self.queue / REJECTED_DIR,
                exc,
            )
            path.replace(self.queue / REJECTED_DIR / path.name)
            return "rejected"
        path.unlink()
        log.info("mail %s to %s sent", message["Message-Id"], ", ".join(toaddrs))
        return "sent"

    def start_sender(self):
        """Start the running sender, once, if ``send_interval`` is above 0."""
        if self.send_interval <= 0 or self._thread is not None:
            return
        with self._thread_lock:
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run_sender, name="shopcms-mail-sender", daemon=True
                )
                self._thread.start()

    @property
    def sender_running(self):
        return self._thread is not None and self._thread.is_alive()

    def stop_sender(self, timeout=5):
        """Stop the running sender (tests; a daemon thread needs no stop at exit)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run_sender(self):
        while True:
            try:
                run = self.send_queued()
            except Exception:
                # Never let the thread die: the next round tries again.
                log.exception("the mail queue could not be sent")
            else:
                self._report(run)
            if self._stop.wait(self.send_interval):
                return

    def _report(self, run):
        # One warning when the server becomes unreachable, not one per round.
        if run.error and not self._server_failing:
            log.warning("%s; %d mail(s) wait in the queue", run.error, run.waiting)
        elif self._server_failing and not run.error:
            log.info("the SMTP server takes mail again")
        self._server_failing = bool(run.error)


def get_mailer(registry):
    return registry.shopcms_mail


def compose(registry, template, values, *, lang, to, subject, application_url=None):
    """The mail ``template`` to ``to`` in the language ``lang``, ready for :func:`send`.

    ``to`` is a ``(name, address)`` pair (the name may hold commas, quotes, accents) or a
    bare address; not a ``formataddr`` string, which the email package garbles when the
    name has both accents and a comma.

    ``template`` is an asset spec without extension (``shopcms.orders:templates/mail/NAME``).
    Returns an ``EmailMessage`` (multipart/alternative, UTF-8): the plain text rendered from
    ``TEMPLATE.txt`` and the HTML from ``TEMPLATE.pt``, with ``values`` and
    what every template gets (``t`` translates into ``lang``; ``_`` makes a message id, for
    the ``.txt``, which has no ``i18n:`` attributes).  ``subject`` (a TranslationString or
    text) is translated into ``lang``.  ``lang`` must be one of ``shopcms.languages``
    (ValueError otherwise), whatever the current request's language.  ``application_url``
    is the base of URLs made in the templates: pass ``request.application_url`` in a view.
    """
    if lang not in languages(registry):
        raise ValueError(f"{lang!r} is not one of the configured languages")
    mailer = get_mailer(registry)
    request = Request.blank(f"/{lang}/", base_url=application_url)
    request.registry = registry
    # The locale negotiator reads the language from the route's match, as for /fr/... pages.
    request.matchdict = {"lang": lang}
    values = {"_": _, **values}
    # Chameleon translates through the *current* request: make this one current meanwhile.
    threadlocal_manager.push({"registry": registry, "request": request})
    try:
        # Chameleon returns a text template's output encoded (UTF-8): decode it.
        text = render(f"{template}.txt", values, request=request).decode("utf-8")
        html = render(f"{template}.pt", values, request=request)
    finally:
        threadlocal_manager.pop()
    message = EmailMessage()
    message["Subject"] = request.localizer.translate(subject)
    message["From"] = mailer.sender
    message["To"] = Address(display_name=to[0], addr_spec=to[1]) if isinstance(to, tuple) else to
    message["Date"] = format_datetime(now(registry))
    message["Message-ID"] = make_msgid(domain=mailer.envelope_from.rpartition("@")[2])
    # Quoted-printable keeps the queued file and the SMTP data plain ASCII.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


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


def send_queued(registry):
    """Send the queue once through the configured SMTP server (:meth:`Mailer.send_queued`)."""
    return get_mailer(registry).send_queued()


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
        if self.tpc_phase == 0:
            super().abort(trans)
        # Otherwise the commit has begun: tpc_abort follows, and removes the file.

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


def _claim(path, claim):
    """Take ``path`` for sending (a hard link named ``claim``); False if another sender has
    it or sent it meanwhile.  The scheme is repoze.sendmail's QueueProcessor's."""
    try:
        age = time.time() - claim.stat().st_mtime
    except FileNotFoundError:
        pass
    else:
        if age < STALE_CLAIM:
            return False
        claim.unlink(missing_ok=True)  # its sender died while sending
    try:
        os.utime(path)  # the claim shares the file's times: its age counts from now
        os.link(path, claim)
    except (FileNotFoundError, FileExistsError):
        return False
    return True


def _read_queued(path):
    """(envelope from, envelope recipients, message) of a queued file, as QueuedMailDelivery
    wrote it (the envelope in X-Actually-* headers, removed here)."""
    with open(path, encoding="utf-8") as f:
        message = Parser().parse(f)
    fromaddr = str(make_header(decode_header(message["X-Actually-From"])))
    toaddrs = str(make_header(decode_header(message["X-Actually-To"])))
    del message["X-Actually-From"], message["X-Actually-To"]
    return fromaddr, tuple(addr.strip() for addr in toaddrs.split(",")), message


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


def _start_sender(event):
    get_mailer(event.request.registry).start_sender()


def includeme(config):
    mailer = Mailer(config.get_settings())
    mailer.create_queue()
    config.registry.shopcms_mail = mailer
    if mailer.send_interval > 0:
        # Started by a request, so the shopcms commands (which load the app too) never run it.
        config.add_subscriber(_start_sender, NewRequest)
