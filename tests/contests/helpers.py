"""What the contests' page tests share: a published, open contest made through the model."""

import datetime

from shopcms.contests.resources import Contest, ContestText
from shopcms.contests.workflow import CONTEST_WORKFLOW
from shopcms.web.clock import now

TEXTS = {
    "nl": ContestText(
        title="Hoeveel naalden?",
        introduction="Raad hoeveel naalden onze cactus heeft.",
        question="Welke cactus heeft geen naalden?",
        choices=("Opuntia", "Echinocactus", "Astrophytum asterias"),
        accepted=("Sint-Niklaas",),
        tiebreak="Hoeveel naalden telt de cactus in de etalage?",
        prizes="Een Echinocactus van 40 cm.",
        rules="Het prijzenpakket is niet inwisselbaar voor geld.",
    ),
    "fr": ContestText(
        title="Combien d'aiguilles ?",
        introduction="Devinez combien d'aiguilles a notre cactus.",
        question="Quel cactus n'a pas d'aiguilles ?",
        choices=("Opuntia", "Echinocactus", "Astrophytum asterias"),
        accepted=("Saint-Nicolas",),
        tiebreak="Combien d'aiguilles compte le cactus de la vitrine ?",
        prizes="Un Echinocactus de 40 cm.",
    ),
    "en": ContestText(
        title="How many needles?",
        introduction="Guess how many needles our cactus has.",
        question="Which cactus has no needles?",
        choices=("Opuntia", "Echinocactus", "Astrophytum asterias"),
        accepted=("Saint Nicholas",),
        tiebreak="How many needles has the cactus in the shop window?",
        prizes="An Echinocactus of 40 cm.",
    ),
}


def make_contest(site, name="needles", *, kind="choice", state="published", **fields):
    """A contest ``name`` with the nl, fr and en :data:`TEXTS`, open from a day ago for a
    week (``opens``, ``closes``), for residents of Belgium and the Netherlands, right
    answer choice 2; ``state`` ``published`` (through the workflow) or ``draft``;
    ``fields`` set other attributes.  Returns ``name``."""
    when = now(site.registry)
    with site.edit() as root:
        contest = Contest(owner="editor")
        CONTEST_WORKFLOW.initialize(contest, actor="editor")
        contest.texts.update(TEXTS)
        contest.kind = kind
        contest.correct_choice = 2
        contest.countries = ("BE", "NL")
        contest.opens = when - datetime.timedelta(days=1)
        contest.closes = when + datetime.timedelta(days=7)
        for attribute, value in fields.items():
            setattr(contest, attribute, value)
        root["contests"].add(name, contest, registry=site.registry)
        if state == "published":
            CONTEST_WORKFLOW.transition(contest, None, "publish", actor="editor")
    return name


def contest_of(site, name="needles"):
    """Read ``func(contest)``-style: the stored contest's counts, for assertions."""

    def read(root):
        contest = root["contests"][name]
        return {
            "confirmed": contest.confirmed_count(),
            "entries": len(contest.entries),
            "started": sum(c.started() for c in contest.response.values()),
            "confirmed_response": sum(c.confirmed() for c in contest.response.values()),
            "response": {
                key: (c.views(), c.started(), c.confirmed()) for key, c in contest.response.items()
            },
        }

    return site.read(read)
