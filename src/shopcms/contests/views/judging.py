"""The judges' desk of a contest (``JUDGE_CONTESTS``: administrators and the contest's
owner; other editors get 403): closing it with the tie-breaker's true value
(``NAME/close``, a POST), the ranking with the reason for each place (``NAME/ranking``),
disqualifying an entry with a reason and requalifying it, confirming the winners (their
mails are queued), announcing them, and marking a prize delivered.  The work is
``closing``'s; each action is one POST, one transaction; a refusal answers 400 with why.
A GET never changes anything (closing is never a GET)."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.contests import closing, ranking
from shopcms.contests.answers import answer_text
from shopcms.contests.entries import Refused
from shopcms.contests.resources import Contest
from shopcms.contests.schemas_desk import CloseSchema, DisqualifySchema, EntrySchema
from shopcms.contests.workflow import CLOSED, CONFIRMED, ENDED, PUBLISHED
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, button_form, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import JUDGE_CONTESTS

JUDGE = {"route_name": "manage", "permission": JUDGE_CONTESTS}
#: The page of a refusal (``web.errors.refusal``).
ERROR = "shopcms.web:templates/error.pt"
RANKING = "shopcms.contests:templates/manage/ranking.pt"
FORM = "shopcms.web:templates/manage/form.pt"


def reason_text(place, true_value):
    """Why ``place`` has its place, in words (a TranslationString)."""
    mapping = {"distance": place.distance, "true_value": true_value}
    if place.reason == ranking.CLOSER:
        return _("closer estimate: ${distance} from ${true_value}", mapping=mapping)
    if place.reason == ranking.EARLIER_CONFIRMED:
        return _("same distance, confirmed earlier")
    if place.reason == ranking.EARLIER_SENT:
        return _("same distance and confirmation time, sent earlier")
    if place.reason == ranking.SHARED:
        return _("shares the place")
    if place.reason == ranking.LAST:
        return _("last ranked: ${distance} from ${true_value}", mapping=mapping)
    if place.reason == ranking.WRONG:
        return _("wrong answer")
    return _("disqualified: ${reason}", mapping={"reason": place.entry.disqualified[0]})


def close_form(request, contest):
    return make_form(
        request,
        CloseSchema,
        (Button("close", _("Close the contest"), css_class="primary"),),
        "contest-close",
        request.manage_link(contest, "close"),
    )


def _entry_form(request, contest, name, schema, title, key):
    # Repeated per entry: the formid names the entry, so no two fields share an id.
    return make_form(
        request,
        schema,
        (Button(name, title, css_class="toggle"),),
        f"{name}-{key}" if key else name,
        request.manage_link(contest, name),
        css_class="inline",
    )


def disqualify_form(request, contest, key=""):
    return _entry_form(request, contest, "disqualify", DisqualifySchema, _("Disqualify"), key)


def requalify_form(request, contest, key=""):
    return _entry_form(request, contest, "requalify", EntrySchema, _("Requalify"), key)


def delivered_form(request, contest, key=""):
    return _entry_form(request, contest, "delivered", EntrySchema, _("Prize delivered"), key)


def confirm_form(request, contest):
    buttons = (Button("confirm", _("Confirm the winners"), css_class="primary"),)
    action = request.manage_link(contest, "confirm-winners")
    return button_form(request, "contest-confirm-winners", action, buttons)


def announce_form(request, contest):
    buttons = (Button("announce", _("Announce the winners"), css_class="primary"),)
    action = request.manage_link(contest, "announce")
    return button_form(request, "contest-announce", action, buttons)


def judge_values(contest, request):
    """The judges' part of the contest's page: the closing form once the contest ended,
    and the way to the ranking."""
    phase = contest.phase(request.now)
    values = {"entries": len(contest.entries), "close": None}
    if phase == ENDED:
        values["close"] = close_form(request, contest).render()
    values["closes_later"] = phase != ENDED and contest.workflow_state == PUBLISHED
    values["ranked"] = contest.true_value is not None
    return values


def _rendered(request, contest, make, key):
    """The form of ``make`` for the entry ``key``."""
    return make(request, contest, key).render({"key": key})


@view_config(context=Contest, name="ranking", request_method="GET", renderer=RANKING, **JUDGE)
def ranking_page(context, request):
    """Every confirmed entry: its place and why, or why it is left out; the actions the
    contest's state allows."""
    if context.true_value is None:
        return refusal(request, _("Close the contest first: the ranking needs the true value."))
    rows = []
    for place in ranking.rank(context):
        key = place.entry.key
        forms = {}
        if context.workflow_state == CLOSED:
            if place.reason == ranking.DISQUALIFIED:
                forms["requalify"] = _rendered(request, context, requalify_form, key)
            elif place.number is not None:
                forms["disqualify"] = _rendered(request, context, disqualify_form, key)
        if key in context.winner_keys and place.entry.prize_delivered is None:
            forms["delivered"] = _rendered(request, context, delivered_form, key)
        rows.append(
            {
                "place": place,
                "entry": place.entry,
                "answer": answer_text(context, place.entry),
                "reason": reason_text(place, context.true_value),
                "winner": key in context.winner_keys,
                "forms": forms,
            }
        )
    actions = {}
    if context.workflow_state == CLOSED:
        actions["confirm"] = confirm_form(request, context).render()
    if context.workflow_state == CONFIRMED:
        actions["announce"] = announce_form(request, context).render()
    return {"contest": context, "rows": rows, "actions": actions}


