"""Reviews as content: the site's ``reviews`` folder, one folder per product, the reviews.

::

    Site/reviews/                  Reviews: the product folders, and who wrote what
      <product id>/                ProductReviews: a BTree of reviews, its aggregates
        <time-ordered key>         Review

The reviews of a product live in a folder of their own under the site's ``reviews``
folder, keyed by the product's id rather than under the product: the products package
owns products and knows nothing of reviews (dependencies point one way).  Keys are
time-ordered (the creation time in microseconds, then random digits), so a folder's keys
list its reviews oldest first without loading them, and two reviews written at the same
instant never share a key.

What a review shows of its author is decided when it is written (``display``) and only
that is kept: ``shown_name`` is the full name, the first name and an initial, the initials,
or nothing (anonymous).  The author's email is kept for the review's three mails (received,
published, rejected) and erased with the account.

The ACL follows the workflow state (``__acl__`` is computed, never stored): a published
review may be seen by everyone; every other state only by the moderators, the
administrators and (except spam) its author.  The catalog reads the same ACL, so no
query shows an unpublished review to a visitor.
"""

import dataclasses
import secrets
import time

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from pyramid.authorization import DENY_ALL, Allow, Everyone

from shopcms.reviews.aggregates import Aggregates
from shopcms.reviews.workflow import PUBLISHED, SPAM
from shopcms.tree.resources import Content, Folder, utcnow
from shopcms.web import security

_MODERATORS = security.role_principal(security.MODERATOR)
_ADMINS = security.role_principal(security.ADMIN)

#: How a review shows its author's name (``display``).
FULL, FIRST_INITIAL, INITIALS, ANONYMOUS = "full", "first-initial", "initials", "anonymous"
DISPLAYS = (FULL, FIRST_INITIAL, INITIALS, ANONYMOUS)


def shown_name(name, display):
    """What a review shows of ``name`` for ``display``; ``None`` for anonymous.

    >>> shown_name("Anna de Smet", FIRST_INITIAL), shown_name("Anna de Smet", INITIALS)
    ('Anna S.', 'A. d. S.')
    """
    words = (name or "").split()
    if display == ANONYMOUS or not words:
        return None
    if display == FULL:
        return " ".join(words)
    if display == FIRST_INITIAL:
        return words[0] if len(words) == 1 else f"{words[0]} {words[-1][0].upper()}."
    return " ".join(f"{word[0]}." for word in words)


def new_key():
    """A time-ordered, unique folder key: microseconds since the epoch, then 4 random hex."""
    return f"{time.time_ns() // 1000:017d}{secrets.token_hex(2)}"


