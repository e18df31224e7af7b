"""Evolve: generation recording, step ordering, per-step atomicity."""

from __future__ import annotations

from datetime import UTC

import pytest
import transaction
import ZODB
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

from shopcms.evolve import (
    RECORD_KEY,
    EvolveError,
    EvolveRecord,
    EvolveStep,
    HistoryEntry,
    check,
    current_generation,
    evolve,
    evolve_steps,
    latest_generation,
    pending,
    stamp_new,
    validate,
)

REGISTRY = object()


def _noop(site, registry):
    pass


def make_steps(calls, fail_at=None):
    """Three steps that each record their call and mark the site; ``fail_at`` raises after."""

    def make(generation):
        def function(site, registry):
            assert registry is REGISTRY
            calls.append(generation)
            site[f"step{generation}"] = True
            if generation == fail_at:
                raise RuntimeError("boom")

        return EvolveStep(generation, f"step {generation}", function)

    return [make(1), make(2), make(3)]


def make_db(stamp_steps=None, site=True):
    """In-memory database with a site; stamped with ``stamp_steps`` unless None."""
    db = ZODB.DB(None)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    root = conn.root()
    if site:
        root["site"] = PersistentMapping()
    if stamp_steps is not None:
        stamp_new(root, stamp_steps)
    tm.commit()
    conn.close()
    return db


