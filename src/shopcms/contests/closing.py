"""Closing a contest and choosing its winners: the service behind the judges' desk and
``shopcms close-contest``.

Each function changes one contest in the caller's transaction (a POST, or the command's
``site_transaction``) and refuses with :class:`~shopcms.contests.entries.Refused`
(a translatable ``message``) before changing anything:

- :func:`close`: only a published contest, only from its closing time; records the
  tie-breaker's true value, drops the entries never confirmed (``entries.close``) and does
  the workflow's ``close`` (``request=None`` with an ``actor``: the command's "cli");
- :func:`disqualify` / :func:`requalify`: before the winners are confirmed; a reason is
  required, and the next entry moves up (the ranking is computed, never stored);
- :func:`confirm_winners`: fixes the winners from the ranking (``entries.confirm_winners``),
  does ``confirm`` and queues the prize notice to each winner in their language
  (``winner_mail``), in the same transaction;
- :func:`announce`: ``announce``; the public page then shows the winners' public lines
  (first name, initial, town) and nothing else of any entrant;
- :func:`delivered`: a winner's prize was delivered (their data go 60 days later).
"""

from shopcms.contests import entries, winner_mail
from shopcms.contests.entries import Refused
from shopcms.contests.workflow import CLOSED, CONFIRMED, CONTEST_WORKFLOW, PUBLISHED
from shopcms.web.i18n import _

#: The system actor of the command line.
CLI = "cli"


def _transition(contest, name, request, actor):
    CONTEST_WORKFLOW.transition(contest, request, name, actor=actor)


def close(contest, true_value, now, *, request=None, actor=None):
    """Close ``contest`` with the tie-breaker's ``true_value`` (see the module)."""
    if contest.workflow_state != PUBLISHED:
        raise Refused(_("Only a published contest that has ended can be closed."))
    if contest.closes is None or now < contest.closes:
        raise Refused(
            _("The contest is still running: it can be closed only after its closing time.")
        )
    if int(true_value) < 0:
        raise Refused(_("The true value is a whole number, 0 or more."))
    entries.close(contest, true_value)
    _transition(contest, "close", request, actor)


def entry_of(contest, key):
    """The confirmed entry ``key`` of ``contest``, or Refused."""
    entry = contest.entries.get(key)
    if entry is None or entry.confirmed is None:
        raise Refused(_("This entry does not exist (any more)."))
    return entry


def disqualify(contest, key, reason, who, now):
    """Put the entry ``key`` out of the ranking with ``reason``; the next one moves up."""
    reason = str(reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for the disqualification."))
    entries.disqualify(contest, entry_of(contest, key), reason, who, now)


def requalify(contest, key):
    """Put the entry ``key`` back in the ranking."""
    entries.requalify(contest, entry_of(contest, key))


def confirm_winners(contest, registry, *, request=None, actor=None):
    """Fix the winners, ``confirm``, and queue each winner's mail; returns the winners."""
    if contest.workflow_state != CLOSED:
        raise Refused(_("Only a closed contest's winners can be confirmed."))
    found = entries.confirm_winners(contest)
    if not found:
        raise Refused(_("No entry has the right answer: there is no winner to confirm."))
    _transition(contest, "confirm", request, actor)
    for entry in found:
        winner_mail.queue(registry, contest, entry, request)
    return found


def announce(contest, now, *, request=None, actor=None):
    """Announce the confirmed winners on the public page."""
    if contest.workflow_state != CONFIRMED:
        raise Refused(_("Confirm the winners before announcing them."))
    entries.announce(contest, now)
    _transition(contest, "announce", request, actor)


def delivered(contest, key, now):
    """Record that the winner ``key`` received the prize."""
    entry = entry_of(contest, key)
    if key not in contest.winner_keys:
        raise Refused(_("Only a winner's prize can be delivered."))
    entries.mark_delivered(contest, entry, now)
