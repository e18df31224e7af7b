"""Sending the queue through SMTP: the :class:`Mailer` of an application and its sender.

The :class:`Mailer` (``registry.shopcms_mail``, from :func:`get_mailer`) holds the mail
settings, creates the queue folder and sends what the transactions committed into it:
:meth:`Mailer.send_queued` for one round (``shopcms send-mail``, :func:`send_queued`),
:meth:`Mailer.start_sender` for a daemon thread doing a round every ``send_interval``
seconds.  Contract: a message leaves the queue only once the server accepted it or refused
it for good; a server that takes no mail loses nothing, its messages wait for the next round.

The queue is repoze.sendmail's (``QueuedMailDelivery``, its Maildir layout, its claim by
hard link so that two senders never send one message), but it is sent here with smtplib
rather than by its ``QueueProcessor`` and ``SMTPMailer`` (4.5), which: list their own
``.sending-``/``.rejected-`` files as messages (a mail that failed once is later sent twice,
a refused one again and again); leave a failed message locked for three hours; relabel a
quoted-printable UTF-8 body as us-ascii (repoze/repoze.sendmail#41); send bare LF line ends
(a strict server reads one endless line); and do not verify the server's TLS certificate.
"""

import logging
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.parser import Parser
from email.utils import parseaddr
from pathlib import Path

# The package's name, not this module's: it is the name the records had before the package
# was split, and log configurations and tests select them by it.
log = logging.getLogger("shopcms.mail")

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
    """The :class:`Mailer` that ``config.include("shopcms.mail")`` put in ``registry``."""
    return registry.shopcms_mail


def send_queued(registry):
    """Send the queue once through the configured SMTP server (:meth:`Mailer.send_queued`)."""
    return get_mailer(registry).send_queued()


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