class Review(Content):
    """One review of one product (see the module).

    Change it only through its methods and the workflow (``REVIEW_WORKFLOW``): they keep
    the catalog and the aggregates right.
    """

    content_type = "review"
    reply = None  # (text, when, who) of the shop's public reply
    rejection = None  # (reason code, free text) of the last rejection
    erased = None  # when its author was erased and it stayed anonymously
    mail_language = None  # the language of the page it was written on: its mails' (writing)

    def __init__(
        self,
        *,
        pid,
        rating,
        title,
        text,
        language,
        display,
        author,
        author_key,
        shown_name,
        email,
        verified,
    ):
        super().__init__()
        self.author_key = author_key  # its key in Reviews.by_author
        self.display = display  # how the name is shown (DISPLAYS)
        self.pid = pid
        self.rating = rating
        self.title = title
        self.text = text
        self.language = language
        self.author = author  # account id, or None for a guest
        self.shown_name = shown_name
        self.email = email
        self.verified = verified
        self.helpful = Length()  # votes, each counted without who gave it
        self.reports = PersistentList()  # (when, reason): no reporter is kept

    @property
    def votes(self):
        """The helpful votes (what the catalog's ``votes`` index sorts by)."""
        return self.helpful()

    @property
    def flags(self):
        """The reports (what the catalog's ``flags`` index counts: the queue shows them)."""
        return len(self.reports)

    @property
    def __acl__(self):
        staff = [(Allow, _MODERATORS, (security.VIEW, security.MODERATE))]
        staff.append((Allow, _ADMINS, (security.VIEW, security.MODERATE)))
        acl = [(Allow, Everyone, security.VIEW)] if self.workflow_state == PUBLISHED else []
        if self.author is not None and self.workflow_state != SPAM:
            acl.append(
                (Allow, security.user_principal(self.author), (security.VIEW, security.OWN_REVIEW))
            )
        return [*acl, *staff, DENY_ALL]

    @property
    def written(self):
        """When its author last wrote it (made or changed): what the daily limit counts.
        Moderation and replies change ``modified``, not this."""
        return getattr(self, "written_at", None) or self.created

    def edit(self, *, rating, title, text, language):
        """Replace what the author wrote (the workflow's ``edit`` sends it back to pending)."""
        self.rating, self.title, self.text, self.language = rating, title, text, language
        self.touch()
        self.written_at = self.modified

    def set_reply(self, text, who, now=None):
        """The shop's public reply (``""`` removes it)."""
        self.reply = (text, now or utcnow(), who) if text else None
        self.touch()

    def add_report(self, reason, now=None):
        """Record one report; returns how many the review has."""
        self.reports.append((now or utcnow(), reason))
        return len(self.reports)

    def anonymise(self, now):
        """Keep the review without anything of its author (erasure, "keep anonymously"):
        no account id, key, name or email, and the history no longer names them."""
        actors = {self.author_key, self.author}
        self.author = self.author_key = self.shown_name = self.email = None
        self.display = ANONYMOUS
        for index, entry in enumerate(self.workflow_history):
            if entry.actor in actors:
                self.workflow_history[index] = dataclasses.replace(entry, actor=None)
        self.erased = now
        self.touch()

    @property
    def closed_at(self):
        """When it entered its current state (the last history entry)."""
        return self.workflow_history[-1].when


class ProductReviews(Folder):
    """The reviews of one product, keyed by time (see the module)."""

    content_type = "product-reviews"

    def __init__(self, pid):
        super().__init__()
        self.pid = pid
        self.aggregates = Aggregates()


class Reviews(Folder):
    """The site's ``reviews`` folder: one :class:`ProductReviews` per reviewed product,
    and the index of who wrote which review.

    ``by_author`` maps an author key (``user:ID`` for a customer, ``order:NUMBER`` for a
    guest writing through the links of one order) to ``{pid: review key}``: it keeps one
    review per product per customer, counts a day's reviews, and finds a customer's reviews
    for their export and erasure without searching.
    """

    content_type = "reviews"

    def __init__(self):
        super().__init__()
        self.by_author = OOBTree()

    def of_product(self, pid):
        """The :class:`ProductReviews` of product ``pid``, or None before its first review."""
        return self.get(str(pid))

    def folder_for(self, pid, registry=None):
        """The :class:`ProductReviews` of ``pid``, made on its first review (a POST)."""
        folder = self.of_product(pid)
        if folder is None:
            folder = self.add(str(pid), ProductReviews(pid), registry=registry)
        return folder

    def written_by(self, author_key):
        """``{pid: Review}`` of ``author_key``'s reviews."""
        found = {}
        for pid, key in (self.by_author.get(author_key) or {}).items():
            folder = self.of_product(pid)
            review = folder.get(key) if folder is not None else None
            if review is not None:
                found[pid] = review
        return found

    def record_author(self, author_key, review):
        # A plain dict replaced as a whole: the change is seen by the BTree.
        written = dict(self.by_author.get(author_key) or {})
        written[review.pid] = review.__name__
        self.by_author[author_key] = written

    def forget_author(self, author_key, pid=None):
        """Drop ``author_key``'s entry for ``pid`` (or all of them)."""
        written = dict(self.by_author.get(author_key) or {})
        if pid is None:
            written = {}
        else:
            written.pop(pid, None)
        if written:
            self.by_author[author_key] = written
        elif author_key in self.by_author:
            del self.by_author[author_key]


def customer_key(userid):
    return f"user:{userid}"


def guest_key(order_number):
    return f"order:{order_number}"
