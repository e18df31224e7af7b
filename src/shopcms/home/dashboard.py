"""The management dashboard (``/{lang}/manage/``): one section per role the staff member
holds, each linking to its management pages; and the ways into it without a language
(``/manage/...``) or without the final slash (``/{lang}/manage``).

Administrators also see the mail outbox (``shopcms.mail.outbox_state``):
how many mails wait, how long the oldest has waited, how many fail; a growing age means the
SMTP server or the sender is stuck.  Moderators and administrators see how many reviews
wait for moderation (``shopcms.reviews.api.queue_count``, from the catalog) and the way to
the moderation desk.  Editors see how many confirmed back-in-stock alerts wait and for
which products most (``shopcms.stockalerts.api.waiting_by_product``: counts, never who),
so that they know what customers wait for.

Every figure is a count in the catalog, as the requester may see it, written with
``ngettext``: the pages are every resource of a type that lives in the pages folder (plain
pages and policy pages alike), the products every product (hidden ones included for
editors), the orders those waiting for their payment and those ready to ship."""

from datetime import timedelta

from babel.dates import format_timedelta
from hypatia.query import Any
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from shopcms.catalog.query import index, search
from shopcms.mail import outbox_state
from shopcms.orders import api as orders
from shopcms.products import api as products
from shopcms.reviews import api as reviews
from shopcms.stockalerts import api as stockalerts
from shopcms.tree.content import content_types
from shopcms.tree.site import Site
from shopcms.web.i18n import ngettext, pick, preferred_language
from shopcms.web.security import (
    EDIT,
    MANAGE,
    MANAGE_ORDERS,
    MANAGE_USERS,
    MODERATE,
    VIEW,
    VIEW_STATISTICS,
)


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
    counts = {}
    alerts = None
    if request.has_permission(EDIT, context):
        counts["pages"] = _count(request, *_kinds_in(request, context["pages"]))
        counts["products"] = _count(request, "product")
        alerts = _alerts(request, context)
    if request.has_permission(MANAGE_USERS, context):
        counts["accounts"] = _count(request, "customer")
    if request.has_permission(MANAGE_ORDERS, context):
        counts["unpaid"], counts["to_ship"] = orders.waiting_counts(request)
    return {
        "roles": roles,
        "counts": counts,
        "texts": {name: _count_text(request, name, n) for name, n in counts.items()},
        "can_see_statistics": bool(request.has_permission(VIEW_STATISTICS, context)),
        "mail": mail,
        "reviews_waiting": waiting,
        "reviews_waiting_text": None if not waiting else _waiting_text(request, waiting),
        "alerts": alerts,
    }


#: How many products the dashboard names with their waiting alerts (the most awaited).
AWAITED = 5


def _alerts(request, site):
    """What the dashboard says of the waiting back-in-stock alerts: ``text`` (how many) and
    ``awaited``, the most awaited products as ``(title, count,
    desk link)``; None when none wait."""
    counts = stockalerts.waiting_by_product(site)
    if not counts:
        return None
    total, awaited = sum(counts.values()), []
    for pid, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:AWAITED]:
        product = products.product_by_id(site, pid)
        if product is not None:
            title = pick(product.titles, request)[1] or product.__name__
            awaited.append((title, count, request.manage_link(product, "edit")))
    text = ngettext(
        "${count} confirmed alert is waiting for its product to come back in stock.",
        "${count} confirmed alerts are waiting for their products to come back in stock.",
        total,
        request,
    )
    return {"text": text, "awaited": awaited}


def _kinds_in(request, folder):
    """The content types that live in ``folder`` (the pages folder: pages, policy pages)."""
    return [declared.name for declared in content_types(request.registry).addable(folder)]


def _count(request, *kinds):
    """How many catalogued resources of the content types ``kinds`` the requester may see."""
    return len(search(request, Any(index(request, "content_type"), list(kinds))))


def _count_text(request, name, count):
    if name == "pages":
        return ngettext("${count} page", "${count} pages", count, request)
    if name == "products":
        return ngettext("${count} product", "${count} products", count, request)
    if name == "accounts":
        return ngettext("${count} account", "${count} accounts", count, request)
    if name == "unpaid":
        return ngettext(
            "${count} order awaits its payment.",
            "${count} orders await their payment.",
            count,
            request,
        )
    return ngettext(
        "${count} order is ready to ship.", "${count} orders are ready to ship.", count, request
    )


def _waiting_text(request, count):
    return ngettext(
        "${count} review is waiting for moderation.",
        "${count} reviews are waiting for moderation.",
        count,
        request,
    )
