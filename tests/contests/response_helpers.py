"""Contests made directly through the model for the response tests, and a stand-in for the
public contest page (``pyramid.includes``: ``tests.contests.response_helpers``).

The stand-in does what the public page does for the response: a GET counts the view with
``response.count_view`` and shows a form carrying the campaign tag as ``c``; its POSTs
enter and confirm through ``entries`` (as the page and its confirmation link do).  It has
names of its own (``test-contest-*``) so that it never collides with the real page.
"""

from datetime import timedelta
from html import escape

from pyramid.csrf import get_csrf_token
from pyramid.response import Response

from shopcms.contests import entries, response, tokens
from shopcms.contests.resources import Contest, ContestText
from shopcms.contests.workflow import CONTEST_WORKFLOW
from shopcms.newsletter.api import normalise_address
from shopcms.web.security import VIEW

ACTOR = "system:test"
INCLUDES = "tests.web.testviews tests.contests.response_helpers"


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


# -- the stand-in for the public page -----------------------------------------------------


def page(context, request):
    response.count_view(request, context, request.GET.get("c"))
    token = escape(get_csrf_token(request))
    tag = escape(request.GET.get("c", ""))
    return Response(
        f'<form method="post"><input type="hidden" name="csrf_token" value="{token}">'
        f'<input type="hidden" name="c" value="{tag}"></form>'
    )


def enter(context, request):
    form = request.POST
    details = {key: form[key] for key in ("name", "street", "postcode", "city", "email")}
    details.update(country="BE", answer="1", estimate=int(form["estimate"]))
    try:
        entry = entries.enter(
            context,
            details,
            email_key=normalise_address(details["email"]),
            lang="nl",
            tag=entries.clean_tag(context, form.get("c")),
            now=request.now,
            day=response.today(request),
        )
    except entries.Refused as refused:
        return Response(str(refused), status=409)
    secret = request.registry.settings["shopcms.secret"]
    return Response(tokens.confirm_token(secret, context, entry, request.now))


def confirm(context, request):
    secret = request.registry.settings["shopcms.secret"]
    try:
        entry = entries.find(context, secret, request.POST["token"], request.now)
        entries.confirm(context, entry, now=request.now, day=response.today(request))
    except entries.Refused as refused:
        return Response(str(refused), status=409)
    return Response("confirmed")


def includeme(config):
    common = {"context": Contest, "route_name": "public", "permission": VIEW}
    config.add_view(page, name="test-contest-page", request_method="GET", **common)
    config.add_view(enter, name="test-contest-enter", request_method="POST", **common)
    config.add_view(confirm, name="test-contest-confirm", request_method="POST", **common)
