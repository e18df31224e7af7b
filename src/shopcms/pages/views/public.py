"""Pages for visitors: the revision in force, its earlier versions, the cookie table.

URLs: policy pages at ``/{lang}/KIND`` (``/nl/privacy``), plain pages at
``/{lang}/pages/NAME``; each with ``…/versions`` (the published versions) and
``…/versions/N`` (one version, at a stable URL).  Drafts and scheduled revisions are never
shown here.

Every one of these pages is shared (``shared=True``, ``shopcms.web.sharing``): it is the same
for every visitor (a page's ACL lets everybody view it; only published text in force shows),
so the page cache keeps it; what differs per visitor is in the layout's personal parts.  A
visitor without cookies gets a validator (ETag: the page's state, the text shown, the
language) and a 304 when the browser holds that version; a GET writes nothing.  A page
with a version scheduled to take effect names that moment (:data:`CHANGES_AT`) for the
page cache: the database does not change then (``views.shown``).
"""

from pyramid.httpexceptions import HTTPMovedPermanently, HTTPNotFound
from pyramid.view import view_config

from shopcms.findability.api import describe
from shopcms.pages.content import shown_note
from shopcms.pages.resources import COOKIE_TABLE_MARKER, POLICY_KINDS, Page, PolicyPage
from shopcms.pages.urls import page_url
from shopcms.pages.views.shown import CHANGES_AT, next_change, shown_text
from shopcms.tree.site import Site
from shopcms.web.cookies import get_cookie_registry, lifetime_text
from shopcms.web.etags import not_modified
from shopcms.web.i18n import languages
from shopcms.web.layout import format_moments
from shopcms.web.security import VIEW
from shopcms.web.sharing import carries_no_state

PAGE_TEMPLATE = "shopcms.pages:templates/page.pt"
VERSIONS_TEMPLATE = "shopcms.pages:templates/page_versions.pt"


def cookie_rows(request):
    """The cookie policy's table, straight from the cookie registry."""
    return [
        {
            "name": cookie.name,
            "purpose": cookie.purpose,
            "category": cookie.category.title,
            "lifetime": lifetime_text(cookie, request),
        }
        for cookie in get_cookie_registry(request.registry)
    ]


def _urls(request, page):
    """``url(*elements)`` in the templates: the page's public URLs."""
    return lambda *elements: page_url(request, page, *elements)


def in_force_languages(page, request):
    """The languages in which ``page`` has a text in force (hreflang names only those)."""
    return [lang for lang in languages(request.registry) if page.in_force(lang, request.now)]


def version_languages(page, number, request):
    """The languages whose ``…/versions/NUMBER`` answers 200: those with a text in force
    that have a published version ``number`` (numbers are counted per language)."""
    return [
        lang
        for lang in in_force_languages(page, request)
        if any(r.number == number for r in page.published(lang, request.now))
    ]


def describe_revision(request, revision, description=None):
    """The head of a page: its title and meta description (the editor's, else the start
    of its text); a text shown in another language is canonical in that language."""
    if description is None:
        description = shown_text(request, revision)[1]
    describe(
        request,
        title=revision.title,
        text=description,
        kind="article",
        canonical_lang=revision.lang,
    )


def revision_values(page, revision, request, current):
    """What page.pt needs to show ``revision`` of ``page``."""
    html, description = shown_text(request, revision)
    before, marker, after = html.partition(COOKIE_TABLE_MARKER)
    with_table = page.kind == "cookies"
    if with_table and not marker:
        before, after = html, ""
    # Its date as the versions list writes it: with the time when another shares its day.
    published = page.published(revision.lang, request.now)
    moments = format_moments(request, [r.effective for r in published])
    dates = dict(zip(published, moments, strict=True))
    describe_revision(request, revision, description)
    return {
        "page": page,
        "revision": revision,
        "version_date": dates.get(revision) or format_moments(request, [revision.effective])[0],
        "title": revision.title,
        "content_lang": revision.lang,
        "html_before": before,
        "html_after": after,
        "cookies": cookie_rows(request) if with_table else None,
        "url": _urls(request, page),
        "current": current,
    }


def shown_revision(page, request):
    order = [lang for lang in languages(request.registry) if lang != request.locale_name]
    revision = page.shown(request.locale_name, order, request.now)
    if revision is None:
        raise HTTPNotFound()
    return revision


def _not_modified(request, page, parts, shown, alternates):
    """A 304 for a visitor without cookies whose browser holds this version of the page,
    else None (and the ETag set).  What the page shows follows from these: the page's
    record (any publication changes its ``modified``), the text in force shown (a scheduled
    one taking effect changes it), the languages with a text in force, the address."""
    if not carries_no_state(request):
        return None
    return not_modified(
        request,
        "page",
        page.__name__,
        page.modified.isoformat(),
        request.locale_name,
        *parts,
        shown.id,
        shown.effective.isoformat(),
        tuple(alternates),
    )


def render_page(page, request, parts):
    """Dispatch ``…``, ``…/versions`` and ``…/versions/N`` of ``page``.

    hreflang names only the languages in which the same address answers 200: those with a
    text in force, and for ``…/versions/N`` those of them that have a version N."""
    if parts and (parts[0] != "versions" or len(parts) > 2):
        raise HTTPNotFound()
    shown = shown_revision(page, request)
    if len(parts) == 2:
        try:
            number = int(parts[1])
        except ValueError:
            raise HTTPNotFound() from None
        revision = page.revision(shown.lang, number)
        if revision is None or revision not in page.published(shown.lang, request.now):
            raise HTTPNotFound()
        alternates = version_languages(page, number, request)
    else:
        revision = shown
        alternates = in_force_languages(page, request)
    cached = _not_modified(request, page, parts, shown, alternates)
    if cached is not None:
        return cached
    changes_at = next_change(page, request)
    if changes_at is not None:
        request.environ[CHANGES_AT] = changes_at
    request.shopcms_alternate_languages = alternates
    if len(parts) != 1:
        return revision_values(page, revision, request, current=revision is shown)
    request.override_renderer = VERSIONS_TEMPLATE
    describe_revision(request, shown)
    return {
        "page": page,
        "title": shown.title,
        "content_lang": shown.lang,
        "versions": page.published(shown.lang, request.now),
        "in_force": shown,
        "note": shown_note,
        "url": _urls(request, page),
    }


_public = {"route_name": "public", "permission": VIEW, "renderer": PAGE_TEMPLATE, "shared": True}


def _policy_view(context, request):
    page = context["pages"].get(request.view_name)
    if not isinstance(page, PolicyPage) or not request.has_permission(VIEW, page):
        raise HTTPNotFound()
    return render_page(page, request, request.subpath)


for _kind in POLICY_KINDS:
    view_config(context=Site, name=_kind, **_public)(_policy_view)


@view_config(context=Page, **_public)
@view_config(context=Page, name="versions", **_public)
def page_view(context, request):
    """A plain page; a policy page reached under /pages/ moves to its short URL, with what
    followed it (``…/versions/N`` stays that version)."""
    parts = (request.view_name, *request.subpath) if request.view_name else ()
    if isinstance(context, PolicyPage):
        raise HTTPMovedPermanently(location=page_url(request, context, *parts))
    return render_page(context, request, parts)
