"""``shopcms backup`` and ``shopcms restore``: repozo backups of every FileStorage of the
site (main and statistics) with the blobs; a restore to the backup's time gives the orders
as they were then."""

import itertools
import logging
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import transaction
from pyramid.paster import get_app

from shopcms import cli
from shopcms.operations import backup as operations_backup
from shopcms.orders.workflow import ORDER_WORKFLOW
from shopcms.tree.database import site_transaction
from tests.conftest import Browser, seeded_database
from tests.factories import make_order

log = logging.getLogger(__name__)

INI = """
[app:main]
use = egg:shopcms
zodbconn.uri = file://{dir}/Data.fs?blobstorage_dir={dir}/blobs
shopcms.secret = backup-test-secret-{pad}
shopcms.evolve_on_start = true
shopcms.bank.iban = BE71 0961 2345 6769
shopcms.bank.bic = GKCCBEBB
shopcms.mail.queue = {dir}/mailqueue
shopcms.mail.port = 1
shopcms.vault.keys = gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=
"""


@pytest.fixture
def ini(tmp_path):
    """A site on a copy of the seeded database (its Statistics.fs beside, derived)."""
    var = tmp_path / "var"
    var.mkdir()
    source = seeded_database()
    shutil.copy2(source / "Data.fs", var / "Data.fs")
    shutil.copytree(source / "blobs", var / "blobs")
    path = tmp_path / "site.ini"
    path.write_text(INI.format(dir=var, pad="x" * 40))
    return str(path)


class Running:
    """The site of ``ini`` while it runs (a FileStorage: one at a time)."""

    def __init__(self, ini):
        self.app = get_app(ini)
        self.registry = self.app.registry

    def place(self, count, **kw):
        for _ in range(count):  # one transaction each, as checkouts are
            with site_transaction(self.registry) as root:
                make_order(root, contact=customer(), **kw)

    def orders(self):
        """``{number: (state, total, email, lines)}``: what a customer and the desk see."""
        with site_transaction(self.registry) as root:
            return {
                order.number: (
                    ORDER_WORKFLOW.state_of(order).name,
                    str(order.total),
                    order.contact["email"],
                    repr(order.lines),
                )
                for order in root["orders"].values()
            }

    def pay_all(self):
        with site_transaction(self.registry) as root:
            for order in root["orders"].values():
                if ORDER_WORKFLOW.state_of(order).name == "placed":
                    order.transition(None, "pay", actor="system:test")

    def close(self):
        transaction.abort()
        self.registry._zodb_databases[""].close()


def customer():
    """The contact of a new customer: a shop's orders come from many addresses."""
    return {"email": f"customer-{next(_customers)}@example.be"}


_customers = itertools.count(1)


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def backup_files(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.suffix in (".fs", ".deltafs"))


def backup_moment(name):
    return datetime.strptime(name[:19], "%Y-%m-%d-%H-%M-%S").replace(tzinfo=UTC)


def test_restore_to_the_backups_time_gives_the_orders_as_they_were(ini, tmp_path, capsys):
    backups = tmp_path / "backups"
    site = Running(ini)
    try:
        site.place(5)
        at_backup = site.orders()
        # The site keeps serving during the backup: repozo reads its files read-only.
        out = run(capsys, "backup", ini, backups)
        assert "main: full backup" in out and "statistics: full backup" in out
        # The backup's time (UTC, to the second) is its files' names: the run ends with the
        # last database's (the statistics' may be a second after the main one's).
        (main,) = backup_files(backups / "main")
        (statistics,) = backup_files(backups / "statistics")
        backup_time = max(backup_moment(main), backup_moment(statistics))
        assert Browser(site.app).get("/nl/products/mug-cafe").status_int == 200

        site.place(3, items=(("mug-cafe", 2),))
        site.pay_all()  # changes to orders that were backed up
        later = site.orders()
    finally:
        site.close()
    assert len(at_backup) == 5 and len(later) == 8
    assert {state for state, *_ in later.values()} == {"paid"}

    # Backups are named to the second: one taken within the first one's second would be
    # restored with it (a fast machine did all of the above within one second).
    while datetime.now(UTC) < backup_time + timedelta(seconds=1):
        time.sleep(0.05)
    out = run(capsys, "backup", ini, backups)
    assert "main: incremental backup" in out
    assert len(backup_files(backups / "main")) == 2  # a full one and an incremental one

    # A restore at the first backup's time: every order exactly as it was then.
    out = run(capsys, "restore", ini, backups, "--date", backup_time.isoformat())
    assert "main: restored" in out
    site = Running(ini)
    try:
        assert site.orders() == at_backup
        # The blobs are back too: the product images are served.
        page = Browser(site.app).get("/nl/products/mug-cafe")
        image = page.html.select_one("img[src*='/image/']")["src"]
        assert Browser(site.app).get(image).content_type == "image/jpeg"
    finally:
        site.close()

    # Without a date: the last backup.
    run(capsys, "restore", ini, backups)
    site = Running(ini)
    try:
        assert site.orders() == later
    finally:
        site.close()
    # What a restore replaced is kept beside it.
    assert list((tmp_path / "var").glob("Data.fs.before-restore-*"))


