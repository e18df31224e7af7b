"""The editorial desk: pages, their revisions per language, publication and translation.

Thin views: they read the request, call the Page's domain methods, and render.  Every view
here needs the ``edit`` permission; what visitors see is decided by the Page alone.
"""

import colander
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.pages.editorial import board_row, diff_rows
from shopcms.pages.resources import STATUS_TITLES, Page, PageError, Pages, PolicyPage
from shopcms.pages.schemas import AddPageSchema, RevisionSchema
from shopcms.tree.resources import FolderKeyError
from shopcms.web import richtext
from shopcms.web.clock import site_timezone
from shopcms.web.errors import refusal
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import _, languages
from shopcms.web.layout import format_moment
from shopcms.web.notices import notice
from shopcms.web.security import EDIT
from shopcms.workflow import WorkflowError, WorkflowForbidden

ACTION_TITLES = {
    "created": _("Draft started"),
    "saved": _("Draft saved"),
    "published": _("Published"),
    "scheduled": _("Scheduled"),
    "withdrawn": _("Withdrawn"),
    "discarded": _("Draft discarded"),
}

_manage = {"route_name": "manage", "permission": EDIT}


def _lang(request):
    lang = request.params.get("lang")
    if lang not in languages(request.registry):
        raise HTTPBadRequest()
    return lang


def _page_url(request, page, view=""):
    return f"/{request.locale_name}/manage/pages/{page.__name__}/{view}"


def _who(request, actor):
    """An e-mail address for an account id; system actors as they are."""
    account = request.root["customers"].get(actor) if actor else None
    return account.email if account is not None else actor


def _helpers(request):
    return {
        "who": lambda actor: _who(request, actor),
        "status_titles": STATUS_TITLES,
        "languages": languages(request.registry),
    }


# -- the list and the board ---------------------------------------------------------


@view_config(context=Pages, renderer="shopcms.pages:templates/manage/pages.pt", **_manage)
def pages_list(context, request):
    now = request.now
    rows = []
    for name, page in sorted(context.items()):
        cells = []
        for lang in languages(request.registry):
            cells.append(
                {
                    "lang": lang,
                    "in_force": page.in_force(lang, now),
                    "draft": page.draft(lang),
                    "scheduled": page.scheduled(lang, now),
                }
            )
        rows.append({"name": name, "page": page, "cells": cells})
    return {"rows": rows, **_helpers(request)}


@view_config(
    context=Pages, name="board", renderer="shopcms.pages:templates/manage/board.pt", **_manage
)
def translation_board(context, request):
    langs = languages(request.registry)
    rows = [
        {"name": name, "page": page, "cells": board_row(page, langs, request.now)}
        for name, page in sorted(context.items())
    ]
    return {"rows": rows, **_helpers(request)}


@view_config(context=Pages, name="add", renderer="shopcms.web:templates/manage/form.pt", **_manage)
def add_page(context, request):
    form = make_form(request, AddPageSchema, (("add", _("Create page")),), formid="add-page")
    values = {"heading": _("New page"), "form": None, "error": None}
    if request.method != "POST":
        return {**values, "form": form.render()}
    appstruct, html = validate(request, form)
    if appstruct is None:
        return {**values, "form": html}
    kind = appstruct["kind"]
    name = kind if kind != "page" else appstruct["name"]
    if not name:
        request.response.status = 400
        return {**values, "form": form.render(appstruct), "error": _("Choose a name.")}
    try:
        context.add(name, PolicyPage(kind) if kind != "page" else Page())
    except FolderKeyError as exc:
        request.response.status = 400
        return {**values, "form": form.render(appstruct), "error": exc.message}
    lang = languages(request.registry)[0]
    return HTTPSeeOther(location=_page_url(request, context[name], f"edit?lang={lang}"))


# -- one page -------------------------------------------------------------------------


@view_config(context=Page, renderer="shopcms.pages:templates/manage/page.pt", **_manage)
def page_detail(context, request):
    now = request.now
    sections = []
    for lang in languages(request.registry):
        revisions = sorted(context.all_revisions(lang), key=lambda r: r.number, reverse=True)
        sections.append(
            {
                "lang": lang,
                "in_force": context.in_force(lang, now),
                "draft": context.draft(lang),
                "scheduled": context.scheduled(lang, now),
                "revisions": [(r, context.status(r, now)) for r in revisions],
            }
        )
    return {"page": context, "sections": sections, **_helpers(request)}


def _revision_form(request, formid="revision"):
    return make_form(
        request,
        RevisionSchema,
        (("save", _("Save draft")), ("preview", _("Preview")), ("publish", _("Publish"))),
        action=request.path_qs,
        formid=formid,
        timezone=site_timezone(request.registry),
        languages=languages(request.registry),
    )


def _edit_values(context, request, lang, form_html, preview=None, error=None):
    compare = request.params.get("compare")
    other = context.in_force(compare, request.now) if compare and compare != lang else None
    return {
        "page": context,
        "lang": lang,
        "form": form_html,
        "preview": preview,
        "error": error,
        "compare": other,
        **_helpers(request),
    }


