"""Contests as content: the site's ``contests`` folder and each contest with its entries.

::

    Site/contests/               Contests
      <name>                     Contest: texts per language, the question, the period,
                                 its entries (attribute, never traversable), the response

A contest's texts are one :class:`ContestText` per language (title, introduction, the
editable part of the rules, the question with its choices or accepted answers, the
tie-breaker question, the prizes), each recording when it changed and which language it
was translated from (the translation board reads that).  What does not depend on the
language is on the contest: the kind of question and the right choice, the period, the
number of winners, the countries whose residents may enter, the tie-breaker's true value
(filled in at closing).  There is no field for a draw: winners come only from the ranking
of ``ranking``.

Entries (:class:`Entry`) live in ``contest.entries``, keyed by time (microseconds, then
random digits), with two indexes of the *confirmed* entries: ``by_email`` (the normalised
address) and ``by_postal`` (``postal.postal_key``), which refuse a second entry of one
person or household.  An entry changes only through ``entries``.

The response (``response``) is counts only: ``(tag, day)`` -> :class:`Counts` (page views,
entries started, entries confirmed), never who.  ``public_winners`` is the announcement
(first name, initial and town of each winner): it stays after the purge, when the entries
are gone.

The ACL: editors and administrators manage every contest (the site's ACL); the contest adds
``JUDGE_CONTESTS`` for its owner (the editor who made it); the public sees a contest once it
is published (``VIEW``), never a draft.
"""

import secrets
import time
from dataclasses import dataclass, field

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from pyramid.authorization import DENY_ALL, Allow, Everyone

from shopcms.contests.workflow import DRAFT, ENDED, OPEN, PUBLIC, PUBLISHED, SCHEDULED
from shopcms.tree.resources import Content, Folder
from shopcms.web import security

#: Who may enter: adults only (the rules say so; the form asks it).
MINIMUM_AGE = 18
#: Where entrants may live unless the editor chooses otherwise.
DEFAULT_COUNTRIES = ("BE",)


def new_key():
    """A time-ordered, unique key: microseconds since the epoch, then 4 random hex."""
    return f"{time.time_ns() // 1000:017d}{secrets.token_hex(2)}"


@dataclass(frozen=True)
class ContestText:
    """A contest's texts in one language (immutable: an edit stores a new one).

    ``choices``: the multiple-choice answers, in the same order in every language;
    ``accepted``: the accepted answers of a short-answer question; ``changed``: when this
    text was saved; ``translation_of``: ``(lang, changed)`` of the text it was translated
    from, or None for a text written in its own right.
    """

    title: str
    introduction: str = ""
    rules: str = ""
    question: str = ""
    choices: tuple = ()
    accepted: tuple = ()
    tiebreak: str = ""
    prizes: str = ""
    image_alt: str = ""
    changed: object = None
    translation_of: tuple | None = None


@dataclass(eq=False)
class Entry(Persistent):
    """One entry (see the module).  ``answer`` is a choice's number as text or the words
    typed; ``estimate`` the tie-breaker's whole number; ``confirmed`` is None until the
    mailed link was followed; ``disqualified`` ``(reason, who, when)`` once staff put it out
    of the ranking; ``prize_delivered`` when a winner's prize was delivered."""

    key: str
    name: str
    street: str
    postcode: str
    city: str
    country: str
    email: str
    email_key: str
    postal_key: str
    lang: str
    answer: str
    estimate: int
    created: object
    tag: str = ""
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    confirmed: object = None
    disqualified: tuple | None = None
    prize_delivered: object = None


class Counts(Persistent):
    """One tag's counts of one day.  Each is a ``BTrees.Length``, whose concurrent
    increments merge instead of conflicting."""

    def __init__(self):
        self.views = Length()
        self.started = Length()
        self.confirmed = Length()


class Contest(Content):
    """A contest (see the module).  Change it through ``editing`` and ``entries``."""

    content_type = "contest"
    true_value = None  # the tie-breaker's answer, filled in at closing
    announced = None  # when the winners were announced
    purged = None  # when the entrants' data went
    winner_keys = ()  # the confirmed winners' entry keys (``confirm``)
    public_winners = ()  # ("Anna S.", "Gent") of each announced winner

    def __init__(self, *, owner=None):
        super().__init__()
        self.owner = owner
        self.texts = PersistentMapping()
        self.images = PersistentMapping()  # lang -> {size: JPEG bytes}
        self.kind = "choice"
        self.correct_choice = 0
        self.opens = None
        self.closes = None
        self.winners = 1
        self.countries = DEFAULT_COUNTRIES
        self.entries = OOBTree()
        self.by_email = OOBTree()
        self.by_postal = OOBTree()
        self.confirmed_count = Length()
        self.response = OOBTree()

    @property
    def __acl__(self):
        acl = []
        if self.workflow_state in PUBLIC:
            acl.append((Allow, Everyone, security.VIEW))
        if self.owner:
            acl.append((Allow, security.user_principal(self.owner), (security.JUDGE_CONTESTS,)))
        editors = security.role_principal(security.EDITOR)
        admins = security.role_principal(security.ADMIN)
        acl.append((Allow, editors, (security.VIEW, security.MANAGE, security.EDIT)))
        judge = (security.VIEW, security.MANAGE, security.EDIT, security.JUDGE_CONTESTS)
        acl.append((Allow, admins, judge))
        return [*acl, DENY_ALL]

    def phase(self, now):
        """The workflow state, or for a published contest the phase its period gives:
        ``scheduled`` (before ``opens``), ``open``, ``ended`` (after ``closes``)."""
        state = self.workflow_state
        if state != PUBLISHED:
            return state
        if self.opens is None or now < self.opens:
            return SCHEDULED
        if self.closes is None or now < self.closes:
            return OPEN
        return ENDED

    def is_open(self, now):
        """May one enter now?"""
        return self.phase(now) == OPEN

    @property
    def is_draft(self):
        return self.workflow_state == DRAFT

    def confirmed_entries(self):
        """The confirmed entries, oldest first."""
        return [entry for entry in self.entries.values() if entry.confirmed is not None]


class Contests(Folder):
    """The site's ``contests`` folder: one :class:`Contest` per name."""

    content_type = "contests"
