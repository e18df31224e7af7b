"""What the views of the editorial desk share: their view options, the language they act
on, the helpers every desk template gets, and the small forms on a page's languages.

Every view of the desk needs the ``edit`` permission and lives under ``/{lang}/manage/``.
"""

import colander
from pyramid.httpexceptions import HTTPBadRequest

from shopcms.pages.content import shown_note
from shopcms.pages.resources import STATUS_TITLES
from shopcms.pages.schemas import CompareSchema, LanguageActionSchema, WithdrawSchema
from shopcms.pages.urls import desk_url, page_url
from shopcms.web.actors import who
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _, languages
from shopcms.web.security import EDIT

#: The view options of every desk view.
MANAGE = {"route_name": "manage", "permission": EDIT}


def lang_param(request):
    """The language named by the ``lang`` parameter; 400 unless it is one of the site's."""
    lang = request.params.get("lang")
    if lang not in languages(request.registry):
        raise HTTPBadRequest()
    return lang


def helpers(request):
    """What every desk template gets besides its own values."""
    return {
        "who": lambda actor: who(request, actor),  # shopcms.web.actors
        "note": shown_note,
        "status_titles": STATUS_TITLES,
        "languages": languages(request.registry),
        "public_url": lambda page, *elements, **kw: page_url(request, page, *elements, **kw),
        "desk_url": lambda page, *elements, **kw: desk_url(request, page, *elements, **kw),
    }


def field_error(form, name, message):
    """Mark the field ``name`` of the validated ``form`` with ``message``: valid input the
    page cannot honour (a taken name, a time in the past) is shown at its field, in the
    error summary too."""
    error = colander.Invalid(form.schema)
    error[name] = message
    form.widget.handle_error(form, error)


# -- the forms on a page's languages ---------------------------------------------------
# Each is repeated per language (and per scheduled revision), so its formid names them.


def publish_form(request, page, lang=""):
    """Publish the draft of ``lang`` now."""
    return make_form(
        request,
        LanguageActionSchema,
        (Button("publish", _("Publish now"), css_class="primary"),),
        f"publish-{lang}",
        request.manage_link(page, "publish"),
        css_class="inline",
        languages=languages(request.registry),
    )


def discard_form(request, page, lang=""):
    """Discard the draft of ``lang``."""
    return make_form(
        request,
        LanguageActionSchema,
        (Button("discard", _("Discard draft"), css_class="danger"),),
        f"discard-{lang}",
        request.manage_link(page, "discard"),
        css_class="inline",
        languages=languages(request.registry),
    )


def withdraw_form(request, page, lang="", number=""):
    """Take the scheduled revision ``number`` of ``lang`` back to draft."""
    return make_form(
        request,
        WithdrawSchema,
        (Button("withdraw", _("Withdraw"), css_class="danger"),),
        f"withdraw-{lang}-{number}",
        request.manage_link(page, "withdraw"),
        css_class="inline",
        languages=languages(request.registry),
    )


def compare_form(request, page, lang):
    """Choose two revisions of ``lang`` to see side by side (a GET form on the diff)."""
    numbers = sorted((r.number for r in page.all_revisions(lang)), reverse=True)
    return make_form(
        request,
        CompareSchema,
        (Button("show", _("Show differences"), css_class="secondary"),),
        f"compare-{lang}",
        request.manage_link(page, "diff"),
        method="GET",
        css_class="revisions",
        languages=languages(request.registry),
        numbers=numbers,
    )


def submitted(request, form):
    """The appstruct of a posted button form (hidden fields only); 400 when it was
    tampered with, as there is no field to mark."""
    appstruct, failed = validate(request, form)
    if appstruct is None:
        raise HTTPBadRequest()
    return appstruct
