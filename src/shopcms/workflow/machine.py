"""The state machine: :class:`Workflow`, shared by all content of one kind.

A workflow holds no per-content data: everything that changes lives on the content
object, in three attributes:

``content.workflow_state``
    The name (``str``) of the current state.
``content.workflow_history``
    A :class:`persistent.list.PersistentList` of :class:`HistoryEntry`, oldest
    first; the first entry records the creation (``transition is None``).
``content.__acl__``
    Replaced by ``list(state.acl)`` whenever a state that declares an ``acl``
    is entered; left untouched by states whose ``acl`` is ``None``.

Only names are stored on content, never :class:`State` or :class:`Transition`
objects, so a workflow declaration can change (new titles, new transitions)
without migrating the database.

Every transition is guarded by a permission checked with
``request.has_permission(permission, content)``.  The only way around the
guard is an explicit system call with ``request=None`` and a named ``actor``
(a CLI script or a payment webhook), which is recorded in the history.  After a
successful transition an :class:`AfterTransition` event is sent through the Pyramid
registry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from persistent.list import PersistentList
from pyramid.threadlocal import get_current_registry

from shopcms.web.i18n import _
from shopcms.workflow.declarations import State, Transition, _check_name
from shopcms.workflow.errors import TransitionNotAllowed, WorkflowError, WorkflowForbidden
from shopcms.workflow.events import AfterTransition
from shopcms.workflow.history import HistoryEntry


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Workflow:
    """A validated set of states and transitions with one initial state.

    ``initial`` is a state name (a :class:`State` is also accepted).  The
    declaration is checked at construction and ``ValueError`` is raised for
    duplicate state names, an unknown initial state, a transition referring to
    an unknown state, or two transitions with the same name leaving the same
    state (the same name may be reused from *different* states, e.g. a
    ``cancel`` that leads elsewhere depending on where it starts).
    """

    def __init__(
        self,
        name: str,
        states: Iterable[State],
        transitions: Iterable[Transition],
        initial: str | State,
    ):
        _check_name("Workflow", name)
        self.name = name
        self.states = tuple(states)
        self.transitions = tuple(transitions)
        self._states: dict[str, State] = {}
        for state in self.states:
            if not isinstance(state, State):
                raise ValueError(f"Workflow {name!r}: {state!r} is not a State")
            if state.name in self._states:
                raise ValueError(f"Workflow {name!r}: duplicate state {state.name!r}")
            self._states[state.name] = state
        if isinstance(initial, State):
            initial = initial.name
        if initial not in self._states:
            raise ValueError(f"Workflow {name!r}: initial state {initial!r} is not a state")
        self.initial = initial
        # state name -> {transition name -> Transition}; dicts keep declaration
        # order, which available() relies on.
        self._outgoing: dict[str, dict[str, Transition]] = {s: {} for s in self._states}
        for transition in self.transitions:
            if not isinstance(transition, Transition):
                raise ValueError(f"Workflow {name!r}: {transition!r} is not a Transition")
            for state_name in (*transition.from_states, transition.to_state):
                if state_name not in self._states:
                    raise ValueError(
                        f"Workflow {name!r}: transition {transition.name!r} refers to "
                        f"unknown state {state_name!r}"
                    )
            for state_name in transition.from_states:
                outgoing = self._outgoing[state_name]
                if transition.name in outgoing:
                    raise ValueError(
                        f"Workflow {name!r}: two transitions named {transition.name!r} "
                        f"leave state {state_name!r}"
                    )
                outgoing[transition.name] = transition

    def __repr__(self) -> str:
        return f"<Workflow {self.name!r}>"

    def get_state(self, name: str) -> State:
        """Return the State called ``name``; ``KeyError`` if there is none."""
        return self._states[name]

    def initialize(self, content, request=None, actor: str | None = None) -> HistoryEntry:
        """Put fresh ``content`` into the initial state and return the creation entry.

        Sets ``workflow_state``, a new ``workflow_history`` holding one entry
        (``transition=None``, ``from_state=None``) and, if the initial state has
        one, ``__acl__``.  ``actor`` defaults to ``request.authenticated_userid``
        when a request is given.  No permission is checked and no event is sent:
        creating the content is the caller's business.  Raises
        :class:`WorkflowError` if ``content`` already has a workflow state.
        """
        if getattr(content, "workflow_state", None) is not None:
            raise WorkflowError(
                f"{content!r} is already in workflow state {content.workflow_state!r}",
                _("This item has already been started."),
            )
        if actor is None and request is not None:
            actor = request.authenticated_userid
        state = self._states[self.initial]
        entry = HistoryEntry(
            transition=None,
            from_state=None,
            to_state=state.name,
            actor=actor,
            when=_utcnow(),
        )
        history = PersistentList()
        history.append(entry)
        content.workflow_history = history
        content.workflow_state = state.name
        self._apply_acl(content, state)
        return entry

    def state_of(self, content) -> State:
        """Return the current :class:`State` of ``content``.

        Raises :class:`WorkflowError` if ``content`` was never initialized or
        its stored state name is not part of this workflow.
        """
        name = getattr(content, "workflow_state", None)
        state = self._states.get(name) if name is not None else None
        if state is None:
            raise WorkflowError(
                f"{content!r} has no valid state in workflow {self.name!r} (found {name!r})",
                _("This item is not in a known state."),
            )
        return state

    def available(self, content, request) -> list[Transition]:
        """Transitions from the current state that ``request`` may do, in declaration order."""
        state = self.state_of(content)
        return [
            transition
            for transition in self._outgoing[state.name].values()
            if request.has_permission(transition.permission, content)
        ]

    def transition(
        self,
        content,
        request,
        name: str,
        comment: str = "",
        actor: str | None = None,
    ) -> HistoryEntry:
        """Do transition ``name`` on ``content`` and return the new history entry.

        With a request, ``request.has_permission(transition.permission,
        content)`` must allow it and ``actor`` defaults to
        ``request.authenticated_userid``.  With ``request=None`` this is a
        system transition: no permission is checked, ``actor`` is required
        (``ValueError`` otherwise) and the event goes through the current
        thread's registry.

        Raises :class:`TransitionNotAllowed` if ``name`` does not leave the
        current state and :class:`WorkflowForbidden` if the guard denies; in
        both cases ``content`` is unchanged and no event is sent.  On success
        the entry is appended to the history, the state and (if the new state
        declares one) the ACL are set, and then :class:`AfterTransition` is
        notified.
        """
        if request is None and not actor:
            # Without a request nothing identifies who did it; an anonymous
            # system change would make the history useless for audits.
            raise ValueError("A system transition (request=None) needs an actor")
        from_state = self.state_of(content)
        transition = self._outgoing[from_state.name].get(name)
        if transition is None:
            raise TransitionNotAllowed(
                f"Workflow {self.name!r}: no transition {name!r} from state {from_state.name!r}"
            )
        if request is not None:
            if not request.has_permission(transition.permission, content):
                raise WorkflowForbidden(
                    f"Workflow {self.name!r}: transition {name!r} needs permission "
                    f"{transition.permission!r}"
                )
            if actor is None:
                actor = request.authenticated_userid
        to_state = self._states[transition.to_state]
        entry = HistoryEntry(
            transition=transition.name,
            from_state=from_state.name,
            to_state=to_state.name,
            actor=actor,
            when=_utcnow(),
            comment=comment,
        )
        content.workflow_history.append(entry)
        content.workflow_state = to_state.name
        self._apply_acl(content, to_state)
        event = AfterTransition(content, self, transition, from_state, to_state, entry, request)
        registry = request.registry if request is not None else get_current_registry()
        registry.notify(event)
        return entry

    @staticmethod
    def _apply_acl(content, state: State) -> None:
        if state.acl is not None:
            # A new list each time: assigning (rather than mutating) is what
            # marks a Persistent content object as changed.
            content.__acl__ = list(state.acl)