def _done(request, contest, message, view="ranking"):
    notice(request, message)
    return HTTPSeeOther(location=request.manage_link(contest, view))


def _act(request, contest, form, action, done, invalid=None):
    """One judge's POST: validate ``form``, call ``action(appstruct)`` (a ``closing``
    service), and say ``done``; a request that does not validate is refused with
    ``invalid``, a ``Refused`` with its own message (400 both, nothing written)."""
    appstruct, __ = validate(request, form)
    if appstruct is None:
        return refusal(request, invalid or _("Something in the request was not right."))
    try:
        action(appstruct)
    except Refused as exc:
        return refusal(request, exc.message)
    return _done(request, contest, done)


@view_config(context=Contest, name="close", request_method="POST", renderer=FORM, **JUDGE)
def close(context, request):
    """Close the contest with the tie-breaker's true value (refused before its closing
    time, with why); a missing or wrong value answers 400 with the form and its message."""
    appstruct, failed = validate(request, close_form(request, context))
    if appstruct is None:
        return {"heading": _("Close the contest"), "form": failed, "error": None}
    try:
        closing.close(context, appstruct["true_value"], request.now, request=request)
    except Refused as exc:
        return refusal(request, exc.message)
    return _done(request, context, _("The contest is closed. Check the ranking."))


@view_config(context=Contest, name="disqualify", request_method="POST", renderer=ERROR, **JUDGE)
def disqualify(context, request):
    """Put an entry out of the ranking with a required reason; the next one moves up."""
    return _act(
        request,
        context,
        disqualify_form(request, context),
        lambda values: closing.disqualify(
            context, values["key"], values["reason"], request.authenticated_userid, request.now
        ),
        _("The entry is disqualified."),
        invalid=_("Give the reason for the disqualification."),
    )


@view_config(context=Contest, name="requalify", request_method="POST", renderer=ERROR, **JUDGE)
def requalify(context, request):
    return _act(
        request,
        context,
        requalify_form(request, context),
        lambda values: closing.requalify(context, values["key"]),
        _("The entry is back in the ranking."),
    )


@view_config(
    context=Contest, name="confirm-winners", request_method="POST", renderer=ERROR, **JUDGE
)
def confirm_winners(context, request):
    """Fix the winners and queue their mails."""
    return _act(
        request,
        context,
        confirm_form(request, context),
        lambda values: closing.confirm_winners(context, request.registry, request=request),
        _("The winners are confirmed; their mails are on their way."),
    )


@view_config(context=Contest, name="announce", request_method="POST", renderer=ERROR, **JUDGE)
def announce(context, request):
    """Show the winners (first name, initial, town) on the public page."""
    return _act(
        request,
        context,
        announce_form(request, context),
        lambda values: closing.announce(context, request.now, request=request),
        _("The winners are announced on the contest page."),
    )


@view_config(context=Contest, name="delivered", request_method="POST", renderer=ERROR, **JUDGE)
def delivered(context, request):
    return _act(
        request,
        context,
        delivered_form(request, context),
        lambda values: closing.delivered(context, values["key"], request.now),
        _("The prize is marked as delivered."),
    )
