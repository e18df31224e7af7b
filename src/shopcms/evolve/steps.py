"""Evolve steps, declared by the packages whose data they migrate.

To change the shape of stored data, a package writes a function ``(site, registry)`` that
migrates an existing Site, usually in its ``evolve.py``, and declares it in its
``includeme`` with the next free generation::

    config.add_evolve_step(7, "Reviews: the moderation queue", add_review_queue)

The steps of all packages form one sequence 1, 2, 3, ... recorded in one generation record
of the database.  Never renumber, reorder or remove a step that has been released:
deployed databases record the generation they reached, and ``shopcms.evolve.validate``
rejects gaps, duplicates and reordering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EvolveStep:
    """One schema migration.

    ``generation`` is the generation the database reaches once this step has
    run (the first step is 1). ``function(site, registry)`` mutates the Site
    (``zodb_root['site']``) in place; it runs inside a transaction that the
    runner commits or aborts, so it must not commit, abort or open
    connections itself. Changes to plain (non-persistent) containers must be
    flagged with ``_p_changed = True`` or they will not be saved.
    """

    generation: int
    title: str
    function: Callable[[Any, Any], None]


def evolve_steps(registry):
    """The declared steps of ``registry`` in generation order (a tuple)."""
    return tuple(sorted(getattr(registry, "shopcms_evolve_steps", ()), key=lambda s: s.generation))


def add_evolve_step(config, generation, title, function):
    """Config directive: declare the evolve step ``generation`` (see the module)."""
    step = EvolveStep(generation, title, function)
    steps = config.registry.shopcms_evolve_steps
    # Two declarations of one generation conflict at config time.
    config.action(("shopcms.evolve_step", generation), lambda: steps.append(step))


def includeme(config):
    config.registry.shopcms_evolve_steps = []
    config.add_directive("add_evolve_step", add_evolve_step)
