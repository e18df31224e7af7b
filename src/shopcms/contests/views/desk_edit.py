"""Writing a contest on the desk, per language (``NAME/edit?lang=xx``; from the
translation board with ``&compare=yy``, whose text is shown beside the form and whose
translation the saving records), its preview as visitors will see it
(``NAME/preview?lang=xx``, drafts included) and its image for the preview.  Every view
needs ``EDIT``; the changes are ``editing``'s."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.contests import editing
from shopcms.contests.editing import EditRefused
from shopcms.contests.resources import Contest
from shopcms.contests.schemas_desk import contest_schema
from shopcms.contests.views.desk import MANAGE
from shopcms.contests.workflow import phase_title
from shopcms.orders import api as orders
from shopcms.products import api as products
from shopcms.web.clock import site_timezone
from shopcms.web.forms import Button, FormView, form_view, make_form
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages
from shopcms.web.layout import territories
from shopcms.web.notices import notice


def lang_param(request):
    """The language of ``?lang=``; 400 unless it is one of the site's."""
    lang = request.params.get("lang")
    if lang not in languages(request.registry):
        raise HTTPBadRequest()
    return lang


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
