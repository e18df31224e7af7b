"""The editorial desk: the list of pages, a new page, and one page with its languages,
the preview of a draft and its history.

Thin views: they read the request, call the pages' domain functions (``editorial``) and
methods (``resources``), and render.  Every view here needs the ``edit`` permission; what
visitors see is decided by the Page alone.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.pages import placeholders
from shopcms.pages.editorial import desk_rows, history_entries, language_sections
from shopcms.pages.resources import Page, PageError, Pages
from shopcms.pages.schemas import AddPageSchema
from shopcms.pages.views.common import (
    MANAGE,
    compare_form,
    discard_form,
    field_error,
    helpers,
    lang_param,
    publish_form,
    who,
    withdraw_form,
)
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _, languages


@view_config(context=Pages, renderer="shopcms.pages:templates/manage/pages.pt", **MANAGE)
def pages_list(context, request):
    rows = desk_rows(context, languages(request.registry), request.now)
    return {"pages": context, "rows": rows, **helpers(request)}


@form_view(context=Pages, name="add", renderer="shopcms.web:templates/manage/form.pt", **MANAGE)
class AddPage(FormView):
    """A new page; the editor goes on to write its first language."""

    schema = AddPageSchema
    formid = "add-page"
    buttons = (Button("add", _("Create page")),)

    def values(self):
        return {"heading": _("New page")}

    def succeeded(self, appstruct):
        kind = appstruct["kind"]
        try:
            page = self.context.add_page(kind, appstruct["name"])
        except PageError as exc:
            # A policy page is named for its kind: then the kind is what is taken.
            field_error(self.form, "name" if kind == "page" else "kind", exc.message)
            self.request.response.status = 400
            return self.page(self.form.render(appstruct))
        lang = languages(self.request.registry)[0]
        return HTTPSeeOther(location=self.request.manage_link(page, "edit", query={"lang": lang}))


def _section_forms(request, page, section):
    """The rendered forms of one language's section of the page."""
    lang, revisions = section["lang"], section["revisions"]
    forms = {"publish": None, "discard": None, "compare": None}
    if section["draft"] is not None:
        forms["publish"] = publish_form(request, page, lang).render({"lang": lang})
        forms["discard"] = discard_form(request, page, lang).render({"lang": lang})
    forms["withdraw"] = {
        revision.number: withdraw_form(request, page, lang, revision.number).render(
            {"lang": lang, "number": revision.number}
        )
        for revision in section["scheduled"]
    }
    if len(revisions) > 1:
        newest, previous = revisions[0][0].number, revisions[1][0].number
        forms["compare"] = compare_form(request, page, lang).render(
            {"lang": lang, "a": previous, "b": newest}
        )
    return forms


@view_config(context=Page, renderer="shopcms.pages:templates/manage/page.pt", **MANAGE)
def page_detail(context, request):
    sections = language_sections(context, languages(request.registry), request.now)
    for section in sections:
        section["forms"] = _section_forms(request, context, section)
    return {"page": context, "sections": sections, **helpers(request)}


@view_config(
    context=Page, name="preview", renderer="shopcms.pages:templates/manage/preview.pt", **MANAGE
)
def preview_draft(context, request):
    draft = context.draft(lang_param(request))
    if draft is None:
        raise HTTPNotFound()
    html = placeholders.shown(request, draft.html)
    return {"page": context, "revision": draft, "html": html, **helpers(request)}


@view_config(
    context=Page, name="history", renderer="shopcms.pages:templates/manage/history.pt", **MANAGE
)
def history(context, request):
    entries = [{**entry, "who": who(request, entry["who"])} for entry in history_entries(context)]
    return {"page": context, "entries": entries, **helpers(request)}
