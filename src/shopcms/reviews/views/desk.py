"""The moderation desk's queue (``/{lang}/manage/reviews/``) and its bulk action.

Every view needs ``moderate`` (moderators and administrators).  The queue is one page of
``queries.queue`` (the catalog; oldest first, 25 a page), filtered by a GET form
(``?state=&product=&rating=&language=&older_than=``, ``&page=`` beside it): a filter that is
not valid answers 400 with the form's messages and the queue unfiltered.  Each row has a
checkbox belonging to the bulk form (``queue-bulk``): one action on the ticked reviews, one
POST, one transaction (``moderation.moderate_many``), then a notice counting what was done
and what was skipped.
"""

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.reviews import desk
from shopcms.reviews.moderation import ModerationError, moderate_many
from shopcms.reviews.resources import Reviews
from shopcms.reviews.schemas_desk import PAGE, SELECTED, BulkSchema, QueueFilterSchema
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _, ngettext
from shopcms.web.notices import notice
from shopcms.web.security import MODERATE

QUEUE = "shopcms.reviews:templates/manage/queue.pt"
_manage = {"route_name": "manage", "permission": MODERATE}
NO_FILTER = {"state": "", "product": None, "rating": None, "language": None, "older_than": None}


def filter_form(request, reviews):
    return make_form(
        request,
        QueueFilterSchema,
        (Button("filter", _("Filter")),),
        "queue-filter",
        action=request.manage_link(reviews, slash=True),
        method="GET",
        css_class="search",
        products=desk.reviewed_products(request),
    )


#: What of the queue's address the bulk action keeps, to come back to the same view.
KEPT = ("state", "product", "rating", "language", "older_than", "page")


def _kept(request):
    return [(key, value) for key, value in request.GET.items() if key in KEPT and value] or None


def bulk_form(request, reviews):
    return make_form(
        request,
        BulkSchema,
        (Button("apply", _("Apply to the ticked reviews")),),
        "queue-bulk",
        action=request.manage_link(reviews, "bulk", query=_kept(request)),
        css_class="bulk",
    )


def _page_number(request):
    try:
        return PAGE.deserialize(request.GET.get("page", colander.null))
    except colander.Invalid:
        return 1


def _queue(request, reviews, bulk_html=None):
    """The queue page's values; ``bulk_html`` is the bulk form refused (400)."""
    form = filter_form(request, reviews)
    filters, failed = validate(request, form)
    if filters is None:
        filters = NO_FILTER
    page, rows = desk.queue_page(request, _page_number(request), filters)
    chosen = {key: str(value) for key, value in filters.items() if value not in ("", None)}
    request.override_renderer = QUEUE
    return {
        "filter_form": failed or form.render(filters),
        "filtered": bool(chosen),
        "bulk_form": bulk_html or bulk_form(request, reviews).render(),
        "page": page,
        "total_text": ngettext("${count} review", "${count} reviews", page.total, request),
        "rows": rows,
        "page_url": lambda n: request.manage_link(reviews, slash=True, query={**chosen, "page": n}),
    }


@view_config(context=Reviews, request_method="GET", renderer=QUEUE, **_manage)
def queue(context, request):
    """The reviews waiting for a moderator (or those the filter asks for), oldest first."""
    return _queue(request, context)


#: The notice after a bulk action, per action.
DONE = {
    "approve": lambda n, r: ngettext("${count} review approved", "${count} reviews approved", n, r),
    "reject": lambda n, r: ngettext("${count} review rejected", "${count} reviews rejected", n, r),
    "hide": lambda n, r: ngettext("${count} review hidden", "${count} reviews hidden", n, r),
    "spam": lambda n, r: ngettext(
        "${count} review marked as spam", "${count} reviews marked as spam", n, r
    ),
}


def skipped_text(count, request):
    return ngettext(
        "${count} skipped because it was moved meanwhile or the action does not apply to it",
        "${count} skipped because they were moved meanwhile or the action does not apply to them",
        count,
        request,
    )


@view_config(
    context=Reviews, name="bulk", request_method="POST", renderer=ERROR_TEMPLATE, **_manage
)
def bulk(context, request):
    """One action (``action``, a rejection's ``reason`` and ``text``) on the reviews ticked
    (``selected``), in this one transaction; back to the queue with the count."""
    form = bulk_form(request, context)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return _queue(request, context, bulk_html=failed)
    try:
        refs = SELECTED.deserialize(request.POST.getall("selected"))
    except colander.Invalid as invalid:
        # The list's own message, else one of its values was not a review's name.
        return refusal(request, invalid.msg or _("Something in the request was not right."))
    reviews = desk.resolve(request, refs)
    try:
        result = moderate_many(
            request,
            reviews,
            appstruct["action"],
            reason=appstruct["reason"] or None,
            text=appstruct["text"],
        )
    except ModerationError as exc:
        return refusal(request, exc.message)
    skipped = result.skipped + len(set(refs)) - len(reviews)  # those gone count as moved
    message = DONE[appstruct["action"]](result.done, request)
    if skipped:
        message = f"{message}; {skipped_text(skipped, request)}"
    notice(request, message)
    # Back to the queue as it was filtered (the filter is checked again there).
    return HTTPSeeOther(location=request.manage_link(context, slash=True, query=_kept(request)))
