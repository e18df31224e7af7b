"""What the contests' page tests share: a published, open contest made through the model."""

import datetime
import re

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


def counts(site, name="needles"):
    """The stored contest's counts: confirmed (``confirmed_count``), entries kept, and the
    response's sums and rows ``(tag, day) -> (views, started, confirmed)``."""

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


#: What a person types into the entry form (``address`` fields flattened).
ENTRANT = {
    "name": "Anna de Smet",
    "street": "Kerkstraat 5",
    "postcode": "9000",
    "city": "Gent",
    "country": "BE",
    "email": "anna@example.be",
    "answer": "2",
    "estimate": "1240",
}
CONFIRM_LINK = re.compile(
    r"https?://[^/\s]+(/(?:nl|fr|en)/contests/[a-z0-9-]+/confirm\?token=[^\s\"<]+)"
)


def entry_form(app, lang="nl", name="needles", tag=None):
    """The entry form of contest ``name``'s page in ``lang`` (from a link tagged ``tag``)."""
    query = f"?c={tag}" if tag else ""
    return app.get(f"/{lang}/contests/{name}{query}").forms["contest-entry"]


def enter(app, lang="nl", name="needles", tag=None, status=303, newsletter=False, **typed):
    """Fill in and send the entry form as a person does: :data:`ENTRANT` with ``typed``
    instead, both boxes ticked; returns the response."""
    form = entry_form(app, lang, name, tag)
    for field, value in {**ENTRANT, **typed}.items():
        if field == "answer" and "answer" not in form.fields:
            field = "contest-entry-answer"  # radio buttons: deform names them by their id
        form[field] = value
    form["adult"] = True
    form["rules"] = True
    form["newsletter"] = newsletter
    return form.submit("enter", status=status)


def confirm_links(messages, address):
    """The confirmation links (paths) in the plain text of the ``(to, message)`` pairs
    ``messages`` sent to ``address``."""
    links = []
    for to, message in messages:
        if address in to:
            links += CONFIRM_LINK.findall(message.get_body(("plain",)).get_content())
    return links


def confirm(app, path, status=200):
    """Follow a mailed link ``path`` and press the button; returns the response."""
    page = app.get(path)
    return page.forms["contest-confirm"].submit("confirm", status=status)
