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

Guests' reviews (written through an order's links) are found by the numbers of the orders
placed with the guest's email address without an account (:func:`guest_reviews`); the guest
erasure at the privacy desk deletes them (or keeps them without any name, with
``KEEP_REVIEWS``) and the guest's export lists them.
"""

from datetime import timedelta

from pyramid.traversal import find_root

from shopcms.catalog.query import docids
from shopcms.privacy import erasure
from shopcms.privacy.export import Contributor, add_contributor
from shopcms.reviews import aggregates
from shopcms.reviews.resources import customer_key, guest_key
from shopcms.reviews.workflow import CLOSED, PUBLISHED, state_title
from shopcms.tree.events import ObjectModified, notify
from shopcms.web.i18n import _

#: How long a closed review (withdrawn, rejected, spam) is kept.
CLOSED_KEPT = timedelta(days=30)


def exported(review):
    """One review as the export shows it (plain values)."""
    product = find_root(review)["products"].by_id(review.pid)
    return {
        "product": review.pid,
        "product_name": product.__name__ if product is not None else None,
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
            {
                "to": entry.to_state,
                "to_title": state_title(entry.to_state),
                "when": entry.when,
                "why": entry.comment,
            }
            for entry in review.workflow_history
        ],
        "shop_reply": review.reply[0] if review.reply else None,
    }


#: The names of the exported fields on the readable export page (None: JSON only).
LABELS = {
    "product": None,
    "product_name": _("Product"),
    "state": None,
    "state_title": _("State"),
    "rating": _("Rating"),
    "title": _("Title"),
    "text": _("Text"),
    "language": _("Language"),
    "name_shown": _("Name shown"),
    "name_display": None,
    "email": _("Email address"),
    "verified_purchase": _("Verified purchase"),
    "written": _("Written"),
    "changed": _("Last changed"),
    "history": _("History"),
    "to": None,
    "to_title": _("State"),
    "when": _("When"),
    "why": _("Why"),
    "shop_reply": _("Our reply"),
}


def export_reviews(root, account):
    reviews = root["reviews"].written_by(customer_key(account.__name__))
    return [exported(review) for _pid, review in sorted(reviews.items())] or None


def guest_reviews(root, email):
    """``[(author key, Review)]`` written through the links of the orders placed with
    ``email`` without an account, and left with that address."""
    reviews = root["reviews"]
    address = email.strip().casefold()
    found = []
    for order in root["orders"].guest_orders(email):
        key = guest_key(order.number)
        for _pid, review in sorted(reviews.written_by(key).items()):
            if (review.email or "").strip().casefold() == address:
                found.append((key, review))
    return found


def export_guest_reviews(root, email):
    return [exported(review) for _key, review in guest_reviews(root, email)] or None


def delete(review, registry=None):
    """Remove ``review`` for good (the aggregates follow if it was published)."""
    folder = review.__parent__
    if review.workflow_state == PUBLISHED:
        aggregates.count_out(review)
    folder.remove(review.__name__, registry=registry)


def _erase(reviews, written, now, registry, options):
    """Delete each review of ``written`` (``[(author key, Review)]``), or anonymise the
    published ones with ``KEEP_REVIEWS``; their entries in ``by_author`` go.
    Returns the line for the erasure's report, or None when there were none."""
    keep = erasure.KEEP_REVIEWS in options
    kept = deleted = 0
    for key, review in written:
        reviews.forget_author(key, review.pid)
        if keep and review.workflow_state == PUBLISHED:
            review.anonymise(now)
            notify(ObjectModified(review), registry)  # the catalog's author index forgets
            kept += 1
        else:
            delete(review, registry)
            deleted += 1
    if not written:
        return None
    return f"{deleted} review(s) deleted, {kept} kept without any name"


def erase_reviews(root, account, now, registry, options=frozenset()):
    reviews = root["reviews"]
    key = customer_key(account.__name__)
    written = [(key, review) for _pid, review in sorted(reviews.written_by(key).items())]
    line = _erase(reviews, written, now, registry, options)
    reviews.forget_author(key)
    return line


def erase_guest_reviews(root, email, now, registry, options=frozenset()):
    return _erase(root["reviews"], guest_reviews(root, email), now, registry, options)


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
        Contributor(
            "reviews",
            _("Reviews"),
            export=export_reviews,
            erase=erase_reviews,
            export_guest=export_guest_reviews,
            erase_guest=erase_guest_reviews,
            labels=LABELS,
        ),
    )
