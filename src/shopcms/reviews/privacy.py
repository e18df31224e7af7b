"""The reviews' side of the privacy statement (purpose ``reviews``).

- **Export**: a customer's reviews, whatever their state, with what they wrote, how their
  name is shown, the state and its history dates, the shop's reply.
- **Erasure**: each review of the customer is deleted, or, when they ticked "keep my
  reviews anonymously" (``privacy.erasure.KEEP_REVIEWS``), kept with no trace of them: no
  account id, no name, no email (the text and rating stay, and so does the review's
  place in the counts).  Deleted published reviews leave the aggregates.  Either way the
  index of who wrote what forgets the account.
- **Retention**: a review withdrawn, rejected or marked as spam is deleted 30 days after
  (``shopcms retention``, :func:`purge_closed`).

Guests' reviews (written through an order's links) are found by their orders' numbers.
"""

from datetime import timedelta

from pyramid.traversal import find_root

from shopcms.catalog.query import docids
from shopcms.privacy import erasure
from shopcms.privacy.export import Contributor, add_contributor
from shopcms.reviews import aggregates
from shopcms.reviews.resources import customer_key
from shopcms.reviews.workflow import CLOSED, PUBLISHED, state_title
from shopcms.tree.events import ObjectModified, notify
from shopcms.web.i18n import _

#: How long a closed review (withdrawn, rejected, spam) is kept.
CLOSED_KEPT = timedelta(days=30)


def exported(review):
    """One review as the export shows it (plain values)."""
    return {
        "product": review.pid,
        "state": review.workflow_state,
        "state_title": state_title(review.workflow_state),
        "rating": review.rating,
        "title": review.title,
        "text": review.text,
        "language": review.language,
        "name_shown": review.shown_name,
        "name_display": review.display,
        "email": review.email,
        "verified_purchase": review.verified,
        "written": review.created,
        "changed": review.modified,
        "history": [
            {"to": entry.to_state, "when": entry.when, "why": entry.comment}
            for entry in review.workflow_history
        ],
        "shop_reply": review.reply[0] if review.reply else None,
    }


def export_reviews(root, account):
    reviews = root["reviews"].written_by(customer_key(account.__name__))
    return [exported(review) for _pid, review in sorted(reviews.items())] or None


def delete(review, registry=None):
    """Remove ``review`` for good (the aggregates follow if it was published)."""
    folder = review.__parent__
    if review.workflow_state == PUBLISHED:
        aggregates.count_out(review)
    folder.remove(review.__name__, registry=registry)


def erase_reviews(root, account, now, registry, options=frozenset()):
    reviews = root["reviews"]
    key = customer_key(account.__name__)
    written = reviews.written_by(key)
    keep = erasure.KEEP_REVIEWS in options
    kept = deleted = 0
    for review in written.values():
        if keep and review.workflow_state == PUBLISHED:
            review.anonymise(now)
            notify(ObjectModified(review), registry)  # the catalog's author index forgets
            kept += 1
        else:
            delete(review, registry)
            deleted += 1
    reviews.forget_author(key)
    if not written:
        return None
    return f"{deleted} review(s) deleted, {kept} kept without any name"


def purge_closed(site, now, registry=None):
    """Delete the reviews closed (withdrawn, rejected, spam) more than 30 days ago.

    Found through the catalog's ``state`` index (no walk over all reviews).  Returns how
    many went.
    """
    catalog = site.catalog
    resolve = catalog.resolver(site)
    limit = now - CLOSED_KEPT
    gone = 0
    for state in CLOSED:
        for docid in list(docids(catalog["state"], state)):
            review = resolve(docid)
            if getattr(review, "content_type", None) != "review" or review.closed_at > limit:
                continue
            reviews = find_root(review)["reviews"]
            written = reviews.written_by(review.author_key) if review.author_key else {}
            if written.get(review.pid) is review:
                reviews.forget_author(review.author_key, review.pid)
            delete(review, registry)
            gone += 1
    return gone


def includeme(config):
    add_contributor(
        config.registry,
        Contributor("reviews", _("Reviews"), export=export_reviews, erase=erase_reviews),
    )
