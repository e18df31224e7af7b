"""The one place a contest's texts and settings change on the desk: creating a contest,
saving one language's texts, the settings that do not depend on the language, the image.

Contracts:

- a new contest is a draft whose ``owner`` is the editor who made it (its judge, with the
  administrators: ``Contest.__acl__``); its name is its URL segment (:data:`NAME`);
- saving a language stores a new :class:`ContestText` with ``changed`` (the time given) and
  ``translation_of`` (``(lang, changed)`` of the text it was translated from, when the
  editor came from the translation board's link), so the board can tell what is outdated;
- the choices of a multiple-choice question are listed in the same order in every language,
  so a language must have as many choices as the others (:func:`check_question`); the right
  choice is stored as its index (0 for the first) and typed as its number (1 for the first);
- once somebody entered, what decides who wins (the kind of question, the right choice, the
  choices' count) no longer changes, and nothing changes once the contest is closed;
- every refusal is an :class:`EditRefused` with a translatable message, nothing changed.

There is no setting for a draw: winners come only from ``ranking``.
"""

import re

from shopcms.contests.answers import CHOICE, KINDS, TEXT
from shopcms.contests.resources import ContestText
from shopcms.contests.workflow import CONTEST_WORKFLOW, DRAFT, PUBLISHED
from shopcms.tree.content import content_types
from shopcms.web.i18n import _

#: A contest's name, its URL segment: lower-case letters, digits and hyphens.
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
#: Names a contest cannot have: the views of the contests folder.
RESERVED_NAMES = frozenset({"add"})
#: At most this many choices in a multiple-choice question.
MAX_CHOICES = 10


class EditRefused(ValueError):
    """A change that cannot be made; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def create(contests, name, owner, *, registry):
    """A new draft contest ``name`` in the folder ``contests``, owned by ``owner`` (an
    account id), or EditRefused for a name that is malformed or taken."""
    if not NAME.match(name or "") or name in RESERVED_NAMES:
        raise EditRefused(
            _("Use lower-case letters, digits and hyphens only, starting with a letter or digit.")
        )
    if name in contests:
        raise EditRefused(_("A contest with this name already exists."))
    contest = content_types(registry).create("contest", owner=owner)
    CONTEST_WORKFLOW.initialize(contest, actor=owner)
    contests.add(name, contest, registry=registry)
    return contest


def may_edit(contest):
    """Is the contest still open to changes (a draft or published, not yet closed)?"""
    return contest.workflow_state in (DRAFT, PUBLISHED)


def lines(text):
    """The non-empty lines of ``text``, stripped (choices, accepted answers)."""
    return tuple(line.strip() for line in str(text or "").splitlines() if line.strip())


def check_question(contest, lang, kind, choices, accepted, correct):
    """EditRefused unless the question of ``lang`` is complete and agrees with the other
    languages (see the module); ``correct`` is the right choice's index."""
    if kind == CHOICE:
        if len(choices) < 2:
            raise EditRefused(_("A multiple-choice question needs at least two choices."))
        if len(choices) > MAX_CHOICES:
            raise EditRefused(_("At most ${count} choices.", mapping={"count": MAX_CHOICES}))
        if not 0 <= correct < len(choices):
            raise EditRefused(_("The number of the right choice is not one of the choices."))
        for other, text in contest.texts.items():
            if other != lang and text.choices and len(text.choices) != len(choices):
                raise EditRefused(
                    _(
                        "The other languages have ${count} choices: give the same choices, "
                        "in the same order.",
                        mapping={"count": len(text.choices)},
                    )
                )
    elif not accepted:
        raise EditRefused(_("Give at least one accepted answer, one per line."))


def save(contest, lang, text, settings, *, now, translation_of=None):
    """Store the texts of ``lang`` and the language-independent ``settings`` of ``contest``.

    ``text``: ``title``, ``introduction``, ``rules``, ``question``, ``choices`` and
    ``accepted`` (one per line), ``tiebreak``, ``prizes``, ``image_alt``; ``settings``:
    ``kind``, ``correct`` (the right choice's number, 1 for the first), ``opens``,
    ``closes`` (aware), ``winners``, ``countries``.  ``translation_of``: ``(lang, changed)``
    of the text translated from, or None.  EditRefused when something does not fit (see the
    module), nothing changed.
    """
    if not may_edit(contest):
        raise EditRefused(_("A closed contest can no longer be changed."))
    kind = settings["kind"]
    if kind not in KINDS:
        raise EditRefused(_("Choose the kind of question."))
    choices = lines(text["choices"]) if kind == CHOICE else ()
    accepted = lines(text["accepted"]) if kind == TEXT else ()
    correct = int(settings["correct"] or 0) - 1 if kind == CHOICE else 0
    check_question(contest, lang, kind, choices, accepted, correct)
    if settings["closes"] <= settings["opens"]:
        raise EditRefused(_("The contest must close after it opens."))
    before = _any_choices(contest, lang)
    if len(contest.entries) and (
        kind != contest.kind
        or correct != contest.correct_choice
        or (before and len(choices) != len(before))
    ):
        raise EditRefused(
            _(
                "People have entered already: the question's kind, its choices and the "
                "right answer can no longer change."
            )
        )
    contest.texts[lang] = ContestText(
        title=text["title"],
        introduction=text["introduction"],
        rules=text["rules"],
        question=text["question"],
        choices=choices,
        accepted=accepted,
        tiebreak=text["tiebreak"],
        prizes=text["prizes"],
        image_alt=text["image_alt"],
        changed=now,
        translation_of=translation_of,
    )
    contest.kind = kind
    contest.correct_choice = correct
    contest.opens = settings["opens"]
    contest.closes = settings["closes"]
    contest.winners = int(settings["winners"])
    contest.countries = tuple(sorted(settings["countries"]))


def _any_choices(contest, lang):
    """The choices of the language saved so far (``lang``'s own, else another's)."""
    if lang in contest.texts and contest.texts[lang].choices:
        return contest.texts[lang].choices
    return next((text.choices for text in contest.texts.values() if text.choices), ())


def set_image(contest, lang, sizes):
    """Give ``lang`` the image ``sizes`` (``{size: JPEG bytes}``, already checked and
    re-encoded by ``products.api.process_image``)."""
    if not may_edit(contest):
        raise EditRefused(_("A closed contest can no longer be changed."))
    contest.images[lang] = dict(sizes)


def translation_source(contest, compare, lang):
    """``(compare, changed)`` of the text an editor translates from (the board's
    ``?compare=``), or None when there is none to record."""
    source = contest.texts.get(compare) if compare and compare != lang else None
    return (compare, source.changed) if source is not None else None
