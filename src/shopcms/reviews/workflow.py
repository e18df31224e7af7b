"""The reviews' workflow: what a review goes through between writing and the public.

::

    pending --approve--> published --hide--> hidden --show--> published
    pending --reject---> rejected          (a reason from REJECTION_REASONS is required)
    pending, published, hidden --spam--> spam
    published --report--> pending          (by the system, at REPORTS_TO_PENDING reports)
    pending, published, hidden, rejected --edit--> pending      (its author)
    pending, published, hidden, rejected --withdraw--> withdrawn (its author)

Only ``published`` is public; what the other states let whom see is the review's ACL
(``resources.Review.__acl__``), read from its state.  Every transition is recorded in the
review's history with who, when and why (the ``comment``).
"""

from shopcms.web import security
from shopcms.web.i18n import _
from shopcms.workflow import State, Transition, Workflow

PENDING = "pending"
PUBLISHED = "published"
REJECTED = "rejected"
HIDDEN = "hidden"
WITHDRAWN = "withdrawn"
SPAM = "spam"

#: States whose reviews leave the database 30 days after they entered it (``retention``).
CLOSED = (REJECTED, WITHDRAWN, SPAM)
#: States a moderator works on: the queue.
QUEUED = (PENDING,)

MODERATION = ("approve", "reject", "hide", "show", "spam")

REVIEW_WORKFLOW = Workflow(
    "review",
    states=(
        State(PENDING, _("Waiting for moderation")),
        State(PUBLISHED, _("Published")),
        State(REJECTED, _("Rejected")),
        State(HIDDEN, _("Hidden")),
        State(WITHDRAWN, _("Withdrawn")),
        State(SPAM, _("Spam")),
    ),
    transitions=(
        Transition("approve", (PENDING,), PUBLISHED, security.MODERATE, _("Approve")),
        Transition("reject", (PENDING,), REJECTED, security.MODERATE, _("Reject")),
        Transition("hide", (PUBLISHED,), HIDDEN, security.MODERATE, _("Hide")),
        Transition("show", (HIDDEN,), PUBLISHED, security.MODERATE, _("Publish again")),
        Transition(
            "spam", (PENDING, PUBLISHED, HIDDEN), SPAM, security.MODERATE, _("Mark as spam")
        ),
        # Only the system does this (request=None): reports are anonymous.
        Transition("report", (PUBLISHED,), PENDING, security.MODERATE, _("Back to moderation")),
        Transition(
            "edit",
            (PENDING, PUBLISHED, HIDDEN, REJECTED),
            PENDING,
            security.OWN_REVIEW,
            _("Edit"),
        ),
        Transition(
            "withdraw",
            (PENDING, PUBLISHED, HIDDEN, REJECTED),
            WITHDRAWN,
            security.OWN_REVIEW,
            _("Withdraw"),
        ),
    ),
    initial=PENDING,
)

#: Why a review is not published: the moderator picks one (``other`` with a text of its own).
#: Kept per language through the message catalogs, so the author reads it in theirs.
REJECTION_REASONS = {
    "off-topic": _("Off topic"),
    "personal-data": _("It contains personal data"),
    "offensive": _("Offensive language"),
    "not-about-product": _("It is not about the product"),
    "advertising": _("Advertising"),
    "other": _("Other reason"),
}

#: A published review with this many reports goes back to the moderators.
REPORTS_TO_PENDING = 3


def state_title(name):
    """The title (a TranslationString) of the state ``name``."""
    return REVIEW_WORKFLOW.get_state(name).title
