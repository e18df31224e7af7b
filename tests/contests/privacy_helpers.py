"""Contests made directly through the model, for the privacy tests: a contest with entries
whose every personal value is a unique marker, taken through closing, the winners and the
announcement as the desk does it (``entries`` and the workflow with ``request=None``).

Also a clock for ``shopcms retention`` run as cron runs it: an ini whose
``pyramid.includes`` names this module gets a clock ``tests.clock.days`` days ahead of the
real time (the command's registry is its own: the test site's clock cannot reach it).
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shopcms.contests import entries
from shopcms.contests.resources import Contest, ContestText
from shopcms.contests.workflow import CONTEST_WORKFLOW
from shopcms.newsletter.api import normalise_address
from tests.cli.test_cli_import_payments import write_ini
from tests.web.testviews import TestClock

ACTOR = "system:test"
#: The question's right choice (the number of the choice, from 0) and the tie-breaker.
RIGHT, WRONG = "1", "0"
TRUE_VALUE = 500
#: The campaign tag of the planted entries' links.
TAG = "instagram-may"


@dataclass
class Entrant:
    """One planted entrant: the entry's key and every personal value it holds."""

    key: str
    first: str
    last: str
    street: str
    city: str
    email: str
    winner: bool = False

    @property
    def name(self):
        return f"{self.first} {self.last}"

    @property
    def markers(self):
        """Every personal value of the entry (the email also as its normalised key)."""
        return [self.first, self.last, self.street, self.city, self.email]

    @property
    def private_markers(self):
        """What the public announcement never shows: the last name, street and email."""
        return [self.last, self.street, self.email]


@dataclass
class Planted:
    name: str  # the contest's
    entrants: list = field(default_factory=list)

    @property
    def winners(self):
        return [e for e in self.entrants if e.winner]

    @property
    def others(self):
        return [e for e in self.entrants if not e.winner]


def new_contest(root, name, *, opens, closes, winners=1, owner=None):
    """A published contest in ``root["contests"]`` (nl and fr texts, a multiple-choice
    question whose right choice is :data:`RIGHT`), open from ``opens`` to ``closes``."""
    contest = Contest(owner=owner)
    for lang, title in (("nl", "Raad de stekels"), ("fr", "Devinez les épines")):
        contest.texts[lang] = ContestText(
            title=title,
            question={"nl": "Welke plant?", "fr": "Quelle plante ?"}[lang],
            choices=("Aloë", "Cactus", "Varen"),
            tiebreak={"nl": "Hoeveel stekels?", "fr": "Combien d'épines ?"}[lang],
            changed=opens,
        )
    contest.kind = "choice"
    contest.correct_choice = int(RIGHT)
    contest.opens, contest.closes, contest.winners = opens, closes, winners
    root["contests"].add(name, contest)
    CONTEST_WORKFLOW.initialize(contest, actor=ACTOR)
    CONTEST_WORKFLOW.transition(contest, None, "publish", actor=ACTOR)
    return contest


def marker(kind, tag):
    return f"zq{kind}{tag}"


def enter(contest, when, *, answer=RIGHT, estimate=TRUE_VALUE, confirm=True, lang="nl", email=None):
    """A new entry of ``contest`` sent at ``when`` (and confirmed a minute later), every
    personal value a unique marker (``email``: this address instead); returns its
    :class:`Entrant`."""
    tag = secrets.token_hex(5)
    email = email or f"{marker('mail', tag)}@example.be"
    details = {
        "name": f"{marker('first', tag)} {marker('last', tag)}",
        "street": f"{marker('street', tag)} 5",
        "postcode": "9000",
        "city": marker("city", tag),
        "country": "BE",
        "email": email,
        "answer": answer,
        "estimate": estimate,
    }
    day = when.date()
    entry = entries.enter(
        contest,
        details,
        email_key=normalise_address(email),
        lang=lang,
        tag=entries.clean_tag(contest, TAG),
        now=when,
        day=day,
    )
    if confirm:
        entries.confirm(contest, entry, now=when + timedelta(minutes=1), day=day)
    return Entrant(
        entry.key,
        marker("first", tag),
        marker("last", tag),
        details["street"],
        details["city"],
        email,
    )


def close_and_announce(contest, when, true_value=TRUE_VALUE):
    """Close ``contest`` with ``true_value``, confirm the winners and announce them at
    ``when``, as the desk does; returns the winners' entry keys."""
    entries.close(contest, true_value)
    CONTEST_WORKFLOW.transition(contest, None, "close", actor=ACTOR)
    found = entries.confirm_winners(contest)
    CONTEST_WORKFLOW.transition(contest, None, "confirm", actor=ACTOR)
    entries.announce(contest, when)
    CONTEST_WORKFLOW.transition(contest, None, "announce", actor=ACTOR)
    return [entry.key for entry in found]


def announced_contest(site, name="cactus", *, winners=2, losers=3, wrong=1, when=None, emails=()):
    """A contest announced at ``when`` (default now): ``winners`` entries closest to the
    true value, ``losers`` further away, ``wrong`` with the wrong answer, the first ones
    made with ``emails``; returns :class:`Planted` (the winners marked)."""
    when = when or datetime.now(UTC)
    opens, closes = when - timedelta(days=20), when - timedelta(days=2)
    planted = Planted(name)
    with site.edit() as root:
        contest = new_contest(root, name, opens=opens, closes=closes, winners=winners)
        sent = opens + timedelta(days=1)
        given = list(emails)
        for offset in range(winners + losers):
            estimate = TRUE_VALUE + offset  # the first ``winners`` are closest
            email = given.pop(0) if given else None
            planted.entrants.append(
                enter(contest, sent + timedelta(hours=offset), estimate=estimate, email=email)
            )
        for offset in range(wrong):
            planted.entrants.append(
                enter(contest, sent + timedelta(days=1, hours=offset), answer=WRONG)
            )
        keys = close_and_announce(contest, when)
    for entrant in planted.entrants:
        entrant.winner = entrant.key in keys
    assert len(planted.winners) == winners
    return planted


def public_lines(planted):
    """The announcement's lines of the planted winners, in their order."""
    return [(f"{e.first} {e.last[0].upper()}.", e.city) for e in planted.winners]


def found_in_file(path, strings):
    """The ``strings`` present anywhere in the database file ``path``: every record, every
    earlier revision still in it, every transaction's metadata (read as raw bytes)."""
    data = path.read_bytes()
    return sorted(s for s in strings if s.encode("utf-8") in data)


def retention_ini(tmp_path, days):
    """An ini for ``shopcms retention`` on the test site's database, its clock ``days``
    ahead, packing away all history (``shopcms.retention.history_days = 0``)."""
    path = write_ini(tmp_path / f"retention-{days}.ini", tmp_path)
    with open(path, "a") as out:
        out.write("pyramid.includes = tests.contests.privacy_helpers\n")
        out.write(f"tests.clock.days = {days}\n")
        out.write("shopcms.retention.history_days = 0\n")
    return path


def includeme(config):
    """The clock of :func:`retention_ini` (see the module)."""
    clock = TestClock()
    clock.advance(days=float(config.get_settings().get("tests.clock.days", 0)))
    config.registry.shopcms_clock = clock
