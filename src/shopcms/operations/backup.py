"""Backups of the site's FileStorages with ZODB's repozo, and their restore.

Every FileStorage database of the site (``zodbconn.uri``: ``main``; ``zodbconn.uri.NAME``:
``NAME``, e.g. ``statistics``) is backed up into its own folder of the backup folder::

    DIR/main/            repozo's repository: 2026-12-06-09-40-12.fs (full),
                         ...deltafs (incremental), .dat, .index
    DIR/main/blobs/      the blob files, the same layout as the site's blob folder
    DIR/statistics/      another database's repository

:func:`backup` makes an incremental backup when repozo can (the file only grew since the
last one), a full one otherwise (the first, after a pack) or when asked.  With a retention
(``shopcms.backup.keep_days``) it also starts a new full backup every so many days and
deletes the backups that are no longer needed (:func:`prune`): backups hold the customers'
data too, and an erased customer must disappear from them in a known time.  It reads the
files read-only and may run while the site serves: repozo copies up to the last complete
transaction.  The blobs are copied afterwards, so every blob of a backed-up transaction
is already on disk; a blob file never changes once written (a new revision is a new file),
so a file already in the backup is never copied again and none is ever removed from it.

:func:`restore` rebuilds each database as it was at a moment (``date``, UTC; by default
the last backup) while the site is stopped (it refuses a locked FileStorage).  The files
it replaces are kept beside, renamed ``*.before-restore-STAMP``.  Only the blob files
written up to the restored database's last transaction are put back.

Only FileStorage: a ZEO server's storage is backed up on the server with repozo, and
RelStorage with PostgreSQL's pg_dump (README.md, "Backups").
"""

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import zc.lockfile
from ZODB.FileStorage import FileStorage
from ZODB.scripts import repozo

NAMED = "zodbconn.uri."
BLOBS = "blobs"
BLOB_SUFFIX = ".blob"
DATE_FORMAT = "%Y-%m-%d-%H-%M-%S"


class BackupError(Exception):
    """A backup or restore that cannot be done, said in one line."""


@dataclass(frozen=True)
class FileDatabase:
    """A FileStorage database of the site: its name, file and blob folder (or None)."""

    name: str
    path: str
    blobs: str | None


def file_databases(settings):
    """The FileStorage databases of ``settings`` (complete: the statistics' derived by
    ``shopcms.statistics.configure_storage``), the main one first.

    Raises :class:`BackupError` when the main database is not a FileStorage; another
    database that is not one is left out (its server backs it up).
    """
    uris = [("main", settings.get("zodbconn.uri", ""))]
    uris += sorted((k[len(NAMED) :], v) for k, v in settings.items() if k.startswith(NAMED))
    found = []
    for name, uri in uris:
        uri = (uri or "").strip()
        if not uri.startswith("file://"):
            if name == "main":
                raise BackupError(
                    f"the main database is not a FileStorage ({uri.split(':')[0]}): back up "
                    "the ZEO server's storage with repozo, or PostgreSQL with pg_dump "
                    "(README.md, Backups)"
                )
            continue
        parts = urlsplit(uri)
        blobs = dict(parse_qsl(parts.query)).get("blobstorage_dir")
        found.append(FileDatabase(name, parts.path, blobs))
    return found


def _repozo(*argv):
    """repozo's main, its exit turned into :class:`BackupError`."""
    try:
        repozo.main(list(argv))
    except SystemExit as exit:
        if exit.code not in (None, 0):
            raise BackupError(f"repozo: {exit.code}") from None


def _repository_files(folder):
    if not os.path.isdir(folder):
        return set()
    return {name for name in os.listdir(folder) if repozo.is_data_file(name)}


def backup(settings, folder, full=False, keep_days=None, now=None):
    """Back up every FileStorage database of ``settings`` into ``folder`` (see the module).

    With ``keep_days`` (see :func:`prune`), a full backup is made when the last one is
    older than that, and the backups no longer needed to restore a moment of the last
    ``keep_days`` days are deleted.  ``now``: an aware datetime (default: the clock's).

    Returns ``[(name, kind, size in bytes, blob files copied, backup files deleted)]``:
    ``kind`` is ``full``, ``incremental`` or ``unchanged``.
    """
    now = now or datetime.now(UTC)
    done = []
    for database in file_databases(settings):
        if not os.path.exists(database.path):
            continue  # a database not created yet (statistics turned on today)
        repository = os.path.join(folder, database.name)
        os.makedirs(repository, exist_ok=True)
        before = _repository_files(repository)
        _wait_for_a_new_second(before)
        fulls = sorted(name for name in before if name.endswith(".fs"))
        too_old = keep_days is not None and (
            not fulls or _when(fulls[-1]) <= now - timedelta(days=keep_days)
        )
        force = full or too_old
        _repozo("-B", "-r", repository, "-f", database.path, *(["-F"] if force else []))
        new = sorted(_repository_files(repository) - before)
        kind = "unchanged" if not new else ("full" if new[-1].endswith(".fs") else "incremental")
        size = sum(os.path.getsize(os.path.join(repository, f)) for f in new)
        copied = 0
        if database.blobs and os.path.isdir(database.blobs):
            copied = _copy_blobs(database.blobs, os.path.join(repository, BLOBS))
        deleted = prune(repository, keep_days, now) if keep_days is not None else 0
        done.append((database.name, kind, size, copied, deleted))
    return done


def _when(name):
    """The moment (UTC) of a repository file, from its name."""
    return datetime.strptime(name[:19], DATE_FORMAT).replace(tzinfo=UTC)


