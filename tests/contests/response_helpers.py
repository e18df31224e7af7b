"""Contests made directly through the model for the response tests (which drive the
real public pages: ``views.public`` and ``views.confirm``)."""

from datetime import timedelta

from shopcms.contests.resources import Contest, ContestText
from shopcms.contests.workflow import CONTEST_WORKFLOW

ACTOR = "system:test"


def new_contest(root, name, now, *, title="Raad de stekels", published=True):
    """A contest open from an hour ago for a week (nl title, a multiple-choice question
    whose right choice is 1), published unless told otherwise."""
    contest = Contest(owner=None)
    contest.texts["nl"] = ContestText(
        title=title,
        question="Welke plant?",
        choices=("Aloë", "Cactus", "Varen"),
        tiebreak="Hoeveel stekels?",
        changed=now,
    )
    contest.correct_choice = 1
    contest.opens, contest.closes = now - timedelta(hours=1), now + timedelta(days=7)
    root["contests"].add(name, contest)
    CONTEST_WORKFLOW.initialize(contest, actor=ACTOR)
    if published:
        CONTEST_WORKFLOW.transition(contest, None, "publish", actor=ACTOR)
    return contest
