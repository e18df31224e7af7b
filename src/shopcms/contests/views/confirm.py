"""Confirming an entry: ``/{lang}/contests/NAME/confirm?token=``.

The GET shows what is confirmed and one button (a GET never uses the token: link scanners
open it); the POST confirms (``entries.confirm``: the entry counts, once).  A link that
cannot be used gets a page saying why, never the button: not ours, altered, replaced or
expired (400); already followed (200, nothing changes).  A confirmation the contest refuses
(closed meanwhile, or this person or household confirmed another entry first) answers 400
and counts nothing.  The address carries a secret: no referrer leaves the page
(``secret_address``).
"""

from pyramid.view import view_config

from shopcms.contests import entries
from shopcms.contests.resources import Contest
from shopcms.contests.schemas import ButtonSchema
from shopcms.contests.views.public import TEMPLATES, public, text_of, today
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.security import VIEW

CONFIRM_FORMID = "contest-confirm"
#: The refusal of ``entries.find`` that is no problem: the link was followed already.
ALREADY_CONFIRMED = "Your entry is already confirmed."

CONFIRM = {
    "context": Contest,
    "route_name": "public",
    "name": "confirm",
    "permission": VIEW,
    "secret_address": True,
    "renderer": TEMPLATES + "confirm.pt",
}


def _message(request, contest, title, text, status=200):
    request.response.status = status
    return {"title": title, "text": text, "form": None, "contest_url": request.link(contest)}


def _found(request, contest):
    """``(entry, None)`` for a link that confirms, else ``(None, the page saying why)``."""
    secret = request.registry.settings["shopcms.secret"]
    try:
        entry = entries.find(contest, secret, request.GET.get("token", ""), request.now)
    except entries.Refused as refused:
        if refused.message == ALREADY_CONFIRMED:
            return None, _message(request, contest, _("Thank you"), refused.message)
        title = _("This link does not work")
        return None, _message(request, contest, title, refused.message, 400)
    return entry, None


def _confirm_form(request, contest):
    token = request.GET.get("token", "")
    return make_form(
        request,
        ButtonSchema,
        (Button("confirm", _("Yes, confirm my entry")),),
        CONFIRM_FORMID,
        request.link(contest, "confirm", query={"token": token}),
    )


def _title(request, contest):
    __, text = text_of(request, contest)
    return text.title if text else contest.__name__


@view_config(request_method="GET", **CONFIRM)
def confirm_page(context, request):
    contest = public(context)
    entry, answer = _found(request, contest)
    if answer is not None:
        return answer
    return {
        "title": _("Confirm your entry"),
        "text": None,
        "contest_title": _title(request, contest),
        "form": _confirm_form(request, contest).render(),
        "contest_url": request.link(contest),
    }


@view_config(request_method="POST", **CONFIRM)
def confirm(context, request):
    contest = public(context)
    entry, answer = _found(request, contest)
    if answer is not None:
        return answer
    form = _confirm_form(request, contest)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return {
            "title": _("Confirm your entry"),
            "text": None,
            "contest_title": _title(request, contest),
            "form": failed,
            "contest_url": request.link(contest),
        }
    try:
        entries.confirm(contest, entry, now=request.now, day=today(request))
    except entries.Refused as refused:
        return _message(request, contest, _("Your entry cannot count"), refused.message, 400)
    return _message(
        request,
        contest,
        _("Thank you: your entry counts"),
        _(
            "Your entry is confirmed. When the contest is closed, we mail the winners and "
            "show their first names and towns on the contest's page."
        ),
    )
