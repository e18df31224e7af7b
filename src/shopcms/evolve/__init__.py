"""Evolve: versioned, recorded migrations of the stored data.

The database records a *generation* (an int) in an ``EvolveRecord`` kept in the
ZODB root under ``RECORD_KEY``. The packages declare their steps with the
``config.add_evolve_step`` directive (``shopcms.evolve.steps``); the latest
step's generation is the generation the code expects. ``shopcms evolve`` calls
``evolve`` to run the pending steps, each in its own transaction, recording
each one as it commits. A newly created database is stamped with the latest
generation by ``stamp_new`` (its data is created in the current shape, so no
step needs to run).  Classes that moved are found by ``shopcms.evolve.moved``.

Like Substance D, the record lives in the database, so the answer to "which
migrations has this data seen?" travels with the data, not with a deployment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import transaction
from persistent import Persistent
from persistent.list import PersistentList
from pyramid.threadlocal import manager as threadlocal_manager

from shopcms.evolve.steps import EvolveStep, evolve_steps

__all__ = [
    "RECORD_KEY",
    "SITE_KEY",
    "STAMPED",
    "EVOLVED",
    "EvolveError",
    "EvolveRecord",
    "EvolveStep",
    "HistoryEntry",
    "check",
    "current_generation",
    "evolve",
    "evolve_steps",
    "latest_generation",
    "pending",
    "stamp_new",
    "validate",
]

# In the ZODB root rather than on the Site: the record describes the database,
# and evolve steps may replace or restructure the Site itself.
RECORD_KEY = "shopcms.evolve"
SITE_KEY = "site"

# ``HistoryEntry.action`` values.
STAMPED = "stamped"
EVOLVED = "evolved"


class EvolveError(Exception):
    """Evolving failed or is not possible (no site, data newer than code, a step raised)."""


class HistoryEntry(NamedTuple):
    """One line of evolve history; immutable so history cannot be edited in place.

    ``action`` is ``"stamped"`` (new database, no step ran) or ``"evolved"``.
    ``started`` and ``finished`` are timezone-aware UTC datetimes.
    """

    # Pickled into the database by dotted name: do not rename or move this class.
    generation: int
    title: str
    started: datetime
    finished: datetime
    action: str = EVOLVED


class EvolveRecord(Persistent):
    """The database's evolve state: current ``generation`` and its ``history``.

    ``history`` is a ``PersistentList`` of ``HistoryEntry``, oldest first.
    """

    # Pickled into the database by dotted name: do not rename or move this class.

    def __init__(self, generation: int = 0) -> None:
        self.generation = generation
        self.history = PersistentList()


def _now() -> datetime:
    return datetime.now(UTC)


def validate(steps: Sequence[EvolveStep]) -> None:
    """Raise ``ValueError`` unless the generations are exactly 1, 2, 3, ... in order.

    Gaps, duplicates and reordering are all rejected: the runner relies on
    position == generation - 1, and a renumbered step would silently skip or
    re-run a migration on deployed databases.
    """
    for index, step in enumerate(steps):
        expected = index + 1
        generation = getattr(step, "generation", None)
        # bool is an int subclass; True as a generation is a bug, not a 1.
        if type(generation) is not int or generation != expected:
            raise ValueError(
                f"evolve step at position {index} has generation {generation!r}; "
                f"expected {expected} (generations must be 1, 2, 3, ... with no gaps)"
            )
        if not callable(step.function):
            raise ValueError(f"evolve step {generation} ({step.title!r}) has no callable function")


def latest_generation(steps: Sequence[EvolveStep]) -> int:
    """The generation the code expects: the last step's generation, 0 when there are none."""
    validate(steps)
    return steps[-1].generation if steps else 0


def current_generation(zodb_root: Any) -> int:
    """The generation recorded in the database; 0 when there is no record.

    A database with a site but no record predates evolve bookkeeping, so every
    step is pending for it.
    """
    record = zodb_root.get(RECORD_KEY)
    return 0 if record is None else record.generation


def stamp_new(zodb_root: Any, steps: Sequence[EvolveStep]) -> EvolveRecord:
    """Record the latest generation on a freshly created database, running no step.

    The caller has just built the site in the current shape, so the migrations
    are already "applied". Does not commit: the stamp belongs to the caller's
    transaction, so a failed ``init`` leaves neither site nor stamp. Idempotent:
    an existing record is returned untouched (stamping an old database would
    skip its migrations).
    """
    record = zodb_root.get(RECORD_KEY)
    if record is not None:
        return record
    latest = latest_generation(steps)
    record = EvolveRecord(latest)
    now = _now()
    record.history.append(
        HistoryEntry(latest, f"new database stamped at generation {latest}", now, now, STAMPED)
    )
    zodb_root[RECORD_KEY] = record
    return record


