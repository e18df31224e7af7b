"""The errors of a workflow operation, each with a message for the end user.

Contract: whenever one of these is raised by :class:`~shopcms.workflow.Workflow`, nothing
has been changed on the content object and no event has been sent.
"""

from __future__ import annotations

from pyramid.i18n import TranslationString

from shopcms.web.i18n import _


class WorkflowError(Exception):
    """A workflow operation on a content object could not be done.

    ``str(error)`` is a technical English description for logs.
    ``error.message`` is a :class:`~pyramid.i18n.TranslationString` (domain
    ``shopcms``) meant for the end user; a view shows it with
    ``request.localizer.translate(error.message)``.  When raised, nothing has
    been changed on the content object.
    """

    message = _("This action could not be completed.")

    def __init__(self, detail: str, message: TranslationString | None = None):
        super().__init__(detail)
        if message is not None:
            self.message = message


class TransitionNotAllowed(WorkflowError):
    """The transition does not exist from the content's current state."""

    message = _("This action is not possible in the current state.")


class WorkflowForbidden(WorkflowError):
    """The permission guarding the transition was denied for this request."""

    message = _("You are not allowed to do this.")
