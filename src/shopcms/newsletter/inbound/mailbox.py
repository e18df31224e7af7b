"""The shop's inbound mailbox: its unread messages, and moving the processed ones away.

:func:`open_source` reads the settings (``shopcms.newsletter.inbound`` and the settings
under it) and returns a source, used as a context manager::

    with open_source(settings) as source:
        for key, header in source.unread():   # the header of each unread message
            raw = source.fetch(key)            # the whole message, when it is needed
            source.done(key)                   # moved to the processed folder

Nothing is marked read until ``done``.  The header comes first so that the big attachments
of the questions left for a person are not downloaded again at every run.

- ``imaps://host[:port]/FOLDER``: IMAP over TLS, the server's certificate checked against
  the system's CAs or ``.cafile``; ``imap://`` (no TLS) only to 127.0.0.1/localhost, for
  the tests.  Unread = without ``\\Seen``; messages are fetched with ``BODY.PEEK[...]``
  so nothing becomes read.  ``done`` marks the message read and moves it to the processed
  folder (``MOVE`` when the server has it, else ``COPY``, ``\\Deleted`` and an expunge of
  that message alone); the folder is created when missing.  Untouched messages stay
  unread in FOLDER for a person.
- ``maildir:/path``: the Maildir's unread messages (in ``new/``, or in ``cur/`` without the
  ``S`` flag); ``done`` moves them, read, into its sub-folder ``.PROCESSED`` (Maildir++).

:class:`InboundError`: the settings are wrong, the server's certificate failed the check or
the server refused the login.  OSError and
``imaplib.IMAP4.error``: the server could not be reached or failed; nothing was moved.
"""

import contextlib
import imaplib
import mailbox
import ssl
from urllib.parse import unquote, urlsplit

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TIMEOUT = 60


class InboundError(Exception):
    """A mistake in the inbound settings, or a refused login: one line for the user."""


def open_source(settings):
    """The source the settings name (see the module); InboundError when there is none."""
    where = (settings.get("shopcms.newsletter.inbound") or "").strip()
    processed = settings.get("shopcms.newsletter.inbound.processed_folder") or "Processed"
    if not where:
        raise InboundError("shopcms.newsletter.inbound is not set: no mailbox to read")
    if where.startswith("maildir:"):
        return MaildirSource(where[len("maildir:") :], processed)
    url = urlsplit(where)
    if url.scheme not in ("imaps", "imap") or not url.hostname:
        raise InboundError(f"shopcms.newsletter.inbound: not imaps://, imap://, maildir: {where!r}")
    if url.scheme == "imap" and url.hostname not in LOCAL_HOSTS:
        raise InboundError("shopcms.newsletter.inbound: imap:// without TLS only to 127.0.0.1")
    return ImapSource(
        url.hostname,
        url.port,
        unquote(url.path.strip("/")) or "INBOX",
        processed,
        settings.get("shopcms.newsletter.inbound.user") or "",
        settings.get("shopcms.newsletter.inbound.password") or "",
        tls=url.scheme == "imaps",
        cafile=settings.get("shopcms.newsletter.inbound.cafile") or None,
    )


