"""The review's mails to its author: received, published, rejected.

Contract:

- each goes out in the language of the page the author wrote (or last changed) the review
  on (``Review.mail_language``), whoever causes it: a moderator working in Dutch publishes
  a French customer's review, the mail is French;
- each is queued in the outbox (``shopcms.mail.send``) in the transaction that writes or
  moves the review: both commit or neither;
- "received" follows :class:`~shopcms.reviews.writing.ReviewWritten` (a new review, or one
  its author changed: back to pending), "published" the workflow's ``approve`` and ``show``,
  "rejected" its ``reject``, with the reason in the author's language and the moderator's
  text; nothing else sends one (a hide, a report, spam, a withdrawal);
- a review without an address (a customer erased, "keep anonymously") gets no mail.

The mails are plain text and HTML from ``templates/mail/``; what the author wrote is
escaped in the HTML (``${}``) and plain in the text.
"""

from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_root

from shopcms.mail import compose, send
from shopcms.products import api as products
from shopcms.reviews.moderation import read_rejection
from shopcms.reviews.resources import Review
from shopcms.reviews.workflow import REJECTION_REASONS, REVIEW_WORKFLOW
from shopcms.reviews.writing import ReviewWritten
from shopcms.web.i18n import _, languages
from shopcms.web.urls import linking_request, public_url
from shopcms.workflow import AfterTransition

SUBJECTS = {
    "review_received": _("We received your review"),
    "review_published": _("Your review is published"),
    "review_rejected": _("Your review was not published"),
}
#: The mail sent after each transition of the review workflow (the others send none).
ON_TRANSITION = {
    "approve": "review_published",
    "show": "review_published",
    "reject": "review_rejected",
}


def mail_language(registry, review):
    """The language of ``review``'s mails: that of the page it was written on, else the
    review's own, else the site's first."""
    configured = languages(registry)
    for lang in (review.mail_language, review.language):
        if lang in configured:
            return lang
    return configured[0]


def product_title(product, lang):
    titles = product.titles
    return titles.get(lang) or next((t for t in titles.values() if t), product.__name__)


def mail_review(registry, review, template, request=None, **values):
    """Queue mail ``template`` about ``review`` to its author (see the module); returns
    the Message-ID, or None for a review without an address."""
    if not review.email:
        return None
    site = find_root(review)
    lang = mail_language(registry, review)
    links = linking_request(registry, request)
    product = products.product_by_id(site, review.pid)
    message = compose(
        registry,
        f"shopcms.reviews:templates/mail/{template}",
        {
            "review": review,
            "lang": lang,
            "product_title": product_title(product, lang) if product is not None else "",
            "product_url": (
                links.link(product, lang=lang, absolute=True) if product is not None else None
            ),
            "terms_url": links.link(None, "review-terms", lang=lang, absolute=True),
            **values,
        },
        lang=lang,
        to=review.email,
        subject=SUBJECTS[template],
        application_url=public_url(registry, request),
    )
    # The review (and its product's folder) may be new in this transaction, without a
    # connection yet: the site's reviews folder has one.
    return send(site["reviews"], message)


def review_written(event):
    request = event.request
    mail_review(request.registry, event.review, "review_received", request)


def review_moved(event):
    if event.workflow is not REVIEW_WORKFLOW or event.transition.name not in ON_TRANSITION:
        return
    review = event.content
    if not isinstance(review, Review):
        return
    request = event.request
    registry = request.registry if request is not None else get_current_registry()
    template = ON_TRANSITION[event.transition.name]
    values = {}
    if template == "review_rejected":
        reason, text = read_rejection(event.entry.comment)
        values = {"reason": REJECTION_REASONS.get(reason), "reason_text": text}
    mail_review(registry, review, template, request, **values)


def includeme(config):
    config.add_subscriber(review_written, ReviewWritten)
    config.add_subscriber(review_moved, AfterTransition)
