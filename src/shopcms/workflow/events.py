"""The event sent after each transition: :class:`AfterTransition`.

It lets what follows a change of state (sending mail, reindexing) live with the
capability that cares, not in the workflow machine.  Contract: it is notified through the
Pyramid registry after the content is in its new state and its history entry is appended,
inside the same transaction; it is never sent for a refused transition nor for
:meth:`~shopcms.workflow.Workflow.initialize`.
"""

from __future__ import annotations

from zope.interface import Attribute, Interface, implementer


class IAfterTransition(Interface):
    """Sent through the registry after a content object changed state."""

    content = Attribute("The content object, already in its new state.")
    workflow = Attribute("The Workflow.")
    transition = Attribute("The Transition that was done.")
    from_state = Attribute("The State left.")
    to_state = Attribute("The State entered.")
    entry = Attribute("The HistoryEntry recorded for this transition.")
    request = Attribute("The request, or None for a system transition.")


@implementer(IAfterTransition)
class AfterTransition:
    """Event: ``content`` went from ``from_state`` to ``to_state``.

    ``transition`` is the :class:`Transition`, ``from_state`` and ``to_state``
    are :class:`State` objects, ``entry`` the :class:`HistoryEntry` just
    appended and ``request`` may be ``None`` (system transition).  Subscribe
    with ``config.add_subscriber(fn, AfterTransition)`` and filter on
    ``event.workflow.name`` / ``event.transition.name``.  Subscribers run inside
    the same transaction; an exception from one aborts the whole request.
    """

    def __init__(self, content, workflow, transition, from_state, to_state, entry, request):
        self.content = content
        self.workflow = workflow
        self.transition = transition
        self.from_state = from_state
        self.to_state = to_state
        self.entry = entry
        self.request = request
