"""One small declarative state machine for content objects.

A :class:`Workflow` is declared once at import time from :class:`State` and
:class:`Transition` objects (``declarations``) and is then shared by all content of one
kind (reviews, orders, policy page revisions); it keeps each object's state, its
:class:`HistoryEntry` list (``history``) and its ACL on the object itself (``machine``),
guards each transition by a permission, raises a :class:`WorkflowError` with a message for
the user when it cannot be done (``errors``) and announces each one with an
:class:`AfterTransition` event (``events``).  Import these names from this package: it is
their public home, and ``shopcms.workflow.HistoryEntry`` is also the name stored in ZODB.
"""

from shopcms.workflow.declarations import State, Transition
from shopcms.workflow.errors import TransitionNotAllowed, WorkflowError, WorkflowForbidden
from shopcms.workflow.events import AfterTransition, IAfterTransition
from shopcms.workflow.history import HistoryEntry
from shopcms.workflow.machine import Workflow

__all__ = [
    "AfterTransition",
    "HistoryEntry",
    "IAfterTransition",
    "State",
    "Transition",
    "TransitionNotAllowed",
    "Workflow",
    "WorkflowError",
    "WorkflowForbidden",
]
