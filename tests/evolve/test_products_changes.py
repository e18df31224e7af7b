"""Evolve step 14: the products and categories folders keep their modification time in a
``Changes`` record apart (``shopcms.products.changes``), so touching them (every product or
category edit does) writes that small record, not the folder every page reads."""

from datetime import UTC, datetime

import transaction
import ZODB
from persistent.mapping import PersistentMapping
from ZODB.FileStorage import FileStorage

from shopcms.evolve import evolve_steps
from shopcms.products.changes import Changes
from shopcms.products.evolve import keep_changes_apart
from shopcms.products.resources import Categories, Products

THEN = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def old_folder(kind):
    """A folder as stored before the step: its own ``modified``, no record."""
    folder = kind()
    del folder.changes
    folder.__dict__["modified"] = THEN
    return folder


def open_site(path=None):
    """An old site; in a FileStorage at ``path`` (which resolves conflicts) if given."""
    db = ZODB.DB(None if path is None else FileStorage(str(path / "Data.fs")))
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    site = conn.root()["site"] = PersistentMapping()
    site["products"], site["categories"] = old_folder(Products), old_folder(Categories)
    tm.commit()
    return db, tm, site


def test_the_step_is_generation_14_of_the_products_package(site):
    step = evolve_steps(site.registry)[13]
    assert (step.generation, step.function) == (14, keep_changes_apart)
    # A new site's folders have their records from the start.
    assert site.read(lambda root: isinstance(root["products"].changes, Changes))
    assert site.read(lambda root: isinstance(root["categories"].changes, Changes))


def test_old_folders_read_their_own_time_until_the_step_moves_it_once():
    db, tm, site = open_site()
    assert site["products"].changes is None and site["products"].modified == THEN
    keep_changes_apart(site, None)
    tm.commit()
    for name in ("products", "categories"):
        folder = site[name]
        assert folder.changes.modified == THEN == folder.modified
        assert "modified" not in folder.__dict__
    record = site["products"].changes
    keep_changes_apart(site, None)  # twice: nothing more
    assert site["products"].changes is record and not site["products"]._p_changed
    db.close()


def test_a_touch_writes_the_record_not_the_folder():
    db, tm, site = open_site()
    keep_changes_apart(site, None)
    tm.commit()
    folder = site["products"]
    folder.touch()
    assert folder.modified > THEN
    assert folder.changes._p_changed and not folder._p_changed
    tm.commit()
    db.close()


def test_concurrent_touches_merge_and_the_later_time_wins(tmp_path):
    db, tm, site = open_site(tmp_path)
    keep_changes_apart(site, None)
    tm.commit()
    other_tm = transaction.TransactionManager()
    other = db.open(transaction_manager=other_tm).root()["site"]["products"]
    assert other.modified == THEN
    site["products"].touch()
    other.touch()
    later = other.modified
    tm.commit()
    other_tm.commit()  # resolved, not a ConflictError
    tm.begin()
    assert site["products"].modified == later
    db.close()
