"""The :class:`Mailer` of an application: the mail settings, SMTP, and the running sender.

The :class:`Mailer` (``registry.shopcms_mail``, from :func:`get_mailer`) holds the settings
and connects to the SMTP server; :meth:`Mailer.send_queued` runs one round over the outbox
(:func:`shopcms.mail.delivery.deliver`; ``shopcms send-mail``, ``send_queued``), and
:meth:`Mailer.start_sender` a daemon thread doing a round every ``send_interval`` seconds,
waiting longer (doubling, up to 16 intervals or :data:`MAX_PAUSE`) while the server takes no mail.

Every serving process may run a sender, and ``shopcms send-mail`` beside them: they share the
outbox in the database and a mail is claimed in a transaction of its own, so ZODB's conflict
detection decides which sender has it.
"""

import logging
import os
import smtplib
import ssl
import threading
from email.utils import parseaddr
from pathlib import Path

# The package's name, not this module's: it is the name the records had before the package
# was split, and log configurations and tests select them by it.
log = logging.getLogger("shopcms.mail")

DEFAULT_QUEUE = "var/mailqueue"
DEFAULT_SENDER = "Soft Cactus <shop@softcactus.be>"
TLS_MODES = ("off", "starttls", "ssl")
#: Seconds smtplib waits for the server at each step.
SMTP_TIMEOUT = 10
#: The longest pause of the running sender while the server takes no mail (seconds).
MAX_PAUSE = 300


def _number(settings, name, default):
    value = float(settings.get(name) or default)
    if value < 0:
        raise ValueError(f"{name} cannot be negative")
    return value


class Mailer:
    """The mail settings of one application (``registry.shopcms_mail``) and its sender.

    Raises ValueError at start for a setting it cannot use.
    """

    def __init__(self, settings):
        # The Maildir queue of the code before the outbox: read (imported) only, if present.
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
        self.send_interval = _number(settings, "shopcms.mail.send_interval", 0)
        self.retry_delay = _number(settings, "shopcms.mail.retry_delay", 60)
        self.claim_seconds = _number(settings, "shopcms.mail.claim_seconds", 300)
        self._thread = None
        self._thread_lock = threading.Lock()
        self._stop = threading.Event()
        self._server_failing = False
        #: One round over the outbox (a callable returning a QueueRun), set by includeme.
        self.round = None

    @property
    def domain(self):
        """The domain of the Message-IDs this shop gives."""
        return self.envelope_from.rpartition("@")[2]

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
        """One round over the outbox: ``self.round()``, which ``includeme`` sets to
        :func:`shopcms.mail.delivery.deliver` for this application."""
        return self.round()

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
        pause = self.send_interval
        while True:
            try:
                run = self.send_queued()
            except Exception:
                # Never let the thread die: the next round tries again.
                log.exception("the mail outbox could not be sent")
                failing = True
            else:
                self._report(run)
                failing = bool(run.error)
            # Back off while the server (or the database) fails; at once to normal after.
            longest = min(MAX_PAUSE, self.send_interval * 16)
            pause = min(pause * 2, longest) if failing else self.send_interval
            if self._stop.wait(pause):
                return

    def _report(self, run):
        # One warning when the server becomes unreachable, not one per round.
        if run.error and not self._server_failing:
            log.warning("%s; %d mail(s) wait in the outbox", run.error, run.waiting)
        elif self._server_failing and not run.error:
            log.info("the SMTP server takes mail again")
        self._server_failing = bool(run.error)


def get_mailer(registry):
    """The :class:`Mailer` that ``config.include("shopcms.mail")`` put in ``registry``."""
    return registry.shopcms_mail
