"""The moderation desk's reading of reviews: the queue's rows, a review's history and its
author's other reviews, the reviews a bulk action names, and what a moderator is told.

Nothing here changes a review (``moderation`` does); every function reads what the desk's
pages show.  The queue's rows come from one page of ``queries.queue`` (the catalog): only
the reviews shown are loaded.
"""

from datetime import timedelta

from babel.dates import format_timedelta

from shopcms.products import api as products
from shopcms.reviews.moderation import REPORTS_ACTOR, REPORTS_COMMENT
from shopcms.reviews.queries import queue
from shopcms.reviews.workflow import REVIEW_WORKFLOW, state_title
from shopcms.web import actors
from shopcms.web.i18n import _, ngettext, pick
from shopcms.web.layout import format_moment

#: Characters of a review's text the queue shows.
EXCERPT = 140
TRANSITION_TITLES = {t.name: t.title for t in REVIEW_WORKFLOW.transitions}


def excerpt(text, size=EXCERPT):
    """The start of ``text`` on one line, cut at a word with an ellipsis when longer."""
    flat = " ".join(text.split())
    if len(flat) <= size:
        return flat
    return flat[:size].rsplit(" ", 1)[0] + "\u2026"


def age(request, moment):
    """How long ago ``moment`` was, in words in the requester's language ("3 days")."""
    return format_timedelta(request.now - moment, locale=request.locale_name)


def ref(review):
    """How the bulk form names ``review``: ``<product id>/<key>``."""
    return f"{review.pid}/{review.__name__}"


def product_of(request, review, cache=None):
    """The product ``review`` is about (None once it is gone), once per page."""
    cache = {} if cache is None else cache
    if review.pid not in cache:
        cache[review.pid] = products.product_by_id(request.root, review.pid)
    return cache[review.pid]


def queue_page(request, number, filters):
    """``(page, rows)`` of the queue: ``filters`` as the filter form gave them."""
    page = queue(
        request,
        number=number,
        state=filters["state"] or None,
        pid=filters["product"],
        rating=filters["rating"],
        language=filters["language"],
        older_than=None if filters["older_than"] is None else timedelta(days=filters["older_than"]),
    )
    cache = {}
    rows = [
        {
            "review": review,
            "ref": ref(review),
            "product": product_of(request, review, cache),
            "excerpt": excerpt(review.text),
            "state": state_title(review.workflow_state),
            "age": age(request, review.created),
        }
        for review in page.items
    ]
    return page, rows


def title_of(request, product):
    """A product's title in the requester's language (another one if it has none)."""
    return pick(product.titles, request)[1] or product.__name__


def reviewed_products(request):
    """``[(pid, title), ...]`` of the products that have reviews (the filter's choices)."""
    choices = []
    for name in request.root["reviews"]:
        product = products.product_by_id(request.root, int(name))
        if product is not None:
            choices.append((name, title_of(request, product)))
    return sorted(choices, key=lambda choice: choice[1].casefold())


def who(request, actor, review):
    """The history's "who": the author as such, system actors by their declared title,
    staff by their address (``shopcms.web.actors.who``)."""
    if actor is None:
        return _("(erased)")
    if actor == review.author_key:
        return _("the author")
    return actors.who(request, actor)


def _comment(request, entry):
    """An entry's comment; the reports' own ("3 reports", stored so) as a plural in the
    reader's language."""
    counted = entry.actor == REPORTS_ACTOR and REPORTS_COMMENT.fullmatch(entry.comment or "")
    if counted:
        count = int(counted.group(1))
        return ngettext("${count} report", "${count} reports", count, request)
    return entry.comment


def history(request, review):
    """The review's history, newest first: when, who, what, to which state, why."""
    return [
        {
            "when": entry.when,
            "who": who(request, entry.actor, review),
            "action": TRANSITION_TITLES.get(entry.transition, entry.transition)
            if entry.transition
            else _("Written"),
            "to": state_title(entry.to_state),
            "comment": _comment(request, entry),
        }
        for entry in reversed(review.workflow_history)
    ]


def earlier_reviews(request, review):
    """The same author's reviews of other products (``Reviews.written_by``), oldest first."""
    if not review.author_key:
        return []
    written = request.root["reviews"].written_by(review.author_key)
    others = [other for pid, other in written.items() if pid != review.pid]
    return sorted(others, key=lambda other: other.created)


def resolve(request, refs):
    """The reviews ``refs`` (``<pid>/<key>``) name, in order; those gone are left out."""
    reviews = request.root["reviews"]
    found = []
    for item in dict.fromkeys(refs):
        pid, key = item.split("/")
        folder = reviews.of_product(int(pid))
        review = folder.get(key) if folder is not None else None
        if review is not None:
            found.append(review)
    return found


def moved_message(request, review, entry):
    """What a moderator whose action came too late is told: who did what, when, and the
    state the review is in now."""
    return _(
        "${who} did \u201c${action}\u201d on ${when}: the review is now \u201c${state}\u201d. "
        "Nothing was changed by you.",
        mapping={
            "who": request.localizer.translate(who(request, entry.actor, review)),
            "action": request.localizer.translate(
                TRANSITION_TITLES.get(entry.transition, _("Written"))
            ),
            "when": format_moment(request, entry.when),
            "state": request.localizer.translate(state_title(entry.to_state)),
        },
    )
