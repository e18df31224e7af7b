"""The subcommands that back up and restore the site's FileStorages: ``backup`` and
``restore`` (ZODB's repozo; see ``shopcms.operations.backup``).

Neither loads the application: ``backup`` runs beside the serving site (from cron), and
``restore`` needs the site stopped.
"""

import contextlib

from pyramid.exceptions import ConfigurationError
from pyramid.paster import get_appsettings

from shopcms import statistics
from shopcms.cli.app import CommandError, out
from shopcms.operations import backup


def add_commands(add):
    """Add this module's subcommands to the ``shopcms`` parser (see ``shopcms.cli``)."""
    parser = add("backup", cmd_backup, "back up the site's databases (repozo; from cron)")
    parser.add_argument("dir", help="the backup folder (created if missing)")
    parser.add_argument(
        "--full", action="store_true", help="a full backup even if an incremental one can do"
    )
    parser.add_argument(
        "--keep-days",
        type=int,
        help="keep what restores any moment of the last N days, delete older backups "
        "(default: the setting shopcms.backup.keep_days; none: keep every backup)",
    )
    parser = add("restore", cmd_restore, "restore the site's databases from a backup")
    parser.add_argument("dir", help="the backup folder")
    parser.add_argument(
        "--date",
        help="the moment to restore, in UTC: YYYY-MM-DD[-HH[-MM[-SS]]] or ISO 8601 "
        "(default: the last backup)",
    )


def site_settings(ini):
    """The settings of ``ini``, completed as the application completes them."""
    settings = dict(get_appsettings(ini))
    # Not a FileStorage site: then file_databases says so.
    with contextlib.suppress(ConfigurationError):
        statistics.configure_storage(settings)
    return settings


def cmd_backup(args):
    """Back up every FileStorage database of the site (main, statistics) with its blobs
    into DIR: incremental when possible, full the first time, after a pack or with --full.
    With --keep-days N (or shopcms.backup.keep_days), a full backup every N days and the
    backups older than needed are deleted.  Runs while the site serves."""
    settings = site_settings(args.ini)
    keep_days = args.keep_days
    if keep_days is None and (settings.get("shopcms.backup.keep_days") or "").strip():
        keep_days = int(settings["shopcms.backup.keep_days"])
    if keep_days is not None and keep_days < 1:
        raise CommandError("--keep-days must be at least 1")
    try:
        done = backup.backup(settings, args.dir, full=args.full, keep_days=keep_days)
    except backup.BackupError as error:
        raise CommandError(str(error)) from None
    for name, kind, size, blobs, deleted in done:
        line = f"{name}: {kind} backup, {size} bytes, {blobs} new blob file(s)"
        out(line + (f", {deleted} old backup file(s) deleted" if deleted else ""))


def cmd_restore(args):
    """Restore every FileStorage database of the site from DIR as it was at --date (UTC;
    default: the last backup).  The site must be stopped; the files replaced are kept
    beside, renamed *.before-restore-STAMP."""
    try:
        date = backup.parse_date(args.date) if args.date else None
        done = backup.restore(site_settings(args.ini), args.dir, date=date)
    except backup.BackupError as error:
        raise CommandError(str(error)) from None
    for name, last, blobs in done:
        out(f"{name}: restored to its transaction of {last.isoformat()}, {blobs} blob file(s)")
