"""What the shop does to reviews: moderation, reports, helpful votes, the shop's reply.

Every function works in the caller's transaction (a POST) and says what it did; none
commits.  Contract of the moderation:

- :func:`moderate` does one action (``approve``, ``reject``, ``hide``, ``show``, ``spam``)
  on one review, guarded by the workflow's permission; a rejection needs a reason from
  ``REJECTION_REASONS`` (``other`` needs a text).  The history records who, when and why.
- :func:`moderate_many` does one action on many reviews in the one transaction and counts
  what was done and what was skipped (a review another moderator moved already, or in a
  state the action does not leave): it never stops half-way.
- Two moderators on one review: the second transaction conflicts, is replayed, and then
  finds the review moved: :class:`AlreadyMoved` tells them by whom and to what.
"""

import re
from dataclasses import dataclass

from shopcms.reviews.workflow import (
    MODERATION,
    PUBLISHED,
    REJECTION_REASONS,
    REPORTS_TO_PENDING,
    REVIEW_WORKFLOW,
)
from shopcms.tree.events import ObjectModified, notify
from shopcms.web.i18n import _
from shopcms.workflow import TransitionNotAllowed, WorkflowError

#: The actor of the transition the visitors' reports cause (:func:`report`); its comment is
#: ``"N reports"`` (:data:`REPORTS_COMMENT`), which the desk shows as a plural of its own.
REPORTS_ACTOR = "system:reports"
REPORTS_COMMENT = re.compile(r"(\d+) reports")


class ModerationError(WorkflowError):
    """An action that cannot be done; ``message`` says why (nothing was changed)."""


class AlreadyMoved(ModerationError):
    """The review is no longer in the state the moderator saw; ``entry`` is the history
    entry that moved it (who, when, to which state)."""

    def __init__(self, review, entry):
        super().__init__(
            f"review {review.__name__} is {review.workflow_state} already",
            _(
                "Someone else (${who}) changed this review in the meantime: it is now "
                "\u201c${state}\u201d. Nothing was changed by you.",
                mapping={"who": entry.actor or "?", "state": entry.to_state},
            ),
        )
        self.entry = entry


def rejection_comment(reason, text):
    """The history comment of a rejection: the reason's code, then the moderator's text."""
    if reason not in REJECTION_REASONS:
        raise ModerationError(f"unknown reason {reason!r}", _("Choose a reason for the rejection."))
    if reason == "other" and not text:
        raise ModerationError("reason 'other' without a text", _("Say why the review is rejected."))
    return f"{reason}: {text}" if text else reason


def read_rejection(comment):
    """``(reason code, text)`` of a rejection's history comment (:func:`rejection_comment`):
    what the rejected mail says, read from the entry its transition recorded."""
    reason, _sep, text = (comment or "").partition(": ")
    return reason, text


def moderate(request, review, action, *, reason=None, text="", seen_state=None):
    """Do moderation ``action`` on ``review``; returns the history entry.

    ``seen_state``: the state the moderator's page showed; if the review has left it, the
    action is refused with :class:`AlreadyMoved`.  Raises :class:`ModerationError` (or the
    workflow's errors, each with a ``message``) and changes nothing when it cannot be done.
    """
    if action not in MODERATION:
        raise ModerationError(f"unknown action {action!r}", _("Choose an action."))
    if seen_state is not None and review.workflow_state != seen_state:
        raise AlreadyMoved(review, review.workflow_history[-1])
    comment = text
    if action == "reject":
        comment = rejection_comment(reason, text)
    entry = REVIEW_WORKFLOW.transition(review, request, action, comment=comment)
    if action == "reject":
        review.rejection = (reason, text)
    return entry


@dataclass(frozen=True)
class BulkResult:
    done: int
    skipped: int


def moderate_many(request, reviews, action, *, reason=None, text=""):
    """Do ``action`` on each of ``reviews`` that allows it now (see the module)."""
    if action == "reject":
        rejection_comment(reason, text)  # refuse the whole request before any change
    done = skipped = 0
    for review in reviews:
        try:
            moderate(request, review, action, reason=reason, text=text)
        except TransitionNotAllowed:
            skipped += 1
        else:
            done += 1
    return BulkResult(done, skipped)


def report(review, reason, now, registry=None):
    """Record a visitor's report (no reporter is kept).  At :data:`REPORTS_TO_PENDING`
    reports a published review goes back to the moderators.  Returns the report count.

    The catalog's ``flags`` follows at once: a reported published review is in the queue
    from its first report."""
    count = review.add_report(reason, now)
    notify(ObjectModified(review), registry)
    if count >= REPORTS_TO_PENDING and review.workflow_state == PUBLISHED:
        REVIEW_WORKFLOW.transition(
            review, None, "report", actor=REPORTS_ACTOR, comment=f"{count} reports"
        )
    return count


def vote_helpful(review, registry=None):
    """Count one helpful vote (who gave it is not kept); the catalog's ``votes`` follows."""
    review.helpful.change(1)
    notify(ObjectModified(review), registry)


def reply(review, text, who, now, registry=None):
    """Set (or with ``""`` remove) the shop's public reply under ``review``."""
    review.set_reply(text, who, now)
    notify(ObjectModified(review), registry)