def prune(repository, keep_days, now):
    """Delete the backups of ``repository`` that no moment of the last ``keep_days`` days
    needs: a full backup and its incrementals go once the next full backup is older than
    ``keep_days``.  As :func:`backup` starts a full backup every ``keep_days`` days, no
    backup holds data removed from the database more than 2 x ``keep_days`` days ago (plus
    the time between two backups).  The blob files (product images) are kept.  Returns
    how many backup files were deleted."""
    chains = []
    for name in sorted(_repository_files(repository)):
        if name.endswith(".fs") or not chains:
            chains.append([])
        chains[-1].append(name)
    cutoff = now - timedelta(days=keep_days)
    deleted = 0
    for chain, successor in zip(chains, chains[1:], strict=False):
        if _when(successor[0]) > cutoff:
            break
        for name in chain:
            stem = os.path.join(repository, name.rsplit(".", 1)[0])
            for path in (os.path.join(repository, name), stem + ".index", stem + ".dat"):
                if os.path.exists(path):
                    os.remove(path)
                    deleted += 1
    return deleted


def _wait_for_a_new_second(files):
    """repozo names a backup by the second (UTC), and orders a full backup and an
    incremental one of the same second wrongly (``.fs`` after ``.deltafs``): a backup
    never starts in the second of the last one."""
    last = max((name[:19] for name in files), default="")
    while time.strftime(DATE_FORMAT, time.gmtime()) <= last:
        time.sleep(0.05)


def _blob_files(folder):
    """``relative path -> tid`` (8 bytes) of every committed blob file below ``folder``."""
    found = {}
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "tmp"]  # uncommitted uploads
        for name in files:
            if name.endswith(BLOB_SUFFIX):
                tid = int(name[: -len(BLOB_SUFFIX)], 16).to_bytes(8, "big")
                found[os.path.relpath(os.path.join(here, name), folder)] = tid
    return found


def _copy_blobs(source, target, until=None):
    """Copy the blob files of ``source`` missing from ``target`` (those written up to the
    transaction ``until`` only, when given), and the layout marker.  Returns how many."""
    os.makedirs(target, exist_ok=True)
    marker = os.path.join(source, ".layout")
    if os.path.exists(marker):
        shutil.copy2(marker, os.path.join(target, ".layout"))
    copied = 0
    for relative, tid in _blob_files(source).items():
        destination = os.path.join(target, relative)
        if (until is not None and tid > until) or os.path.exists(destination):
            continue
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(os.path.join(source, relative), destination + ".part")
        os.replace(destination + ".part", destination)
        copied += 1
    return copied


def parse_date(text):
    """A moment in UTC for :func:`restore`: repozo's ``YYYY-MM-DD[-HH[-MM[-SS]]]`` or ISO
    (``2026-12-06T09:40:12``, with or without a time zone: none means UTC)."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        parts = text.split("-")
        if not 3 <= len(parts) <= 6 or not all(p.isdigit() for p in parts):
            raise BackupError(f"not a date: {text!r} (YYYY-MM-DD[-HH[-MM[-SS]]])") from None
        moment = datetime(*map(int, parts), tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _refuse_if_in_use(path):
    try:
        lock = zc.lockfile.LockFile(path + ".lock")
    except zc.lockfile.LockError:
        raise BackupError(f"{path} is in use: stop the site first") from None
    lock.close()


def _set_aside(path, stamp):
    if os.path.exists(path):
        os.rename(path, f"{path}.before-restore-{stamp}")


def _refuse_if_not_backed_up_by(databases, folder, date):
    """Every database needs a backup at or before ``date``, checked before any file is
    touched: one backup run names each database's files by the second it reached it, so
    a moment inside a run can precede the later databases' backups, and a restore that
    stopped half-way would leave the site with some databases replaced and one missing."""
    moment = date.astimezone(UTC).strftime(DATE_FORMAT)
    for database in databases:
        names = sorted(_repository_files(os.path.join(folder, database.name)))
        if names[0][:19] > moment:
            raise BackupError(
                f"{database.name}: no backup at or before {date.isoformat()}; "
                f"its first is of {_when(names[0]).isoformat()}"
            )


def restore(settings, folder, date=None):
    """Restore every FileStorage database of ``settings`` from ``folder`` as it was at
    ``date`` (an aware datetime; None: the last backup).  Returns
    ``[(name, last transaction's time, blob files restored)]``."""
    databases = [
        d for d in file_databases(settings) if _repository_files(os.path.join(folder, d.name))
    ]
    if not databases:
        raise BackupError(f"no backup in {folder}")
    for database in databases:
        _refuse_if_in_use(database.path)
    if date is not None:
        _refuse_if_not_backed_up_by(databases, folder, date)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    done = []
    for database in databases:
        repository = os.path.join(folder, database.name)
        for suffix in ("", ".index"):
            _set_aside(database.path + suffix, stamp)
        os.makedirs(os.path.dirname(database.path), exist_ok=True)
        argv = ["-R", "-r", repository, "-o", database.path]
        if date is not None:
            argv += ["-D", date.astimezone(UTC).strftime(DATE_FORMAT)]
        _repozo(*argv)
        storage = FileStorage(database.path, read_only=True)
        try:
            last = storage.lastTransaction()
        finally:
            storage.close()
        restored = 0
        if database.blobs:
            _set_aside(database.blobs, stamp)
            backed_up = os.path.join(repository, BLOBS)
            if os.path.isdir(backed_up):
                restored = _copy_blobs(backed_up, database.blobs, until=last)
            else:
                os.makedirs(database.blobs)
        done.append((database.name, _tid_time(last), restored))
    return done


def _tid_time(tid):
    from ZODB.TimeStamp import TimeStamp

    return datetime.fromtimestamp(TimeStamp(tid).timeTime(), UTC)
