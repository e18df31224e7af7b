"""The rules page of a contest: made from the contest's own fields in the page's language,
plus the editable part (``ContestText.rules``), so that what the rules say is what the
contest does.

:func:`rules` returns the page's :class:`Section` list, in this order: the organiser, the
period, who may enter (18 or older, residents of the contest's countries, one entry per
person and household, no purchase and no account needed), the prizes and how many winners,
the skill question with its choices, the tie-breaker, how the winners are chosen (the six
rules of ``ranking``, as sentences, and that no draw or chance is involved) and told, the
privacy notice, then the editor's own text.  Every sentence is a translatable message; the
contest's texts (question, choices, tie-breaker, prizes) are the editor's, in the page's
language where there is one (``web.i18n.pick``).  The sections come translated: the
template shows them as they are.

Nothing here can describe a draw: the ranking has no chance in it and no contest field
configures one.
"""

from dataclasses import dataclass, field, replace

from babel.dates import format_time

from shopcms.contests.answers import CHOICE
from shopcms.contests.entries import KEPT_AFTER
from shopcms.contests.resources import MINIMUM_AGE
from shopcms.web import richtext
from shopcms.web.clock import site_timezone
from shopcms.web.i18n import _, ngettext, pick
from shopcms.web.layout import format_moment, territories

#: The organiser, as the terms and the privacy statement name it.
ORGANISER = "onto object bvba"
BRAND = "Soft Cactus"
CONTACT = "info@softcactus.be"

#: How the winners are chosen: the rules of ``ranking``'s docstring, one sentence each.
CHOOSING = (
    _(
        "Only confirmed entries count, one per person and per household. An entry that we "
        "disqualify (for a reason we record, such as a second entry under another name) is "
        "left out, and the entries after it move up."
    ),
    _("Only entries with the right answer to the question take part in the ranking."),
    _(
        "They are ranked by how far their estimate is from the true answer to the "
        "tie-breaker question, closest first; an estimate under or over the true answer "
        "counts the same."
    ),
    _("At the same distance, the entry confirmed first ranks first."),
    _("At the same distance and confirmation time, the entry sent first ranks first."),
    _("Entries still equal share the place; when they share a winning place, each of them wins."),
)
NO_DRAW = _(
    "Nothing is left to chance: there is no draw. The winners are chosen only by their "
    "answers, by these rules."
)
NO_PURCHASE = _("No purchase is needed to take part, and no account: taking part is free.")


@dataclass(frozen=True)
class Section:
    """A part of the rules: a ``heading``, ``paragraphs`` (messages or the editor's text),
    ``items`` (a list), ``numbered`` (an ordered list), ``html`` (the editor's sanitised
    text) and a ``link`` ``(url, title)``."""

    heading: object
    paragraphs: tuple = ()
    items: tuple = ()
    numbered: bool = False
    html: str = ""
    link: tuple | None = None
    slug: str = field(default="")


def _countries(request, contest):
    names = territories(request.locale_name)
    return ", ".join(names.get(code, code) for code in contest.countries)


def moment_text(request, moment):
    """``moment`` as a day and a time in the shop's time zone and the page's language
    ("5 december 2026, 18:00"), or "" for none."""
    if moment is None:
        return ""
    day = format_moment(request, moment, "long", date_only=True)
    local = moment.astimezone(site_timezone(request.registry))
    return f"{day}, {format_time(local, 'short', locale=request.locale_name)}"


