"""Pages: plain pages at ``/{lang}/pages/NAME`` and the policy pages at ``/{lang}/NAME``."""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ...i18n import pick
from ...resources.pages import Page
from ...resources.site import Site
from ...security import VIEW


def page_values(page, request):
    lang, title = pick(page.titles, request)
    _body_lang, body = pick(page.bodies, request)
    return {
        "page": page,
        "title": title,
        "content_lang": lang,
        "paragraphs": page.paragraphs(body),
    }


@view_config(
    context=Page, route_name="public", permission=VIEW, renderer="shopcms:templates/page.pt"
)
def page_view(context, request):
    return page_values(context, request)


_policy = {
    "context": Site,
    "route_name": "public",
    "permission": VIEW,
    "renderer": "shopcms:templates/page.pt",
}


@view_config(name="privacy", **_policy)
@view_config(name="cookies", **_policy)
@view_config(name="terms", **_policy)
def policy_view(context, request):
    """A policy page by its short URL (``/nl/privacy``); 404 when it does not exist yet."""
    page = context["pages"].get(request.view_name)
    if page is None or not request.has_permission(VIEW, page):
        raise HTTPNotFound()
    return page_values(page, request)
