"""The contests desk (``/{lang}/manage/contests/``) for editors and administrators
(``EDIT``): the list with each contest's phase and number of confirmed entries, a new
contest, a contest's page, writing it per language (``NAME/edit?lang=xx``, from the
translation board with ``&compare=yy``), its preview as visitors will see it
(``NAME/preview?lang=xx``, drafts included), its image for the preview, and publishing or
taking it back to draft (only while nobody has entered).

Editors who are not the contest's judges see counts only, never an entrant: the entries,
closing and the winners are ``judging``'s, behind ``JUDGE_CONTESTS``.
"""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.contests import editing
from shopcms.contests.editing import EditRefused
from shopcms.contests.resources import Contest, Contests
from shopcms.contests.schemas_desk import NewContestSchema, contest_schema
from shopcms.contests.views.judging import judge_values
from shopcms.contests.workflow import CONTEST_WORKFLOW, DRAFT, PUBLISHED, phase_title
from shopcms.orders import api as orders
from shopcms.products import api as products
from shopcms.web.clock import site_timezone
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, FormView, button_form, form_view, make_form, validate
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages
from shopcms.web.layout import territories
from shopcms.web.notices import notice
from shopcms.web.security import EDIT, JUDGE_CONTESTS

MANAGE = {"route_name": "manage", "permission": EDIT}
#: The page of a refusal (``web.errors.refusal``).
ERROR = "shopcms.web:templates/error.pt"
PAGE = "shopcms.contests:templates/manage/contest.pt"


def lang_param(request):
    """The language of ``?lang=``; 400 unless it is one of the site's."""
    lang = request.params.get("lang")
    if lang not in languages(request.registry):
        raise HTTPBadRequest()
    return lang


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
    buttons = (Button("publish", _("Publish"), css_class="btn-primary"),)
    return button_form(request, "contest-publish", request.manage_link(contest, "publish"), buttons)


def unpublish_form(request, contest):
    buttons = (Button("unpublish", _("Back to draft"), css_class="toggle"),)
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


def country_choices(request):
    """``[(code, name)]`` of the countries an entrant may live in, in the editor's language."""
    names = territories(request.locale_name)
    return sorted(((code, names.get(code, code)) for code in orders.COUNTRIES), key=lambda c: c[1])


@form_view(
    context=Contest,
    name="edit",
    renderer="shopcms.contests:templates/manage/contest_edit.pt",
    **MANAGE,
)
class EditContest(FormView):
    """The texts of ``?lang=`` and the settings of every language (see ``editing``);
    ``?compare=yy`` shows the text of ``yy`` beside the form and records the translation."""

    formid = "contest"
    buttons = (Button("save", _("Save")),)

    def make(self):
        self.lang = lang_param(self.request)
        return make_form(
            self.request,
            contest_schema,
            self.buttons,
            self.formid,
            self.request.path_qs,
            timezone=site_timezone(self.request.registry),
            countries=country_choices(self.request),
            # The upload is handled in the POST that sends it: a store for this request.
            tmpstore=products.UploadStore(),
        )

    def compare(self):
        compare = self.request.params.get("compare")
        return compare if compare in self.context.texts and compare != self.lang else None

    def appstruct(self):
        contest = self.context
        values = {
            "kind": contest.kind,
            "correct": contest.correct_choice + 1 if contest.kind == "choice" else 0,
            "winners": contest.winners,
            "countries": set(contest.countries),
        }
        if contest.opens is not None:
            values["opens"] = contest.opens
        if contest.closes is not None:
            values["closes"] = contest.closes
        text = contest.texts.get(self.lang)
        if text is not None:
            values.update(
                {
                    name: getattr(text, name)
                    for name in (
                        "title",
                        "introduction",
                        "rules",
                        "question",
                        "tiebreak",
                        "prizes",
                        "image_alt",
                    )
                }
            )
            values["choices"] = "\n".join(text.choices)
            values["accepted"] = "\n".join(text.accepted)
        elif (source := contest.texts.get(self.compare() or "")) is not None:
            # A new translation starts from the choices' count of the other language.
            values["choices"] = "\n".join(source.choices)
        return values

    def values(self):
        compare = self.compare()
        error = None
        if not editing.may_edit(self.context):
            error = _("A closed contest can no longer be changed.")
        return {
            "contest": self.context,
            "lang": self.lang,
            "language": LANGUAGE_NAMES.get(self.lang, self.lang),
            "compare": compare,
            "source": self.context.texts.get(compare) if compare else None,
            "has_image": self.lang in self.context.images,
            "error": error,
        }

    def succeeded(self, appstruct):
        request, contest, lang = self.request, self.context, self.lang
        upload = appstruct.pop("image", None)
        try:
            sizes = None
            if upload:
                sizes, _dimensions = products.process_image(products.read_image(upload["fp"]))
            editing.save(
                contest,
                lang,
                appstruct,
                appstruct,
                now=request.now,
                translation_of=editing.translation_source(contest, self.compare(), lang),
            )
            if sizes is not None:
                editing.set_image(contest, lang, sizes)
        except products.ImageRejected as exc:
            return self.refuse(exc.message, appstruct)
        except EditRefused as exc:
            return self.refuse(exc.message, appstruct)
        notice(request, _("The contest was saved."))
        return HTTPSeeOther(location=request.manage_link(contest))


@view_config(
    context=Contest,
    name="preview",
    request_method="GET",
    renderer="shopcms.contests:templates/manage/preview.pt",
    **MANAGE,
)
def preview(context, request):
    """The contest's public page in ``?lang=`` as visitors will see it, drafts included
    (entrants are never shown: the announcement lists only the public lines)."""
    lang = lang_param(request)
    langs = languages(request.registry)
    return {
        "contest": context,
        "lang": lang,
        "text": context.texts.get(lang),
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in langs],
        "phase_title": phase_title(context.phase(request.now)),
        "timezone": site_timezone(request.registry),
        "image": (
            request.manage_link(context, "image", query={"lang": lang})
            if lang in context.images
            else None
        ),
    }


@view_config(context=Contest, name="image", request_method="GET", **MANAGE)
def image(context, request):
    """The image of ``?lang=`` (large), for the preview; 404 when there is none."""
    sizes = context.images.get(lang_param(request))
    if not sizes:
        raise HTTPNotFound()
    response = request.response
    response.content_type = "image/jpeg"
    response.body = sizes["large"]
    return response


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
