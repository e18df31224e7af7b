"""The contests desk (``/{lang}/manage/contests/``) for editors and administrators
(``EDIT``): the list with each contest's phase and number of confirmed entries, a new
contest, a contest's page, and publishing or taking it back to draft (only while nobody
has entered).  Writing and previewing a contest are ``desk_edit``'s.

Editors who are not the contest's judges see counts only, never an entrant: the entries,
closing and the winners are ``judging``'s, behind ``JUDGE_CONTESTS``.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.contests import editing
from shopcms.contests.editing import EditRefused
from shopcms.contests.resources import Contest, Contests
from shopcms.contests.schemas_desk import NewContestSchema
from shopcms.contests.views.judging import judge_values
from shopcms.contests.workflow import CONTEST_WORKFLOW, DRAFT, PUBLISHED, phase_title
from shopcms.web.clock import site_timezone
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, FormView, button_form, form_view, validate
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages
from shopcms.web.notices import notice
from shopcms.web.security import EDIT, JUDGE_CONTESTS

MANAGE = {"route_name": "manage", "permission": EDIT}
#: The page of a refusal (``web.errors.refusal``).
ERROR = "shopcms.web:templates/error.pt"
PAGE = "shopcms.contests:templates/manage/contest.pt"


def title_of(contest, lang=None):
    """The contest's title in ``lang``, else in its first language, else its name."""
    text = contest.texts.get(lang) or next(iter(contest.texts.values()), None)
    return text.title if text is not None else contest.__name__


@view_config(
    context=Contests,
    request_method="GET",
    renderer="shopcms.contests:templates/manage/contests.pt",
    **MANAGE,
)
def contest_list(context, request):
    """Every contest, newest first, with its phase and number of confirmed entries."""
    found = [c for c in context.values() if isinstance(c, Contest)]
    found.sort(key=lambda contest: contest.opens or request.now, reverse=True)
    lang = request.locale_name
    return {
        "rows": [
            {
                "contest": contest,
                "title": title_of(contest, lang),
                "phase": contest.phase(request.now),
                "phase_title": phase_title(contest.phase(request.now)),
                "confirmed": contest.confirmed_count.value,
            }
            for contest in found
        ]
    }


@form_view(context=Contests, name="add", renderer="shopcms.web:templates/manage/form.pt", **MANAGE)
class AddContest(FormView):
    """A new draft contest named by its URL segment; its maker is its owner (a judge)."""

    schema = NewContestSchema
    formid = "new-contest"
    buttons = (Button("add", _("Create contest")),)

    def values(self):
        return {"heading": _("New contest")}

    def succeeded(self, appstruct):
        request = self.request
        try:
            contest = editing.create(
                self.context,
                appstruct["name"],
                request.authenticated_userid,
                registry=request.registry,
            )
        except EditRefused as exc:
            return self.refuse(exc.message, appstruct)
        lang = request.locale_name
        return HTTPSeeOther(location=request.manage_link(contest, "edit", query={"lang": lang}))


def publish_form(request, contest):
    buttons = (Button("publish", _("Publish"), css_class="primary"),)
    return button_form(request, "contest-publish", request.manage_link(contest, "publish"), buttons)


def unpublish_form(request, contest):
    buttons = (Button("unpublish", _("Back to draft"), css_class="secondary"),)
    action = request.manage_link(contest, "unpublish")
    return button_form(request, "contest-unpublish", action, buttons)


def problems(contest, langs):
    """What keeps ``contest`` from being published (translatable), empty when nothing."""
    found = []
    if not contest.texts:
        found.append(_("Write the contest in at least one language."))
    if contest.opens is None or contest.closes is None:
        found.append(_("Set the opening and closing times."))
    return found


@view_config(context=Contest, request_method="GET", renderer=PAGE, **MANAGE)
def contest_page(context, request):
    """The contest's phase, counts, languages and the actions the requester may take."""
    langs = languages(request.registry)
    forms = {}
    if context.workflow_state == DRAFT:
        forms["publish"] = publish_form(request, context).render()
    elif context.workflow_state == PUBLISHED and not len(context.entries):
        forms["unpublish"] = unpublish_form(request, context).render()
    phase = context.phase(request.now)
    values = {
        "contest": context,
        "title": title_of(context, request.locale_name),
        "phase": phase,
        "phase_title": phase_title(phase),
        "confirmed": context.confirmed_count.value,
        "texts": [
            (code, LANGUAGE_NAMES.get(code, code), context.texts.get(code)) for code in langs
        ],
        "may_edit": editing.may_edit(context),
        "problems": problems(context, langs) if context.workflow_state == DRAFT else (),
        "forms": forms,
        "timezone": site_timezone(request.registry),
        "is_judge": bool(request.has_permission(JUDGE_CONTESTS, context)),
        "judging": {},
    }
    if values["is_judge"]:
        values["judging"] = judge_values(context, request)
    return values


def _transition(request, contest, name, form, message):
    _appstruct, failed = validate(request, form)
    if failed is not None:
        return refusal(request, _("Something in the request was not right."))
    CONTEST_WORKFLOW.transition(contest, request, name)
    notice(request, message)
    return HTTPSeeOther(location=request.manage_link(contest))


@view_config(context=Contest, name="publish", request_method="POST", renderer=ERROR, **MANAGE)
def publish(context, request):
    """Publish a draft: the public sees it (scheduled, then open from its opening time)."""
    if context.workflow_state != DRAFT:
        return refusal(request, _("Only a draft can be published."))
    found = problems(context, languages(request.registry))
    if found:
        return refusal(request, found[0])
    return _transition(
        request, context, "publish", publish_form(request, context), _("The contest is published.")
    )


@view_config(context=Contest, name="unpublish", request_method="POST", renderer=ERROR, **MANAGE)
def unpublish(context, request):
    """Take a published contest back to draft, only while nobody has entered."""
    if context.workflow_state != PUBLISHED:
        return refusal(request, _("Only a published contest can go back to draft."))
    if len(context.entries):
        return refusal(
            request, _("People have entered already: the contest can no longer go back to draft.")
        )
    return _transition(
        request,
        context,
        "unpublish",
        unpublish_form(request, context),
        _("The contest is a draft again."),
    )