def read_root(db):
    """A fresh connection's view (what another process would see after commit)."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    root = conn.root()
    # Materialise what the tests look at before closing the connection.
    site = dict(root["site"]) if "site" in root else None
    record = root.get(RECORD_KEY)
    generation = current_generation(root)
    history = list(record.history) if record is not None else []
    tm.abort()
    conn.close()
    return site, generation, history


# -- validate / latest_generation ------------------------------------------------


def test_the_packages_declare_one_gapless_sequence_each_step_in_its_own_package(site):
    steps = evolve_steps(site.registry)
    validate(steps)
    assert latest_generation(steps) == len(steps) >= 6
    homes = {step.generation: step.function.__module__ for step in steps}
    assert homes[1] == "shopcms.pages.evolve"
    assert homes[2] == homes[5] == "shopcms.orders.evolve"
    assert homes[3] == "shopcms.accounts.evolve"
    assert homes[4] == "shopcms.statistics.evolve"


def test_two_packages_cannot_declare_the_same_generation():
    from pyramid.config import Configurator
    from pyramid.exceptions import ConfigurationConflictError

    config = Configurator()
    config.include("shopcms.evolve.steps")
    config.add_evolve_step(1, "one", lambda site, registry: None)
    config.add_evolve_step(1, "another one", lambda site, registry: None)
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_latest_generation_empty_is_zero():
    assert latest_generation(()) == 0
    assert latest_generation(make_steps([])) == 3


@pytest.mark.parametrize(
    "generations",
    [
        [2, 1, 3],  # out of order: must be rejected, never sorted silently
        [1, 3],  # gap
        [1, 2, 2],  # duplicate
        [0, 1],  # does not start at 1
        [2, 3],  # does not start at 1
        [True],  # bool is not a generation
    ],
)
def test_validate_rejects_bad_generations(generations):
    steps = [EvolveStep(g, f"s{g}", _noop) for g in generations]
    with pytest.raises(ValueError):
        validate(steps)
    db = make_db()
    with pytest.raises(ValueError):
        evolve(db, REGISTRY, steps)
    # Nothing ran and nothing was recorded.
    assert read_root(db) == ({}, 0, [])


def test_validate_accepts_consecutive():
    validate([EvolveStep(g, f"s{g}", _noop) for g in (1, 2, 3)])
    validate([])


# -- stamp_new / current_generation / pending / check ------------------------------


def test_stamp_new_records_latest_without_running_steps():
    calls = []
    steps = make_steps(calls)
    db = make_db(stamp_steps=steps)
    site, generation, history = read_root(db)
    assert calls == []
    assert site == {}
    assert generation == 3
    assert len(history) == 1
    assert history[0].generation == 3
    assert history[0].action == "stamped"
    assert "stamped" in history[0].title


def test_stamp_new_is_idempotent_and_does_not_commit():
    db = ZODB.DB(None)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    root = conn.root()
    first = stamp_new(root, make_steps([])[:1])
    # A later stamp with more steps must not bump an existing record.
    again = stamp_new(root, make_steps([]))
    assert again is first
    assert current_generation(root) == 1
    assert len(first.history) == 1
    assert isinstance(first, EvolveRecord)
    assert isinstance(first.history, PersistentList)
    tm.abort()  # the caller's transaction owns the stamp
    assert RECORD_KEY not in conn.root()
    conn.close()


def test_pending_after_stamp_new_is_empty():
    steps = make_steps([])
    db = make_db(stamp_steps=steps)
    conn = db.open(transaction_manager=transaction.TransactionManager())
    assert pending(conn.root(), steps) == []
    assert check(conn.root(), steps) == (3, 3)
    conn.close()


def test_site_without_record_is_generation_zero():
    steps = make_steps([])
    db = make_db()
    conn = db.open(transaction_manager=transaction.TransactionManager())
    root = conn.root()
    assert current_generation(root) == 0
    assert pending(root, steps) == steps
    assert check(root, steps) == (0, 3)
    conn.close()


def test_pending_returns_later_steps_in_order():
    steps = make_steps([])
    db = make_db(stamp_steps=steps[:1])
    conn = db.open(transaction_manager=transaction.TransactionManager())
    assert [s.generation for s in pending(conn.root(), steps)] == [2, 3]
    conn.close()


# -- evolve -------------------------------------------------------------------------


def test_evolve_runs_pending_steps_in_order_and_records_history():
    calls = []
    steps = make_steps(calls)
    db = make_db(stamp_steps=steps[:1])
    lines = []
    ran = evolve(db, REGISTRY, steps, log=lines.append)
    assert [s.generation for s in ran] == [2, 3]
    assert calls == [2, 3]
    site, generation, history = read_root(db)
    assert site == {"step2": True, "step3": True}
    assert generation == 3
    assert [(h.generation, h.title, h.action) for h in history] == [
        (1, "new database stamped at generation 1", "stamped"),
        (2, "step 2", "evolved"),
        (3, "step 3", "evolved"),
    ]
    for entry in history:
        assert isinstance(entry, HistoryEntry)
        assert entry.started.tzinfo is UTC
        assert entry.finished.tzinfo is UTC
        assert entry.started <= entry.finished
    with pytest.raises(AttributeError):
        history[1].title = "edited"
    assert any("step 2" in line for line in lines)
    assert any("step 3" in line for line in lines)


def test_evolve_unrecorded_site_runs_all_steps():
    calls = []
    db = make_db()
    evolve(db, REGISTRY, make_steps(calls))
    assert calls == [1, 2, 3]
    assert read_root(db)[1] == 3


def test_second_evolve_runs_nothing():
    calls = []
    steps = make_steps(calls)
    db = make_db(stamp_steps=steps[:1])
    evolve(db, REGISTRY, steps)
    calls.clear()
    assert evolve(db, REGISTRY, steps) == []
    assert calls == []
    assert len(read_root(db)[2]) == 3


def test_failing_step_aborts_only_that_step():
    calls = []
    steps = make_steps(calls, fail_at=3)
    db = make_db(stamp_steps=[])
    with pytest.raises(EvolveError, match=r"step 3") as info:
        evolve(db, REGISTRY, steps)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert calls == [1, 2, 3]
    site, generation, history = read_root(db)
    # Steps 1 and 2 committed; step 3's mutation of the site was rolled back.
    assert generation == 2
    assert site == {"step1": True, "step2": True}
    assert [h.generation for h in history] == [0, 1, 2]

    # Once fixed, evolve resumes at step 3 only.
    calls.clear()
    ran = evolve(db, REGISTRY, make_steps(calls))
    assert [s.generation for s in ran] == [3]
    assert calls == [3]
    assert read_root(db)[:2] == ({"step1": True, "step2": True, "step3": True}, 3)


def test_evolve_refuses_database_newer_than_code():
    calls = []
    steps = make_steps(calls)
    db = make_db(stamp_steps=steps)
    with pytest.raises(EvolveError, match="generation 3"):
        evolve(db, REGISTRY, steps[:2])
    assert calls == []
    conn = db.open(transaction_manager=transaction.TransactionManager())
    assert check(conn.root(), steps[:2]) == (3, 2)
    assert pending(conn.root(), steps[:2]) == []
    conn.close()


def test_evolve_without_site_raises():
    db = make_db(site=False)
    with pytest.raises(EvolveError, match="database not initialised; run shopcms init"):
        evolve(db, REGISTRY, make_steps([]))


def test_evolve_does_not_touch_callers_transaction():
    # A change pending in the caller's thread-local transaction is neither
    # committed nor aborted by evolve (it uses its own transaction manager).
    db = make_db()
    conn = db.open()  # default thread-local manager
    conn.root()["caller"] = 1
    try:
        evolve(db, REGISTRY, make_steps([]))
        assert conn.root()["caller"] == 1
        transaction.abort()
        assert "caller" not in conn.root()
    finally:
        transaction.abort()
        conn.close()
    assert read_root(db)[1] == 3
