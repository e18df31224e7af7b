"""Test contests for the desk and closing tests, made directly through the model (the
public entry form is another module's): a contest in any state, its texts, and confirmed
entries at chosen times."""

from dataclasses import replace
from datetime import timedelta

from shopcms.contests import editing, entries
from shopcms.contests.resources import ContestText
from shopcms.contests.workflow import CONTEST_WORKFLOW
from shopcms.web.clock import now
from tests.conftest import PASSWORD, login

EDITOR = "editor@example.be"
OTHER_EDITOR = "other-editor@example.be"

TEXTS = {
    "nl": ContestText(
        title="Cactuswedstrijd",
        introduction="Raad en win een cactus.",
        question="Uit welk werelddeel komen cactussen?",
        choices=("Afrika", "Amerika", "Azië"),
        tiebreak="Hoeveel deelnemingen krijgen we?",
        prizes="Een grote cactus",
    ),
    "fr": ContestText(
        title="Concours cactus",
        introduction="Devinez et gagnez un cactus.",
        question="De quel continent viennent les cactus ?",
        choices=("Afrique", "Amérique", "Asie"),
        tiebreak="Combien de participations recevrons-nous ?",
        prizes="Un grand cactus",
    ),
}


def editor(site, app, email=EDITOR):
    """Log ``app`` in as an editor (made if needed); returns the account id."""

    def known(root):
        account = root["customers"].find(email)
        return account.__name__ if account is not None else None

    uid = site.read(known) or site.add_account(email, roles=("editor",))
    login(app, email, PASSWORD)
    return uid


def make_contest(
    site,
    name="cactus",
    *,
    owner=None,
    published=True,
    opens=-10,
    closes=-1,
    winners=1,
    langs=("nl", "fr"),
):
    """A contest ``name`` owned by ``owner``: choices, the second (Amerika) right; it
    opens and closes ``opens``/``closes`` days from now; published unless told."""
    with site.edit() as root:
        contest = editing.create(root["contests"], name, owner, registry=site.registry)
        at = now(site.registry)
        for lang in langs:
            contest.texts[lang] = replace(TEXTS[lang], changed=at)
        contest.kind = "choice"
        contest.correct_choice = 1
        contest.opens = at + timedelta(days=opens)
        contest.closes = at + timedelta(days=closes)
        contest.winners = winners
        if published:
            CONTEST_WORKFLOW.transition(contest, None, "publish", actor="test")
    return name


def add_entry(
    site,
    contest_name,
    person,
    *,
    answer="1",
    estimate=100,
    minute=0,
    lang="nl",
    city="Gent",
    email=None,
    street=None,
):
    """A confirmed entry of ``person`` (a full name), sent and confirmed ``minute``
    minutes after the contest opened; returns its key."""
    email = email or f"{person.split()[0].lower()}.{minute}@example.be"
    with site.edit() as root:
        contest = root["contests"][contest_name]
        when = contest.opens + timedelta(minutes=minute)
        details = {
            "name": person,
            "street": street or f"Kerkstraat {minute + 1}",
            "postcode": "9000",
            "city": city,
            "country": "BE",
            "email": email,
            "answer": answer,
            "estimate": estimate,
        }
        entry = entries.enter(
            contest, details, email_key=email.lower(), lang=lang, tag="", now=when, day=when.date()
        )
        entries.confirm(contest, entry, now=when + timedelta(seconds=30), day=when.date())
        return entry.key


def contest_of(site, name="cactus"):
    """The contest ``name``, loaded with its texts, images, history and entries, for a test
    to read after the transaction (the connection is closed then)."""

    def read(root):
        contest = root["contests"][name]
        for part in (contest, contest.texts, contest.images, contest.workflow_history):
            part._p_activate()
        for entry in contest.entries.values():
            entry._p_activate()
        return contest

    return site.read(read)
