"""The guest's review link: signed, expiring, single-use, one per product of an order.

The "delivered" order mail carries, for each product of the order, a link whose token
names the order and the product and the moment it was made, signed (HMAC-SHA256 with the
site secret, salted for this purpose) so that it cannot be forged nor turned to another
order or product.  It is valid :data:`MAX_AGE` after it was made, and only until a review
was written with it: the review recorded for the order and product (``Reviews.by_author``)
is what uses the link up, so no nonce needs keeping, and the same link cannot write twice.
Its page shows the form (a GET uses nothing up); the POST writes the review.

:func:`delivered_mail_part` is what the reviews add to the "delivered" order mail
(``config.add_order_mail_part``): for a guest's order a signed link per product, for a
customer's order a link to the product's review page (their review belongs to their
account, which they log in to).
"""

import hashlib
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer
from pyramid.traversal import find_root

from shopcms.orders.api import MailPart
from shopcms.products import api as products
from shopcms.web.i18n import _

PURPOSE = "review-link"
#: Seconds a link stays valid: 60 days after the delivered mail.
MAX_AGE = 60 * 24 * 3600


@dataclass(frozen=True)
class LinkGrant:
    """What a valid link allows: writing about product ``pid`` of order ``number``."""

    number: str
    pid: int


def _signer(secret):
    return Signer(secret, salt=f"shopcms.token.{PURPOSE}", digest_method=hashlib.sha256)


def make_token(secret, number, pid, now):
    """The token of the link for product ``pid`` of order ``number``."""
    payload = {"o": number, "p": pid, "t": int(now.timestamp())}
    raw = urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=")
    return _signer(secret).sign(raw).decode("ascii")


#: Why :func:`check_token` refuses a token.
FORGED, EXPIRED = "forged", "expired"


def check_token(secret, token, now):
    """``(LinkGrant, None)`` for a genuine, unexpired ``token``; else ``(None, FORGED)``
    (not ours, altered, not a token) or ``(None, EXPIRED)`` (genuine, older than
    :data:`MAX_AGE`), so that the page can tell the visitor which.

    Whether a review was written with it already is the caller's question
    (``Reviews.written_by``).
    """
    try:
        raw = _signer(secret).unsign(token.encode("ascii"))
        payload = json.loads(urlsafe_b64decode(raw + b"=" * (-len(raw) % 4)))
        number, pid, issued = payload["o"], payload["p"], int(payload["t"])
    except (BadSignature, ValueError, KeyError, TypeError, UnicodeError, AttributeError):
        return None, FORGED
    if not isinstance(number, str) or not isinstance(pid, int):
        return None, FORGED
    if not 0 <= now.timestamp() - issued <= MAX_AGE:
        return None, EXPIRED
    return LinkGrant(number, pid), None


def read_token(secret, token, now):
    """The :class:`LinkGrant` of a genuine, unexpired ``token``, or None."""
    return check_token(secret, token, now)[0]


def delivered_mail_part(request, order):
    """The links to write a review of each product of ``order`` (still sold), for its
    "delivered" mail; None when there is none.  ``request`` makes the links (absolute, in
    the order's language)."""
    site = find_root(order)
    lang = order.lang
    pids = {}
    for line in order.lines:  # one link per product, in the order's order
        pids.setdefault(line["pid"], line.get("title") or line.get("name"))
    links = []
    secret = request.registry.settings["shopcms.secret"]
    for pid, title in pids.items():
        product = products.product_by_id(site, pid)
        if product is None or not getattr(product, "published", True):
            continue
        label = _("Write a review of ${product}", mapping={"product": title})
        if order.customer is not None:
            url = request.link(product, "review", lang=lang, absolute=True)
        else:
            token = make_token(secret, order.number, pid, request.now)
            url = request.link(site["reviews"], "write", token, lang=lang, absolute=True)
        links.append((label, url))
    if not links:
        return None
    if order.customer is not None:
        text = _("Tell other customers what you think: log in to your account to write a review.")
    else:
        text = _(
            "Tell other customers what you think. Each link lets you write one review, "
            "within 60 days."
        )
    return MailPart(heading=_("What do you think of it?"), text=text, links=tuple(links))
