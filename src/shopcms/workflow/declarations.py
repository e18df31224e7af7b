"""What a workflow is declared from: :class:`State` and :class:`Transition`.

Both are plain, shared declarations made once at import time; they are never stored on
content (only their names are), so a declaration can change without migrating the
database.  Contract: each constructor checks its arguments and raises ``ValueError`` for a
declaration that cannot be right, so a mistake fails at import rather than at the first
transition.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyramid.i18n import TranslationString


def _check_name(kind: str, name: object) -> None:
    """Raise ``ValueError`` unless ``name`` is a non-empty string (``kind`` names it)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"{kind} name must be a non-empty string, got {name!r}")


class State:
    """A named state of a workflow.

    ``title`` is a TranslationString for display.  ``acl`` is ``None`` (entering
    the state leaves ``content.__acl__`` alone) or a sequence of Pyramid ACEs
    which, on entering the state, replaces ``content.__acl__`` with a fresh
    ``list(acl)``.
    """

    def __init__(self, name: str, title: TranslationString, acl: Iterable | None = None):
        _check_name("State", name)
        self.name = name
        self.title = title
        # Kept as an immutable tuple so that one content object's list can never
        # alias (and mutate) the declaration shared by all content.
        self.acl = None if acl is None else tuple(acl)

    def __repr__(self) -> str:
        return f"<State {self.name!r}>"


class Transition:
    """A named move from any of ``from_states`` to ``to_state``.

    ``from_states`` is a tuple (or other non-string iterable) of state names;
    ``to_state`` a state name.  ``permission`` is the permission name that the
    requester must have on the content; it is mandatory because an unguarded
    transition is almost always an oversight (``ValueError`` otherwise).
    """

    def __init__(
        self,
        name: str,
        from_states: Iterable[str],
        to_state: str,
        permission: str,
        title: TranslationString,
    ):
        _check_name("Transition", name)
        # A bare string would silently be iterated character by character.
        if isinstance(from_states, str):
            raise ValueError(
                f"Transition {name!r}: from_states must be a tuple of state names, "
                f"not the string {from_states!r}"
            )
        from_states = tuple(from_states)
        if not from_states:
            raise ValueError(f"Transition {name!r}: from_states must not be empty")
        for state_name in from_states:
            _check_name("State", state_name)
        _check_name("State", to_state)
        if not isinstance(permission, str) or not permission:
            raise ValueError(
                f"Transition {name!r}: a permission name is required, got {permission!r}"
            )
        self.name = name
        self.from_states = from_states
        self.to_state = to_state
        self.permission = permission
        self.title = title

    def __repr__(self) -> str:
        return f"<Transition {self.name!r} {self.from_states!r} -> {self.to_state!r}>"
