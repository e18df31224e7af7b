"""Writing a review: the one way a review is made or changed by its author.

:func:`write` is called by the customer's form and by the guest's mailed link, in the
POST's transaction.  Contract:

- one review per product per author (a customer, or a guest's order): writing again
  changes the review, which goes back to moderation (the workflow's ``edit``); after a
  withdrawal, writing again makes a new review and deletes the withdrawn one;
- at most :data:`DAILY_LIMIT` reviews (new or changed) a day per author;
- what the review shows of the name is decided here (``resources.shown_name``) and only
  that is kept; the purchase is verified here (a delivered order line of the product);
- a refusal raises :class:`ReviewRefused` with a message for the writer, and nothing is
  changed;
- the review keeps the language of the page it was written on (``mail_language``): its
  mails go out in it, whoever causes them;
- once the review is complete, :class:`ReviewWritten` is notified (the "received" mail).
"""

from datetime import timedelta

from pyramid.traversal import find_root

from shopcms.orders import api as orders
from shopcms.reviews.resources import Review, new_key, shown_name
from shopcms.reviews.workflow import REVIEW_WORKFLOW, WITHDRAWN
from shopcms.web.i18n import _

#: Reviews an author may write or change in 24 hours.
DAILY_LIMIT = 5
#: The limits of what a review holds (the form checks them; the service relies on them).
TEXT_MIN, TEXT_MAX, TITLE_MAX = 20, 5000, 120


class ReviewRefused(Exception):
    """The review cannot be written; ``message`` (a TranslationString) says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class ReviewWritten:
    """Sent at the end of :func:`write`, with the review as its author left it: a new one
    (``created``) or one changed by its author (back to pending).  The workflow's
    ``AfterTransition`` of an edit comes before the new text is in place; this comes
    after."""

    def __init__(self, review, request, created):
        self.review = review
        self.request = request
        self.created = created


def reviews_folder(site):
    return site["reviews"]


def written_today(reviews, author_key, now):
    """How many of ``author_key``'s reviews were written or changed in the last 24 hours."""
    since = now - timedelta(days=1)
    return sum(1 for review in reviews.written_by(author_key).values() if review.written > since)


def verified_purchase(site, author, order_number, pid):
    """Whether the author received product ``pid``: a delivered order of the account
    ``author``, or the guest's order ``order_number``."""
    if author is not None:
        return pid in orders.delivered_products(site, customer=author)
    return order_number is not None and pid in orders.delivered_products(site, number=order_number)


def write(request, product, author_key, *, author, name, email, order_number=None, **data):
    """Write (or change) ``author_key``'s review of ``product``; returns the Review.

    ``data``: ``rating`` (1-5), ``title``, ``text``, ``language``, ``display`` (how the
    name ``name`` is shown).  ``author`` is the account id (None for a guest), ``email``
    where the review's mails go, ``order_number`` the guest's order.
    """
    site = find_root(product)
    reviews = reviews_folder(site)
    now = request.now
    if written_today(reviews, author_key, now) >= DAILY_LIMIT:
        raise ReviewRefused(
            _("You have written as many reviews as one may in a day: please wait until tomorrow.")
        )
    pid = product.pid
    texts = {key: data[key] for key in ("rating", "title", "text", "language")}
    existing = reviews.written_by(author_key).get(pid)
    if existing is not None and existing.workflow_state != WITHDRAWN:
        if existing.workflow_state == "spam":
            raise ReviewRefused(_("This review can no longer be changed."))
        # The transition first: leaving "published" takes the old rating out of the counts.
        REVIEW_WORKFLOW.transition(existing, request, "edit", actor=_actor(author_key))
        existing.edit(**texts)
        existing.shown_name = shown_name(name, data["display"])
        existing.display = data["display"]
        existing.email = email
        existing.mail_language = _page_language(request)
        request.registry.notify(ReviewWritten(existing, request, created=False))
        return existing
    review = Review(
        pid=pid,
        author=author,
        author_key=author_key,
        shown_name=shown_name(name, data["display"]),
        email=email,
        verified=verified_purchase(site, author, order_number, pid),
        display=data["display"],
        **texts,
    )
    review.mail_language = _page_language(request)
    REVIEW_WORKFLOW.initialize(review, actor=_actor(author_key))
    folder = reviews.folder_for(pid, registry=request.registry)
    if existing is not None:
        # A withdrawn review makes way for the new one, and goes at once rather than after
        # the 30 days: nothing would find it any more (export, erasure) by its author.
        reviews.forget_author(author_key, pid)
        existing.__parent__.remove(existing.__name__, registry=request.registry)
    folder.add(new_key(), review, registry=request.registry)
    reviews.record_author(author_key, review)
    request.registry.notify(ReviewWritten(review, request, created=True))
    return review


def _page_language(request):
    # The language the author reads the shop in (the page's), not the review's own.
    return getattr(request, "locale_name", None)


def _actor(author_key):
    # A guest has no account id: the history names the order the link came from.
    return author_key
