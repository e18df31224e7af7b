"""The reviews as the public sees them: the product page's section, its structured data,
and what keeps a cached product page honest.

Contract of the section (declared with ``config.add_product_section``, shown on the
product page and on the reviews' own page ``…/products/NAME/reviews``):

- the figures (average, count, reviews per star and per language) are the stored
  aggregates, never computed from the reviews; only the one page of reviews shown is
  loaded (``queries.published``), so a product with a thousand reviews renders as fast
  as one with none;
- only published reviews are shown (the catalog's ACL filters the rest out);
- a review's texts are plain text, escaped by the template (newlines kept, no link made);
- the section's validator is the product's count of review changes (:func:`changes`,
  kept by :func:`on_change` on every transition, helpful vote, reply, anonymisation:
  whatever the section shows of a review) and
  the visitor's helpful-votes cookie: an approved review, a reply or a vote changes the
  product page's ETag.
"""

from dataclasses import dataclass

from babel.numbers import format_decimal
from BTrees.Length import Length

from shopcms.reviews import parts, queries
from shopcms.reviews.resources import ProductReviews, Review
from shopcms.reviews.workflow import PUBLISHED
from shopcms.web import personal
from shopcms.web.i18n import LANGUAGE_NAMES, _, ngettext

SECTION_TEMPLATE = "shopcms.reviews:templates/product_section.pt"


@dataclass(frozen=True)
class Filters:
    """What the visitor chose (validated by ``schemas.visitors.filter_schema``)."""

    page: int = 1
    sort: str = "newest"
    rating: int | None = None
    lang: str | None = None

    def query(self, **changes):
        """The query string of these filters with ``changes`` (defaults left out)."""
        values = {**self.__dict__, **changes}
        defaults = Filters().__dict__
        return {k: v for k, v in values.items() if v is not None and v != defaults[k]}


def folder_of(request, product):
    return request.root["reviews"].of_product(product.pid)


def changes(folder):
    """How many times a review of ``folder`` changed, and the transaction of the last
    change (``(0, None)`` before the first): a restored database is another state."""
    counter = getattr(folder, "changes", None)
    if counter is None:
        return (0, None)
    return (counter(), counter._p_serial)


def on_change(event):
    """Count a change of a review in its product's folder (a ``BTrees.Length``, whose
    concurrent changes add up instead of conflicting): the product page's validator."""
    review = getattr(event, "content", None) or getattr(event, "object", None)
    if not isinstance(review, Review) or not isinstance(review.__parent__, ProductReviews):
        return
    folder = review.__parent__
    if getattr(folder, "changes", None) is None:
        folder.changes = Length()
    folder.changes.change(1)


def published_on(review):
    """When ``review`` was (last) published."""
    for entry in reversed(review.workflow_history):
        if entry.to_state == PUBLISHED:
            return entry.when
    return review.created


def stars_text(request, rating):
    """The rating in words for screen readers: "4 out of 5 stars" (also "4.3")."""
    return request.localizer.translate(_("${rating} out of 5 stars", mapping={"rating": rating}))


def count_text(request, count):
    return ngettext("${count} review", "${count} reviews", count, request)


def page_numbers(page, around=2):
    """The page numbers a pager links to: the first, the last and ``around`` either side
    of the current one; None where numbers are left out (a thousand reviews make 100 pages,
    not 100 links)."""
    wanted = {1, page.pages, *range(page.number - around, page.number + around + 1)}
    numbers, last = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= page.pages):
        if number > last + 1:
            numbers.append(None)
        numbers.append(number)
        last = number
    return numbers


def helpful_text(request, votes):
    return ngettext(
        "${count} person found this review helpful",
        "${count} people found this review helpful",
        votes,
        request,
    )


def average_text(request, average):
    return format_decimal(round(average, 1), "0.0", locale=request.locale_name)


def review_item(request, review, helpful_done):
    reply = review.reply
    return {
        "key": review.__name__,
        "review": review,
        "rating": review.rating,
        "stars": stars_text(request, review.rating),
        "title": review.title,
        "lines": review.text.split("\n"),
        "name": review.shown_name,
        "date": published_on(review),
        "language": review.language,
        "language_name": LANGUAGE_NAMES.get(review.language, review.language),
        "verified": review.verified,
        "helpful": review.votes,
        "helpful_done": review.__name__ in helpful_done,
        "reply": None if reply is None else {"text": reply[0], "date": reply[1]},
    }


def section_values(product, request, filters=None, forms=None, helpful_done=frozenset(), only=None):
    """The section's values for ``filters`` (the first page, newest first, by default);
    ``forms(items)``: the helpful and report forms of the reviews shown; ``only``: show
    just this review (a report form refused)."""
    filters = filters or Filters()
    folder = folder_of(request, product)
    aggregates = folder.aggregates if folder is not None else None
    count = aggregates.count if aggregates is not None else 0
    page = queries.published(
        request,
        product.pid,
        sort=filters.sort,
        rating=filters.rating,
        language=filters.lang,
        number=filters.page,
    )
    shown = page.items if only is None else [only]
    items = [review_item(request, review, helpful_done) for review in shown]
    average = aggregates.average if aggregates is not None else None
    distribution = aggregates.distribution() if aggregates is not None else []
    languages = sorted((aggregates.language_counts() if aggregates else {}).items())
    found = parts.links(request, product)
    return {
        # A report refused (400): its form is shown open, with its error.
        "reporting": only is not None,
        "links": personal.part(request, "review-links", **found),
        "filters": filters,
        "count": count,
        "count_text": count_text(request, count),
        "average": average,
        "average_text": average_text(request, average) if average is not None else "",
        "average_stars": stars_text(request, average_text(request, average)) if count else "",
        "distribution": [
            {"stars": stars, "count": n, "percent": round(100 * n / count) if count else 0}
            for stars, n in distribution
        ],
        "languages": [
            {"code": code, "name": LANGUAGE_NAMES.get(code, code), "count": n}
            for code, n in languages
        ],
        "page": page,
        "page_numbers": page_numbers(page),
        "items": items,
        "forms": forms(items) if forms is not None else {},
        "stars_text": lambda rating: stars_text(request, rating),
        "helpful_text": lambda votes: helpful_text(request, votes),
    }


def structured_data(request, values):
    """schema.org properties of the product from the section: ``aggregateRating`` when
    there are published reviews, and the reviews shown (only published ones)."""
    if not values["count"]:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": round(values["average"], 2),
            "reviewCount": values["count"],
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [
            {
                "@type": "Review",
                "author": {
                    "@type": "Person",
                    "name": item["name"] or request.localizer.translate(_("Anonymous")),
                },
                "reviewRating": {"@type": "Rating", "ratingValue": item["rating"], "bestRating": 5},
                "name": item["title"],
                "reviewBody": item["review"].text,
                "datePublished": item["date"].date().isoformat(),
                "inLanguage": item["language"],
            }
            for item in values["items"]
        ],
    }
