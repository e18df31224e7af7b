"""The project's evolve steps, in generation order.

To change the shape of stored data: write a function ``(site, registry)`` that
migrates an existing Site, then append ``EvolveStep(<last generation + 1>,
"<what it does>", function)`` to ``STEPS``. Never renumber, reorder or remove a
step that has been released: deployed databases record the generation they
reached, and ``shopcms.evolve.validate`` rejects gaps and reordering.

``EvolveStep`` lives here rather than in ``shopcms.evolve`` so that this module
can define steps without a circular import; ``shopcms.evolve`` re-exports it.
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


# Empty: no stored-data change has happened yet. New databases are stamped with
# generation 0, and later issues append steps 1, 2, ...
STEPS: tuple[EvolveStep, ...] = ()