def test_a_moment_before_a_databases_first_backup_is_refused_untouched(ini, tmp_path, capsys):
    backups = tmp_path / "backups"
    run(capsys, "backup", ini, backups)
    (first,) = backup_files(backups / "main")
    before = backup_moment(first) - timedelta(seconds=1)
    var = tmp_path / "var"
    files = {p.name: p.stat().st_mtime_ns for p in var.iterdir() if p.suffix == ".fs"}
    status = cli.main(["restore", ini, str(backups), "--date", before.isoformat()])
    assert status == 2
    assert "no backup at or before" in capsys.readouterr().err
    # Nothing was set aside or replaced: the site starts as it was.
    assert {p.name: p.stat().st_mtime_ns for p in var.iterdir() if p.suffix == ".fs"} == files
    assert not list(var.glob("*.before-restore-*"))


def test_restore_refuses_while_the_site_runs(ini, tmp_path, capsys):
    run(capsys, "backup", ini, tmp_path / "backups")
    site = Running(ini)
    try:
        status = cli.main(["restore", ini, str(tmp_path / "backups")])
        assert status == 2
        assert "in use: stop the site first" in capsys.readouterr().err
        assert site.orders() == {}  # untouched, still serving
    finally:
        site.close()


def test_an_incremental_backup_after_100_orders_is_much_smaller(ini, tmp_path, capsys):
    """A shop with a history (8,000 orders: placed 400 to a transaction, to keep the test
    short) is backed up in full; after 100 more orders, one checkout-like transaction
    each, the incremental backup holds only those: a fraction of the full one.

    (Each order writes about 50 KB, most of it the catalog's buckets, so the history must
    be much larger than 100 orders for the difference to show, as a real shop's is.)"""
    backups = tmp_path / "backups"
    site = Running(ini)
    try:
        with site_transaction(site.registry) as root:
            root["products"]["mug-cafe"].set_stock(100_000)
        for _batch in range(20):
            with site_transaction(site.registry) as root:
                for _order in range(400):
                    make_order(root, contact=customer())
        out = run(capsys, "backup", ini, backups)
        assert "main: full backup" in out
        site.place(100)
        out = run(capsys, "backup", ini, backups)
        assert "main: incremental backup" in out
    finally:
        site.close()
    full, incremental = (backups / "main" / name for name in backup_files(backups / "main"))
    assert full.suffix == ".fs" and incremental.suffix == ".deltafs"
    full_size, incremental_size = full.stat().st_size, incremental.stat().st_size
    log.info("full %d bytes, incremental after 100 orders %d bytes", full_size, incremental_size)
    assert incremental_size < full_size / 5


def test_a_site_on_a_database_server_is_pointed_to_its_tools(tmp_path, capsys):
    path = tmp_path / "zeo.ini"
    path.write_text(
        "[app:main]\nuse = egg:shopcms\nzodbconn.uri = zeo://127.0.0.1:9?storage=1\n"
        "zodbconn.uri.statistics = zeo://127.0.0.1:9?storage=statistics\n"
    )
    assert cli.main(["backup", str(path), str(tmp_path / "b")]) == 2
    assert "pg_dump" in capsys.readouterr().err


def age(repository, days):
    """Make the backups of ``repository`` look ``days`` older (their names are their time)."""
    for path in Path(repository).iterdir():
        if path.is_file() and path.name[:4].isdigit():
            when = datetime.strptime(path.name[:19], "%Y-%m-%d-%H-%M-%S") - timedelta(days=days)
            path.rename(path.with_name(when.strftime("%Y-%m-%d-%H-%M-%S") + path.name[19:]))


def test_backups_older_than_the_retention_are_deleted(ini, tmp_path, capsys):
    """With a retention of 14 days: a new full backup once the last is older, and the
    backups of the earlier chain deleted once no moment of the last 14 days needs them,
    so that what was erased from the database leaves the backups too."""
    backups = tmp_path / "backups"
    site = Running(ini)
    try:
        site.place(2)
        run(capsys, "backup", ini, backups, "--keep-days", "14")
        site.place(2)
        out = run(capsys, "backup", ini, backups, "--keep-days", "14")
        assert "main: incremental backup" in out and "deleted" not in out
        age(backups / "main", 20)
        first_chain = backup_files(backups / "main")
        site.place(1)
        orders = site.orders()
    finally:
        site.close()
    # The last full backup is 20 days old: a new chain starts.  The first one is still
    # needed (the moments of the last 14 days before the new full backup).
    out = run(capsys, "backup", ini, backups, "--keep-days", "14")
    assert "main: full backup" in out and "deleted" not in out
    assert set(first_chain) < set(backup_files(backups / "main"))
    # 15 days on, no moment of the last 14 days needs the first chain: it goes, all of it.
    later = datetime.now(UTC) + timedelta(days=15)
    deleted = operations_backup.prune(str(backups / "main"), 14, later)
    assert deleted == 5  # 2 data files, 2 index files, the .dat
    remaining = {p.name for p in (backups / "main").iterdir()}
    assert not {name[:19] for name in first_chain} & {name[:19] for name in remaining}
    assert len(backup_files(backups / "main")) == 1
    run(capsys, "restore", ini, backups)
    site = Running(ini)
    try:
        assert site.orders() == orders
    finally:
        site.close()
