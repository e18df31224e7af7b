"""The guest's review link: signed, expiring, single-use, one per product of an order.

The "delivered" order mail carries, for each product of the order, a link whose token
names the order and the product and the moment it was made, signed (HMAC-SHA256 with the
site secret, salted for this purpose) so that it cannot be forged nor turned to another
order or product.  It is valid :data:`MAX_AGE` after it was made, and only until a review
was written with it: the review recorded for the order and product (``Reviews.by_author``)
is what uses the link up, so no nonce needs keeping, and the same link cannot write twice.
Its page shows the form (a GET uses nothing up); the POST writes the review.
"""

import hashlib
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer

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


def read_token(secret, token, now):
    """The :class:`LinkGrant` of a genuine, unexpired ``token``, or None.

    Whether a review was written with it already is the caller's question
    (``Reviews.written_by``).
    """
    try:
        raw = _signer(secret).unsign(token.encode("ascii"))
        payload = json.loads(urlsafe_b64decode(raw + b"=" * (-len(raw) % 4)))
        number, pid, issued = payload["o"], payload["p"], int(payload["t"])
    except (BadSignature, ValueError, KeyError, TypeError, UnicodeError, AttributeError):
        return None
    if not isinstance(number, str) or not isinstance(pid, int):
        return None
    if not 0 <= now.timestamp() - issued <= MAX_AGE:
        return None
    return LinkGrant(number, pid)
