"""The contests' workflow: what a contest goes through from its draft to its purge.

::

    draft --publish--> published --close--> closed --confirm--> confirmed --announce--> announced
    published --unpublish--> draft            (only while nobody has entered)
    closed, confirmed --reopen-ranking--> closed   (not a transition: disqualifying is)
    announced --purge--> purged                (the system: ``shopcms retention``)

A published contest is *scheduled* before its opening time, *open* between its opening and
closing times and *ended* after them until staff close it: these phases are derived from the
clock (:meth:`shopcms.contests.resources.Contest.phase`), never stored, so nobody has to
"open" a contest at midnight.  Closing is a POST on the desk or ``shopcms close-contest``
and is refused before the closing time.

Who may do what: editors and administrators manage contests (``EDIT``: write, translate,
publish); only the contest's judges (its owner, the editor who made it, and the
administrators: ``JUDGE_CONTESTS``) read its entries, close it, confirm its winners and
announce them.
"""

from shopcms.web import security
from shopcms.web.i18n import _
from shopcms.workflow import State, Transition, Workflow

DRAFT = "draft"
PUBLISHED = "published"
CLOSED = "closed"
CONFIRMED = "confirmed"
ANNOUNCED = "announced"
PURGED = "purged"

#: The phases of a published contest, from the clock.
SCHEDULED = "scheduled"
OPEN = "open"
ENDED = "ended"

#: States in which the public sees the contest.
PUBLIC = (PUBLISHED, CLOSED, CONFIRMED, ANNOUNCED, PURGED)

CONTEST_WORKFLOW = Workflow(
    "contest",
    states=(
        State(DRAFT, _("Draft")),
        State(PUBLISHED, _("Published")),
        State(CLOSED, _("Closed")),
        State(CONFIRMED, _("Winners confirmed")),
        State(ANNOUNCED, _("Winners announced")),
        State(PURGED, _("Entrants' data purged")),
    ),
    transitions=(
        Transition("publish", (DRAFT,), PUBLISHED, security.EDIT, _("Publish")),
        Transition("unpublish", (PUBLISHED,), DRAFT, security.EDIT, _("Back to draft")),
        Transition("close", (PUBLISHED,), CLOSED, security.JUDGE_CONTESTS, _("Close")),
        Transition(
            "confirm", (CLOSED,), CONFIRMED, security.JUDGE_CONTESTS, _("Confirm the winners")
        ),
        Transition(
            "announce", (CONFIRMED,), ANNOUNCED, security.JUDGE_CONTESTS, _("Announce the winners")
        ),
        # Only the system does this (request=None): ``shopcms retention``.
        Transition("purge", (ANNOUNCED,), PURGED, security.JUDGE_CONTESTS, _("Purge")),
    ),
    initial=DRAFT,
)

PHASE_TITLES = {
    DRAFT: _("Draft"),
    SCHEDULED: _("Scheduled"),
    OPEN: _("Open for entries"),
    ENDED: _("Ended, waiting to be closed"),
    CLOSED: _("Closed"),
    CONFIRMED: _("Winners confirmed"),
    ANNOUNCED: _("Winners announced"),
    PURGED: _("Entrants' data purged"),
}


def phase_title(phase):
    """The title (a TranslationString) of the phase or state ``phase``."""
    return PHASE_TITLES[phase]
