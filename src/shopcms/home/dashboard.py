"""The management dashboard (``/{lang}/manage/``): one section per role the staff member
holds, each linking to its management pages; and the ways into it without a language
(``/manage/...``) or without the final slash (``/{lang}/manage``).

Administrators also see the mail outbox (``shopcms.mail.outbox_state``):
how many mails wait, how long the oldest has waited, how many fail; a growing age means the
SMTP server or the sender is stuck.  Moderators and administrators see how many reviews
wait for moderation (``shopcms.reviews.api.queue_count``, from the catalog) and the way to
the moderation desk."""

from datetime import timedelta

from babel.dates import format_timedelta
from hypatia.query import Eq
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from shopcms.catalog.query import index, search
from shopcms.mail import outbox_state
from shopcms.reviews import api as reviews
from shopcms.tree.site import Site
from shopcms.web.i18n import ngettext, preferred_language
from shopcms.web.security import MANAGE, MODERATE, VIEW, VIEW_STATISTICS


@view_config(route_name="manage_redirect", permission=VIEW)
def manage_redirect(request):
    """``/manage/…`` -> ``/{lang}/manage/…`` in the visitor's language, with the same
    final slash and query string."""
    rest = [segment for segment in request.matchdict["rest"] if segment]
    location = request.manage_link(
        None,
        *rest,
        lang=preferred_language(request),
        query=list(request.GET.items()) or None,
        slash=True if not rest else request.path.endswith("/"),
    )
    return HTTPFound(location=location)


@view_config(route_name="manage_slash", permission=VIEW)
def manage_slash(request):
    """``/{lang}/manage`` -> ``/{lang}/manage/``: the dashboard."""
    return HTTPFound(location=request.manage_link(lang=request.matchdict["lang"]))


@view_config(
    context=Site,
    route_name="manage",
    permission=MANAGE,
    renderer="shopcms.home:templates/dashboard.pt",
)
def dashboard(context, request):
    roles = request.identity.roles
    mail = None
    if "admin" in roles:
        mail = outbox_state(context)
        mail["oldest"] = format_timedelta(
            timedelta(seconds=mail["oldest_age_seconds"]), locale=request.locale_name
        )
    waiting = None
    if request.has_permission(MODERATE, context):
        waiting = reviews.queue_count(request)
    pages = search(request, Eq(index(request, "content_type"), "page"))
    return {
        "roles": roles,
        "page_count": len(pages),
        "account_count": len(search(request, Eq(index(request, "content_type"), "customer"))),
        "product_count": len(search(request, Eq(index(request, "content_type"), "product"))),
        "can_see_statistics": bool(request.has_permission(VIEW_STATISTICS, context)),
        "mail": mail,
        "reviews_waiting": waiting,
        "reviews_waiting_text": None if not waiting else _waiting_text(request, waiting),
    }


def _waiting_text(request, count):
    return ngettext(
        "${count} review is waiting for moderation.",
        "${count} reviews are waiting for moderation.",
        count,
        request,
    )
