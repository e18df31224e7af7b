"""The reviews on the product page (a section contributed through
``config.add_product_section``) and their own page, ``/{lang}/products/NAME/reviews``,
which pages and filters them (``?page=&sort=&rating=&lang=``; a value the page does not
offer answers 400).

Both pages are shared (the same for every visitor without cookies); their validators cover
the product's count of review changes (``presentation.changes``) and the visitor's
helpful-votes cookie, so an approval, a reply or a vote is never answered with a stale 304.
"""

import colander
import venusian
from pyramid.renderers import render
from pyramid.view import view_config

from shopcms.products.api import Product, Repeated, unmasked_token
from shopcms.reviews import helpful, parts, presentation
from shopcms.reviews.schemas import ReportSchema, filter_schema
from shopcms.web import personal
from shopcms.web.errors import refusal
from shopcms.web.etags import not_modified
from shopcms.web.forms import Button
from shopcms.web.i18n import _, languages, pick
from shopcms.web.personal import in_skeleton
from shopcms.web.security import VIEW
from shopcms.web.sharing import is_shared

PAGE_TEMPLATE = "shopcms.reviews:templates/product_reviews.pt"

_REPORT = ReportSchema()


def forms_for(request, came_from, failed=None):
    """``items -> {key: {"helpful": html, "report": html}}``: each review's helpful button
    (the personal part ``review-helpful``: this browser's votes are its own) and report
    form; ``failed``: ``(key, html)`` of a report form refused, shown as it was sent."""

    def forms(items):
        report = Repeated(request, _REPORT, [Button("report", _("Send the report"))], "report")
        found = {}
        for item in items:
            key, review = item["key"], item["review"]
            found[key] = {
                "helpful": personal.part(
                    request,
                    "review-helpful",
                    key=key,
                    action=request.link(review, "helpful"),
                    came_from=came_from,
                ),
                "report": report.render(
                    f"report-{key}",
                    {"came_from": came_from, "reason": ""},
                    action=request.link(review, "report"),
                    hidden=("came_from",),
                ),
            }
        if failed is not None and failed[0] in found:
            found[failed[0]]["report"] = failed[1]
        return found

    return forms


def values(product, request, filters=None, failed=None, only=None):
    """The section's values (see ``presentation.section_values``)."""
    came_from = request.path_qs
    return presentation.section_values(
        product, request, filters, forms=forms_for(request, came_from, failed), only=only
    )


def validator(product, request):
    """What the section shows besides the product: its reviews' changes, the visitor's
    votes, and its links (whether the terms are there, where "write a review" leads)."""
    folder = presentation.folder_of(request, product)
    links = parts.links(request, product)
    return (
        presentation.changes(folder),
        request.cookies.get(helpful.COOKIE, ""),
        parts.visitors_write_link(request, links["write"], links["login"]),
        links["terms"],
    )


def personal_part(name):
    """Declare the decorated function the personal part ``name`` when the package is
    scanned (``shopcms.web.personal``)."""

    def decorate(render):
        def callback(context, _name, ob):
            context.config.add_personal_part(name, ob)

        venusian.attach(render, callback, category="pyramid")
        return render

    return decorate


@personal_part("review-links")
def review_links(request, **args):
    return parts.links_part(request, **args)


@personal_part("review-helpful")
def review_helpful(request, **args):
    return parts.helpful_part(request, **args)


def structured_data(product, request, section):
    return presentation.structured_data(request, section)


def parse_filters(request):
    """The page's filters, or None when one of them is not a value the page offers."""
    schema = filter_schema(languages(request.registry))
    wanted = {node.name: request.GET.get(node.name, colander.null) for node in schema}
    if any(len(request.GET.getall(name)) > 1 for name in wanted):
        return None
    try:
        return presentation.Filters(**schema.deserialize(wanted))
    except colander.Invalid:
        return None


BAD_FILTER = _(
    "These reviews cannot be shown so: choose a page, an order, a number of stars or a "
    "language from the links on the page."
)


def page_values(product, request, section):
    return {
        "product": product,
        "title": pick(product.titles, request)[1] or product.__name__,
        "section": render(presentation.SECTION_TEMPLATE, {**section, "product": product}, request),
    }


@view_config(
    context=Product,
    route_name="public",
    name="reviews",
    request_method="GET",
    permission=VIEW,
    renderer=PAGE_TEMPLATE,
    shared=True,
)
def reviews_page(context, request):
    """A page of the product's published reviews, as the visitor filtered and sorted them."""
    filters = parse_filters(request)
    if filters is None:
        return refusal(request, BAD_FILTER)
    if in_skeleton(request):  # the page cache keeps the validators of its skeletons
        return page_values(context, request, values(context, request, filters))
    token = unmasked_token(request)  # the page's forms carry it
    cached = not_modified(
        request,
        "product-reviews",
        context.pid,
        context.modified.isoformat(),
        request.locale_name,
        request.query_string,
        validator(context, request),
        token,
        "" if is_shared(request) else request.session.peek_flash("info"),
    )
    if cached is not None:
        return cached
    return page_values(context, request, values(context, request, filters))
