"""The Maildir queue of before the outbox: its leftover messages are imported, once.

Until issue 12 a mail was a file that repoze.sendmail's ``QueuedMailDelivery`` moved into
the queue's ``new/`` when the transaction committed (``shopcms.mail.queue``).  A database
and a queue from that code keep working: each round of the sender first moves every message
still in ``new/`` or ``cur/`` into the outbox, with its own ``Message-ID``, and removes the
file.  Nothing writes the folder any more.

Exactly once: a file is claimed with a hard link first (so two senders never import one
file), and its ``Message-ID`` is recorded in the outbox's ``imported`` in the transaction
that imports it, so a file left behind by a crash after that commit is removed, not
imported again.  Files in ``tmp/`` belonged to transactions that never committed (or to the
failure of issue 12's D1, which cannot be told apart): they are left alone and reported
once a process, for the operator to look at.
"""

import email
import email.policy
import logging
import os
import time
from email.header import decode_header, make_header

from transaction.interfaces import TransientError

from shopcms.mail.compose import new_message_id
from shopcms.mail.outbox import OutboxMail, get_outbox

log = logging.getLogger("shopcms.mail")

#: Where the committed messages of the old queue wait.
QUEUED_DIRS = ("new", "cur")
#: A claim older than this (seconds) belongs to a sender that died while importing.
STALE_CLAIM = 600
CLAIM_PREFIX = ".sending-"
#: compat32, as the old queue was written, with the line ends SMTP wants.
_SMTP32 = email.policy.compat32.clone(linesep="\r\n")

_reported = set()


def queued_files(queue):
    """The committed messages of the old queue folder ``queue``, oldest first."""
    paths = []
    for sub in QUEUED_DIRS:
        folder = queue / sub
        if folder.is_dir():
            paths += [p for p in folder.iterdir() if not p.name.startswith(".")]
    # Maildir names start with the time they were written.
    return sorted(paths, key=lambda p: p.name)


def import_maildir(mailer, conn, tm):
    """Move the old queue's messages into the outbox; returns how many were imported."""
    queue = mailer.queue
    if not queue.is_dir():
        return 0
    _report_tmp(queue)
    imported = 0
    for path in queued_files(queue):
        claim = path.with_name(CLAIM_PREFIX + path.name)
        try:
            queued = path.stat().st_mtime  # before the claim touches it
        except FileNotFoundError:
            continue
        if not _claim(path, claim):
            continue
        try:
            recipients, message = _read(path)
            message_id = message["Message-ID"] or new_message_id(mailer.domain)
            if message["Message-ID"] is None:
                message["Message-ID"] = message_id
            data = message.as_bytes(policy=_SMTP32)
            tm.begin()
            outbox = get_outbox(conn.root(), create=True)
            if message_id not in outbox.imported:
                mail = OutboxMail(message_id, queued, data=data, recipients=recipients)
                outbox.add(mail)
                outbox.imported.add(message_id)
                imported += 1
            tm.commit()
        except TransientError:
            tm.abort()
            continue  # the next round tries again
        except (OSError, ValueError, TypeError):
            tm.abort()
            log.exception("the queued mail %s could not be imported", path)
            continue
        finally:
            claim.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
    if imported:
        log.info("imported %d mail(s) from the old queue %s", imported, queue)
    return imported


def _report_tmp(queue):
    tmp = queue / "tmp"
    if queue in _reported or not tmp.is_dir():
        return
    _reported.add(queue)
    left = [p.name for p in tmp.iterdir()]
    if left:
        log.warning(
            "%d file(s) in %s were never queued (an aborted or failed commit of the old "
            "queue): look at them, then remove them",
            len(left),
            tmp,
        )


def _claim(path, claim):
    """Take ``path`` (a hard link named ``claim``); False if another sender has it."""
    try:
        age = time.time() - claim.stat().st_mtime
    except FileNotFoundError:
        pass
    else:
        if age < STALE_CLAIM:
            return False
        claim.unlink(missing_ok=True)  # its sender died
    try:
        os.utime(path)
        os.link(path, claim)
    except (FileNotFoundError, FileExistsError):
        return False
    return True


def _read(path):
    """(envelope recipients, message) of a queued file, as QueuedMailDelivery wrote it
    (the envelope in X-Actually-* headers, removed here)."""
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.compat32)
    toaddrs = str(make_header(decode_header(message["X-Actually-To"])))
    del message["X-Actually-From"], message["X-Actually-To"]
    return tuple(addr.strip() for addr in toaddrs.split(",")), message
