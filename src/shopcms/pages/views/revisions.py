"""Revisions of a page in one language: writing the draft (save, preview, publish now or
later), publishing, discarding and withdrawing, and comparing two revisions side by side.

Thin views: the Page's methods hold the rules (one draft per language, published text never
changes, only a scheduled revision can be withdrawn); these views read the forms, call them,
say what happened and go back to the page.
"""

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.pages import placeholders
from shopcms.pages.editorial import revision_diff, starting_text
from shopcms.pages.resources import Page, PageError
from shopcms.pages.schemas import LivePreviewSchema, RevisionSchema
from shopcms.pages.urls import desk_url
from shopcms.pages.views.common import (
    MANAGE,
    compare_form,
    discard_form,
    field_error,
    helpers,
    lang_param,
    publish_form,
    submitted,
    withdraw_form,
)
from shopcms.web import richtext
from shopcms.web.clock import site_timezone
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, FormView, form_view, validate
from shopcms.web.i18n import _, languages
from shopcms.web.layout import format_moment
from shopcms.web.notices import notice
from shopcms.workflow import WorkflowError, WorkflowForbidden


@view_config(context=Page, name="live-preview", request_method="POST", **MANAGE)
def live_preview(context, request):
    """The editor's preview as one types (``web/static/markdown-editor.js``): the Markdown
    of the POST's ``body`` as the site renders it, sanitised by ``web.richtext``, as an HTML
    fragment.  Writes nothing; the CSRF token is checked like every POST's."""
    schema = LivePreviewSchema().bind(request=request)
    try:
        body = schema.deserialize(dict(request.POST.items()))["body"]
    except colander.Invalid:
        message = request.localizer.translate(_("This text cannot be previewed."))
        return Response(message, status=400, content_type="text/plain", charset="utf-8")
    html = placeholders.shown(request, richtext.render(body))
    return Response(html, content_type="text/html", charset="utf-8")


@form_view(
    context=Page, name="edit", renderer="shopcms.pages:templates/manage/page_edit.pt", **MANAGE
)
class EditRevision(FormView):
    """Edit the draft of one language (or start one from the text in force).

    ``?lang=`` names the language; ``?compare=`` (from the translation board) shows the
    text in force in that language beside the form and marks the draft as its translation.
    """

    schema = RevisionSchema
    formid = "revision"
    buttons = (
        Button("save", _("Save draft"), css_class="secondary"),
        Button("preview", _("Preview"), css_class="secondary"),
        Button("publish", _("Publish"), css_class="primary"),
    )

    def __init__(self, context, request):
        super().__init__(context, request)
        self.lang = lang_param(request)
        compare = request.params.get("compare")
        self.compare = compare if compare in languages(request.registry) else None

    @property
    def bind(self):
        registry = self.request.registry
        return {"timezone": site_timezone(registry), "languages": languages(registry)}

    def appstruct(self):
        return starting_text(self.context, self.lang, self.request.now, self.compare)

    def values(self):
        other = None
        if self.compare and self.compare != self.lang:
            other = self.context.in_force(self.compare, self.request.now)
        return {
            "page": self.context,
            "lang": self.lang,
            "preview": None,
            "compare": other,
            "live_preview": self.request.manage_link(self.context, "live-preview"),
            **helpers(self.request),
        }

    def succeeded(self, appstruct):
        request, page = self.request, self.context
        if "preview" in request.POST:
            # Shown, not stored: a GET-like answer to a POST that writes nothing.
            preview = placeholders.shown(request, richtext.render(appstruct["body"]))
            return self.page(self.form.render(appstruct), preview=preview)
        page.save_draft(
            self.lang,
            appstruct["title"],
            appstruct["body"],
            appstruct["note"],
            request.authenticated_userid,
            request.now,
            translates=appstruct["translates"] or None,
            description=appstruct["description"],
        )
        if "publish" not in request.POST:
            notice(request, _("Draft saved. Visitors still see the text in force."))
            return HTTPSeeOther(location=desk_url(request, page))
        try:
            revision = page.publish(
                self.lang,
                request.now,
                request=request,
                effective=appstruct["effective"],
                note=appstruct["note"],
            )
        except PageError as exc:
            # The draft just saved is there to publish: the time is what is wrong.  The
            # 400 vetoes the transaction, which also drops that draft.
            field_error(self.form, "effective", exc.message)
            request.response.status = 400
            return self.page(self.form.render(appstruct))
        if revision.effective > request.now:
            message = _(
                "Scheduled: in force from ${when}.",
                mapping={"when": format_moment(request, revision.effective)},
            )
        else:
            message = _("Published: this text is now in force.")
        notice(request, message)
        return HTTPSeeOther(location=desk_url(request, page))


def _action(name):
    return {
        "context": Page,
        "name": name,
        "request_method": "POST",
        "renderer": ERROR_TEMPLATE,
        **MANAGE,
    }


@view_config(**_action("publish"))
def publish_draft(context, request):
    lang = submitted(request, publish_form(request, context))["lang"]
    try:
        context.publish(lang, request.now, request=request)
    except PageError as exc:
        return refusal(request, exc.message)
    except WorkflowForbidden as exc:
        return refusal(request, exc.message, status=403)
    notice(request, _("Published: this text is now in force."))
    return HTTPSeeOther(location=desk_url(request, context))


@view_config(**_action("withdraw"))
def withdraw_revision(context, request):
    appstruct = submitted(request, withdraw_form(request, context))
    try:
        context.withdraw(appstruct["lang"], appstruct["number"], request.now, request)
    except (PageError, WorkflowError) as exc:
        return refusal(request, exc.message)
    notice(request, _("The scheduled revision is a draft again."))
    return HTTPSeeOther(location=desk_url(request, context))


@view_config(**_action("discard"))
def discard_draft(context, request):
    lang = submitted(request, discard_form(request, context))["lang"]
    try:
        context.discard_draft(lang, request.authenticated_userid, request.now)
    except PageError as exc:
        return refusal(request, exc.message)
    notice(request, _("The draft was discarded."))
    return HTTPSeeOther(location=desk_url(request, context))


@view_config(context=Page, name="diff", renderer="shopcms.pages:templates/manage/diff.pt", **MANAGE)
def diff(context, request):
    """Side by side: revisions ``a`` and ``b`` of one language, the older on the left.

    A number that is not a revision of the language answers 400 with the form to choose
    again."""
    lang = lang_param(request)
    form = compare_form(request, context, lang)
    values = {"page": context, "lang": lang, "rows": None, **helpers(request)}
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return {**values, "form": failed}
    a, b = appstruct["a"], appstruct["b"]
    old, new = context.revision(lang, min(a, b)), context.revision(lang, max(a, b))
    return {
        **values,
        "form": form.render(appstruct),
        "old": old,
        "new": new,
        "rows": revision_diff(old, new),
    }