def rules(request, contest):
    """The rules of ``contest`` in the request's language (see the module)."""
    __, text = pick(contest.texts, request)
    zone = str(site_timezone(request.registry))
    days = KEPT_AFTER.days
    sections = [
        Section(
            _("Organiser"),
            (
                _(
                    "This contest is organised by ${organiser}, which runs the web shop "
                    "${brand} (softcactus.be). You can reach us at ${contact}.",
                    mapping={"organiser": ORGANISER, "brand": BRAND, "contact": CONTACT},
                ),
            ),
            slug="organiser",
        ),
        Section(
            _("Period"),
            (
                _(
                    "You can enter from ${opens} until ${closes} (time in ${zone}).",
                    mapping={
                        "opens": moment_text(request, contest.opens),
                        "closes": moment_text(request, contest.closes),
                        "zone": zone,
                    },
                ),
                _("An entry confirmed after the closing time does not count."),
            ),
            slug="period",
        ),
        Section(
            _("Who may take part"),
            items=(
                _(
                    "Anyone aged ${age} or older who lives in: ${countries}.",
                    mapping={"age": MINIMUM_AGE, "countries": _countries(request, contest)},
                ),
                _("One entry per person and per household (one postal address)."),
                NO_PURCHASE,
                _("Your entry counts once you have confirmed it through the link we mail you."),
            ),
            slug="who",
        ),
        Section(
            _("Prizes"),
            tuple(p for p in (text.prizes if text else "").split("\n\n") if p.strip())
            + (
                ngettext(
                    "There is ${count} winner.",
                    "There are ${count} winners.",
                    contest.winners,
                    request,
                ),
            ),
            slug="prizes",
        ),
        _question(request, contest, text),
        Section(
            _("The tie-breaker question"),
            (
                text.tiebreak if text else "",
                _(
                    "Answer with a whole number. We fix the true answer when the contest "
                    "closes; it decides between the right answers."
                ),
            ),
            slug="tiebreak",
        ),
        Section(
            _("How the winners are chosen"),
            items=CHOOSING,
            numbered=True,
            paragraphs=(NO_DRAW,),
            slug="choosing",
        ),
        Section(
            _("How the winners are told"),
            (
                _(
                    "We mail the winners at the address they entered with, in the language "
                    "they entered in."
                ),
                _(
                    "Once the winners are confirmed, this contest's page shows each winner's "
                    "first name, the initial of their last name and their town. Nothing else "
                    "about any entrant is published."
                ),
            ),
            slug="told",
        ),
        Section(
            _("Your data"),
            (
                _(
                    "What we keep: your name, postal address and email address, your answers "
                    "and when you entered and confirmed."
                ),
                _(
                    "Why: to run this contest (you ask to take part), to check that each "
                    "person and household enters once, and to choose and tell the winners "
                    "and deliver their prizes. If you tick the newsletter box, the newsletter "
                    "asks you to confirm it separately."
                ),
                _(
                    "How long: until ${days} days after the winners are announced; a "
                    "winner's name and delivery address until ${days} days after their prize "
                    "is delivered. After that only counts are left, which say nothing about "
                    "who took part.",
                    mapping={"days": days},
                ),
            ),
            link=(request.link(None, "privacy"), _("Our privacy statement")),
            slug="privacy",
        ),
    ]
    if text is not None and text.rules.strip():
        sections.append(Section(_("Other rules"), html=richtext.render(text.rules), slug="more"))
    return [_translated(request, section) for section in sections]


def _text(request, value):
    """A message translated into the page's language; the editor's text as it is (never
    looked up in the catalog)."""
    if hasattr(value, "interpolate"):
        return request.localizer.translate(value)
    return value


def _translated(request, section):
    """``section`` with every message in it translated, and without empty paragraphs."""
    link = section.link
    return replace(
        section,
        heading=_text(request, section.heading),
        paragraphs=tuple(_text(request, p) for p in section.paragraphs if p),
        items=tuple(_text(request, item) for item in section.items if item),
        link=(link[0], _text(request, link[1])) if link else None,
    )


def _question(request, contest, text):
    """The skill question, its choices, and how an answer is checked."""
    question = text.question if text else ""
    if contest.kind == CHOICE:
        return Section(
            _("The question"),
            (question, _("Choose one of these answers; one of them is right:")),
            items=tuple(text.choices if text else ()),
            slug="question",
        )
    return Section(
        _("The question"),
        (
            question,
            _("Answer in a few words. Capitals, accents, punctuation and spaces do not matter."),
        ),
        slug="question",
    )
