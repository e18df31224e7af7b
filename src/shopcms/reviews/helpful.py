"""Helpful votes and reports from visitors: one vote per browser per review, and a simple
limit per client on both.

Who voted is not stored anywhere on the server (``moderation.vote_helpful`` counts).  The
browser remembers its own votes in the signed cookie ``reviews_helpful`` (strictly
necessary: set only when the visitor votes, to count the vote once): the keys of the
reviews it voted for (at most :data:`REMEMBERED`: the keys are time-ordered, so the
oldest reviews are forgotten first), signed with the site secret
so that an edited cookie counts as no cookie.  A visitor who clears the cookie can vote
again: a vote is a hint, not a ballot, and the limit per client caps what that can do.

:data:`VOTES`, :data:`REPORTS` and :data:`REPORTED` limit the votes and reports of one
client (``shopcms.web.limits``: a keyed hash of its address, per process, in memory).
"""

import hashlib

from itsdangerous import BadSignature, Signer

from shopcms.web.cookies import set_cookie
from shopcms.web.limits import Throttle, client

__all__ = ["REPORTED", "REPORTS", "VOTES", "Throttle", "client", "remember", "voted"]

COOKIE = "reviews_helpful"  # declared (HELPFUL_COOKIE) in the package's includeme
#: How many votes a browser's cookie remembers (about 22 characters each).
REMEMBERED = 120


def _signer(request):
    secret = request.registry.settings["shopcms.secret"]
    return Signer(secret, salt="shopcms.reviews.helpful", digest_method=hashlib.sha256)


def voted(request):
    """The keys of the reviews this browser voted for (empty for a missing or forged
    cookie)."""
    value = request.cookies.get(COOKIE)
    if not value:
        return frozenset()
    try:
        raw = _signer(request).unsign(value.encode("ascii", "replace")).decode("ascii")
    except (BadSignature, UnicodeError):
        return frozenset()
    return frozenset(key for key in raw.split(".") if key.isalnum())


def remember(request, key):
    """Add review ``key`` to this browser's votes (on the response, through the cookie
    registry)."""
    keys = sorted({*voted(request), key})[-REMEMBERED:]
    value = _signer(request).sign(".".join(keys).encode("ascii")).decode("ascii")

    def callback(request, response):
        set_cookie(request, response, COOKIE, value)

    request.add_response_callback(callback)


#: Helpful votes: 30 in 10 minutes per client; reports: 5 an hour, and one a day per
#: review (three reports send a review back to the moderators: three clients, not one).
VOTES = Throttle(30, 600)
REPORTS = Throttle(5, 3600)
REPORTED = Throttle(1, 24 * 3600)