def quoted(name):
    """A mailbox name as an IMAP quoted string (ASCII names only)."""
    if not name.isascii():
        raise InboundError(f"IMAP folder names must be ASCII: {name!r}")
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSource:
    """An IMAP folder (see the module)."""

    def __init__(self, host, port, folder, processed, user, password, tls=True, cafile=None):
        self.host, self.port, self.folder, self.processed = host, port, folder, processed
        self.user, self.password, self.tls, self.cafile = user, password, tls, cafile
        self.imap = None
        self.capabilities = set()

    def __enter__(self):
        if self.tls:
            context = ssl.create_default_context(cafile=self.cafile)
            try:
                self.imap = imaplib.IMAP4_SSL(
                    self.host, self.port or 993, ssl_context=context, timeout=TIMEOUT
                )
            except ssl.SSLCertVerificationError as error:
                # Not "try again later": someone must look at the server or the settings.
                raise InboundError(
                    f"the certificate of {self.host} failed the check: {error.verify_message}"
                ) from error
        else:
            self.imap = imaplib.IMAP4(self.host, self.port or 143, timeout=TIMEOUT)
        try:
            self.imap.login(self.user, self.password)
        except imaplib.IMAP4.error as error:
            self.imap.shutdown()
            raise InboundError(f"the IMAP server refused the login of {self.user!r}") from error
        # The capabilities after login (servers announce more then: MOVE, UIDPLUS).
        self.capabilities = set(_ok(self.imap.capability())[0].decode().upper().split())
        self._ensure(self.processed)
        _ok(self.imap.select(quoted(self.folder)))
        return self

    def __exit__(self, *exc):
        # Leaving anyway: a server that failed forgets the session by itself.
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.imap.logout()

    def _ensure(self, name):
        if not _ok(self.imap.list('""', quoted(name)))[0]:
            _ok(self.imap.create(quoted(name)))

    def unread(self):
        """``(uid, header bytes)`` of each unread message of the folder, oldest first."""
        (found,) = _ok(self.imap.uid("SEARCH", "UNSEEN"))
        for uid in found.split():
            header = self._fetch(uid.decode(), "BODY.PEEK[HEADER]")
            if header is not None:
                yield uid.decode(), header

    def fetch(self, uid):
        """The bytes of message ``uid``."""
        return self._fetch(uid, "BODY.PEEK[]")

    def _fetch(self, uid, what):
        data = _ok(self.imap.uid("FETCH", uid, f"({what})"))
        return next((item[1] for item in data if isinstance(item, tuple)), None)

    def done(self, uid):
        """Mark message ``uid`` read and move it to the processed folder."""
        _ok(self.imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"))
        if "MOVE" in self.capabilities:
            _ok(self.imap.uid("MOVE", uid, quoted(self.processed)))
            return
        _ok(self.imap.uid("COPY", uid, quoted(self.processed)))
        _ok(self.imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
        if "UIDPLUS" in self.capabilities:
            _ok(self.imap.uid("EXPUNGE", uid))  # this message only
        else:
            _ok(self.imap.expunge())


def _ok(answer):
    status, data = answer
    if status != "OK":
        raise imaplib.IMAP4.error(f"IMAP answered {status}: {data!r}")
    return data


def header_of(raw):
    """The header of the message ``raw``, up to and with the empty line that ends it."""
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    if not ends:
        return raw
    end = min(ends)
    return raw[: end + (4 if raw.startswith(b"\r\n\r\n", end) else 2)]


class MaildirSource:
    """A Maildir folder (see the module)."""

    def __init__(self, path, processed):
        self.path, self.processed = path, processed
        self.maildir = self.target = None

    def __enter__(self):
        try:
            self.maildir = mailbox.Maildir(self.path, factory=None, create=False)
        except mailbox.NoSuchMailboxError as error:
            raise InboundError(f"no Maildir at {self.path}") from error
        self.target = self.maildir.add_folder(self.processed)  # opens it when it exists
        return self

    def __exit__(self, *exc):
        self.maildir.close()

    def unread(self):
        """``(key, header bytes)`` of each unread message (see the module)."""
        for key in sorted(self.maildir.keys()):
            message = self.maildir.get_message(key)
            if message.get_subdir() == "new" or "S" not in message.get_flags():
                yield key, header_of(self.maildir.get_bytes(key))

    def fetch(self, key):
        """The bytes of message ``key``."""
        return self.maildir.get_bytes(key)

    def done(self, key):
        """Move message ``key``, read, into the processed sub-folder."""
        message = self.maildir.get_message(key)
        message.set_subdir("cur")
        message.add_flag("S")
        self.target.add(message)
        self.maildir.remove(key)
