"""What a visitor does to a published review: mark it helpful, report it.

Both are POSTs to the review itself (``/{lang}/reviews/PID/KEY/helpful`` and ``…/report``;
the review's ACL lets everyone reach a published review, and nothing else), checked for
the CSRF token, limited per client (``helpful.VOTES``, ``helpful.REPORTS``: 429 beyond),
and answered with a redirect back to the page the form was on, with a notice.

- A helpful vote counts once per browser (the signed cookie ``reviews_helpful``); a second
  one is answered with a notice and not counted.  Who voted is not stored.
- A report needs a reason (3 to 500 characters); no reporter is stored.  At three reports
  the review goes back to the moderators (``moderation.report``) and off the page.  A
  refused reason answers 400 with the review and its form again, its error linked.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.products.api import product_by_id, visible_errors
from shopcms.reviews import helpful, moderation
from shopcms.reviews.resources import Review
from shopcms.reviews.schemas import HelpfulSchema, ReportSchema
from shopcms.reviews.views.product import PAGE_TEMPLATE, page_values, values
from shopcms.reviews.workflow import PUBLISHED
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import VIEW
from shopcms.web.urls import local_path

GONE = _("This review is no longer shown, so it cannot be marked or reported.")
TAMPERED = _("This form could not be read. Reload the page and try again.")
TOO_MANY = _("You sent many of these in a short time. Please wait a while and try again.")


def _form(request, review, schema, name, title, **options):
    """The form ``name`` of ``review`` (its id ``NAME-KEY``, posted to the view ``name``), as
    the product page renders it."""
    return make_form(
        request,
        schema,
        [Button(name, title)],
        formid=f"{name}-{review.__name__}",
        action=request.link(review, name),
        **options,
    )


def _product(request, review):
    """The product ``review`` is about, if the visitor may see it (else 404)."""
    product = product_by_id(request.root, review.pid)
    if product is None or not request.has_permission(VIEW, product):
        raise HTTPNotFound()
    return product


def _back(request, product, appstruct):
    default = request.link(product, "reviews")
    return HTTPSeeOther(location=local_path(appstruct.get("came_from", "")) or default)


@view_config(
    context=Review,
    route_name="public",
    name="helpful",
    request_method="POST",
    permission=VIEW,
    renderer=PAGE_TEMPLATE,  # only its refusals render (``refusal`` names their template)
)
def mark_helpful(context, request):
    product = _product(request, context)
    if context.workflow_state != PUBLISHED:
        return refusal(request, GONE)
    key = context.__name__
    form = _form(request, context, HelpfulSchema, "helpful", _("Helpful"))
    appstruct, _html = validate(request, form)
    if appstruct is None:
        return refusal(request, TAMPERED)
    if key in helpful.voted(request):
        notice(request, _("You marked this review as helpful before: it counts once."))
        return _back(request, product, appstruct)
    if not helpful.VOTES.allow(helpful.client(request)):
        return refusal(request, TOO_MANY, status=429)
    moderation.vote_helpful(context, request.registry)
    helpful.remember(request, key)
    notice(request, _("Thank you: your vote helps others choose."))
    return _back(request, product, appstruct)


@view_config(
    context=Review,
    route_name="public",
    name="report",
    request_method="POST",
    permission=VIEW,
    renderer=PAGE_TEMPLATE,
)
def report(context, request):
    product = _product(request, context)
    if context.workflow_state != PUBLISHED:
        return refusal(request, GONE)
    key = context.__name__
    form = _form(request, context, ReportSchema, "report", _("Send the report"), css_class="report")
    appstruct, html = validate(request, form)
    if appstruct is None:
        if not visible_errors(form):
            return refusal(request, TAMPERED)
        section = values(product, request, failed=(key, html), only=context)
        return page_values(product, request, section)
    who = helpful.client(request)
    if not helpful.REPORTS.allow(who):
        return refusal(request, TOO_MANY, status=429)
    if not helpful.REPORTED.allow(f"{who}|{product.pid}|{key}"):
        # Counted once: one client alone cannot send a review back to the moderators.
        notice(request, _("You reported this review already: we will look at it."))
        return _back(request, product, appstruct)
    moderation.report(context, appstruct["reason"], request.now)
    notice(request, _("Thank you: we will look at this review."))
    return _back(request, product, appstruct)
