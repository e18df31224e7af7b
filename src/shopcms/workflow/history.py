"""The record of a content object's workflow: :class:`HistoryEntry`.

``content.workflow_history`` is a :class:`persistent.list.PersistentList` of these, oldest
first, written only by :class:`~shopcms.workflow.Workflow`.  Contract: an entry never
changes once made, and it is stored in ZODB, so its class name, its dotted name
``shopcms.workflow.HistoryEntry`` and its field names are part of every database.
"""

import dataclasses
import datetime

# No ``from __future__ import annotations`` here: the annotations below stay real types,
# so they resolve even though the class reports the package, not this module, as its home.


# Frozen so that nobody rewrites history in place.  Pickled into ZODB as part of the
# content's workflow_history under the dotted name ``shopcms.workflow.HistoryEntry``: ZODB
# finds the class again by importing ``shopcms.workflow`` and taking this attribute, so
# keep the class name, its fields and the re-export in the package ``__init__``.
@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One immutable line of a content object's workflow history.

    ``transition`` is the transition name, or ``None`` for the creation entry
    written by :meth:`Workflow.initialize` (whose ``from_state`` is also
    ``None``).  ``from_state`` / ``to_state`` are state names.  ``actor`` is
    the user id or a system actor such as ``'system:payment-webhook'`` (``None``
    for an anonymous request).  ``when`` is a timezone-aware UTC datetime.
    """

    transition: str | None
    from_state: str | None
    to_state: str
    actor: str | None
    when: datetime.datetime
    comment: str = ""


# Pickle writes a class under its ``__module__``: without this, entries written from now on
# would be stored as ``shopcms.workflow.history.HistoryEntry``, a second name that every
# database would then need forever, and that code from before this module existed could
# not read.  The package re-exports the class, so this name resolves.
HistoryEntry.__module__ = "shopcms.workflow"