def pending(zodb_root: Any, steps: Sequence[EvolveStep]) -> list[EvolveStep]:
    """The steps with a generation above the database's, in generation order.

    Empty when the database is current, and also when it is *newer* than the
    code; use ``check`` to tell those apart.
    """
    validate(steps)
    current = current_generation(zodb_root)
    return [step for step in steps if step.generation > current]


def check(zodb_root: Any, steps: Sequence[EvolveStep]) -> tuple[int, int]:
    """Return ``(current, latest)``: the database's generation and the code's.

    ``current < latest``: steps are pending (evolve, or refuse to start).
    ``current > latest``: the code is older than the data; the app must not
    start on it, since old code may corrupt data written in a newer shape.
    """
    return current_generation(zodb_root), latest_generation(steps)


def evolve(
    db: Any,
    registry: Any,
    steps: Sequence[EvolveStep],
    log: Callable[[str], None] | None = None,
) -> list[EvolveStep]:
    """Run the pending steps on ``db`` (a ``ZODB.DB``) and return those that ran.

    Uses its own connection and ``TransactionManager`` so it neither commits nor
    aborts the caller's thread-local transaction. Each step runs in its own
    transaction: the step, then the record's new generation and history entry,
    then commit. If step N raises, only step N is aborted (steps before it stay
    committed) and ``EvolveError`` naming the step is raised; re-running
    ``evolve`` resumes at step N.

    Raises ``EvolveError`` when the root has no site, when the database's
    generation is newer than the code's latest, or when the record changed
    under us (another evolve ran concurrently). ``log`` receives progress lines.
    """
    validate(steps)
    say = log if log is not None else (lambda line: None)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        tm.begin()
        root = conn.root()
        if SITE_KEY not in root:
            raise EvolveError("database not initialised; run shopcms init")
        current, latest = check(root, steps)
        if current > latest:
            raise EvolveError(
                f"database is at generation {current} but this code only knows up to "
                f"generation {latest}; upgrade the code instead"
            )
        todo = [step for step in steps if step.generation > current]
        # End the read-only transaction so each step starts from a fresh view.
        tm.abort()
        if not todo:
            say(f"database is at generation {current}; nothing to evolve")
            return []
        say(f"evolving from generation {current} to {latest}")
        done: list[EvolveStep] = []
        # The registry is current while the steps run, as in a request: the events a
        # step causes (a workflow transition, an object added) reach their subscribers.
        if registry is not None:
            threadlocal_manager.push({"registry": registry, "request": None})
        try:
            for step in todo:
                _run_step(tm, conn, step, registry, say)
                done.append(step)
        finally:
            if registry is not None:
                threadlocal_manager.pop()
        say(f"database is at generation {latest}")
        return done
    finally:
        # A connection with uncommitted changes refuses to close; abort first.
        tm.abort()
        conn.close()


def _run_step(
    tm: transaction.TransactionManager,
    conn: Any,
    step: EvolveStep,
    registry: Any,
    say: Callable[[str], None],
) -> None:
    """Run one step, record it and commit, all in one transaction (or none of it)."""
    label = f"evolve step {step.generation} ({step.title})"
    say(f"running {label}")
    txn = tm.begin()
    txn.note(f"shopcms evolve: generation {step.generation}: {step.title}")
    root = conn.root()
    record = root.get(RECORD_KEY)
    if record is None:
        # A site without a record (pre-bookkeeping database): create the record
        # in the first step's transaction, so it only exists once a step commits.
        record = root[RECORD_KEY] = EvolveRecord(0)
    # Guard against a concurrent evolve having moved the record since we read
    # it; a write conflict on commit would catch most but not all interleavings.
    if record.generation != step.generation - 1:
        tm.abort()
        raise EvolveError(
            f"{label}: database is at generation {record.generation}, expected "
            f"{step.generation - 1}; is another evolve running?"
        )
    try:
        started = _now()
        step.function(root[SITE_KEY], registry)
        record.generation = step.generation
        record.history.append(HistoryEntry(step.generation, step.title, started, _now(), EVOLVED))
        tm.commit()
    except Exception as exc:
        # Everything the step touched is discarded; earlier steps stay committed.
        tm.abort()
        raise EvolveError(f"{label} failed: {exc!r}") from exc
    say(f"committed generation {step.generation}")


def includeme(config):
    config.include("shopcms.evolve.moved")
    config.include("shopcms.evolve.steps")