@view_config(
    context=Page, name="edit", renderer="shopcms.pages:templates/manage/page_edit.pt", **_manage
)
def edit_page(context, request):
    """Edit the draft of one language (or start one from the text in force)."""
    lang = _lang(request)
    form = _revision_form(request)
    if request.method != "POST":
        source = context.draft(lang) or context.in_force(lang, request.now)
        appstruct = (
            {"title": source.title, "body": source.body, "note": ""} if source else colander.null
        )
        if source is not None and source.is_draft:
            appstruct["note"] = source.note
            appstruct["translates"] = source.translates or ""
        compare = request.params.get("compare")
        if source is not None and compare in languages(request.registry) and compare != lang:
            appstruct["translates"] = compare  # arriving from the translation board
        return _edit_values(context, request, lang, form.render(appstruct))

    appstruct, html = validate(request, form)
    if appstruct is None:
        return _edit_values(context, request, lang, html)
    if "preview" in request.POST:
        # Shown, not stored: a GET-like answer to a POST that writes nothing.
        preview = richtext.render(appstruct["body"])
        return _edit_values(context, request, lang, form.render(appstruct), preview=preview)

    user = request.authenticated_userid
    context.save_draft(
        lang,
        appstruct["title"],
        appstruct["body"],
        appstruct["note"],
        user,
        request.now,
        translates=appstruct["translates"] or None,
    )
    if "publish" in request.POST:
        try:
            revision = context.publish(
                lang,
                request.now,
                request=request,
                effective=appstruct["effective"],
                note=appstruct["note"],
            )
        except PageError as exc:
            request.response.status = 400  # the veto also drops the draft saved above
            return _edit_values(context, request, lang, form.render(appstruct), error=exc.message)
        if revision.effective > request.now:
            message = _(
                "Scheduled: in force from ${when}.",
                mapping={"when": format_moment(request, revision.effective)},
            )
        else:
            message = _("Published: this text is now in force.")
    else:
        message = _("Draft saved. Visitors still see the text in force.")
    notice(request, message)
    return HTTPSeeOther(location=_page_url(request, context))


@view_config(
    context=Page, name="preview", renderer="shopcms.pages:templates/manage/preview.pt", **_manage
)
def preview_draft(context, request):
    lang = _lang(request)
    draft = context.draft(lang)
    if draft is None:
        raise HTTPNotFound()
    return {"page": context, "revision": draft, **_helpers(request)}


def _action(name):
    return {"context": Page, "name": name, "request_method": "POST", **_manage}


@view_config(renderer="shopcms.web:templates/error.pt", **_action("publish"))
def publish_draft(context, request):
    lang = _lang(request)
    try:
        context.publish(lang, request.now, request=request)
    except PageError as exc:
        return refusal(request, exc.message)
    except WorkflowForbidden as exc:
        return refusal(request, exc.message, status=403)
    notice(request, _("Published: this text is now in force."))
    return HTTPSeeOther(location=_page_url(request, context))


@view_config(renderer="shopcms.web:templates/error.pt", **_action("withdraw"))
def withdraw_revision(context, request):
    lang = _lang(request)
    try:
        number = int(request.POST.get("number", ""))
        context.withdraw(lang, number, request.now, request)
    except ValueError:
        raise HTTPBadRequest() from None
    except (PageError, WorkflowError) as exc:
        return refusal(request, exc.message)
    notice(request, _("The scheduled revision is a draft again."))
    return HTTPSeeOther(location=_page_url(request, context))


@view_config(renderer="shopcms.web:templates/error.pt", **_action("discard"))
def discard_draft(context, request):
    lang = _lang(request)
    try:
        context.discard_draft(lang, request.authenticated_userid, request.now)
    except PageError as exc:
        return refusal(request, exc.message)
    notice(request, _("The draft was discarded."))
    return HTTPSeeOther(location=_page_url(request, context))


@view_config(
    context=Page, name="diff", renderer="shopcms.pages:templates/manage/diff.pt", **_manage
)
def diff(context, request):
    """Side by side: revision ``a`` and revision ``b`` of one language."""
    lang = _lang(request)
    try:
        a, b = int(request.params["a"]), int(request.params["b"])
    except (KeyError, ValueError):
        raise HTTPBadRequest() from None
    old, new = context.revision(lang, min(a, b)), context.revision(lang, max(a, b))
    if old is None or new is None:
        raise HTTPNotFound()
    title_rows = diff_rows(old.title, new.title)
    return {
        "page": context,
        "lang": lang,
        "old": old,
        "new": new,
        "rows": title_rows + diff_rows(old.body, new.body),
        **_helpers(request),
    }


@view_config(
    context=Page, name="history", renderer="shopcms.pages:templates/manage/history.pt", **_manage
)
def history(context, request):
    entries = [
        {
            "when": when,
            "who": _who(request, who),
            "lang": lang,
            "number": number,
            "action": ACTION_TITLES.get(action, action),
            "note": note,
        }
        for when, who, lang, number, action, note in reversed(context.log)
    ]
    return {"page": context, "entries": entries, **_helpers(request)}
