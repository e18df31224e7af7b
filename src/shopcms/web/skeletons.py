"""The entries of the shared-page cache (``shopcms.web.pagecache``): a skeleton kept, with
what answering from it needs (its headers, holes, effects, language, validator, expiry).
"""

import hashlib
import time

from shopcms.web.clock import system_clock


class Entry:
    __slots__ = (
        "expires",
        "status",
        "headers",
        "pieces",
        "holes",
        "effects",
        "lang",
        "etag",
        "kind",
        "size",
        "anonymous",
        "changes_at",
    )

    def __init__(self, expires, status, headers, pieces, holes, effects, lang, kind=None):
        self.expires, self.status, self.headers = expires, status, headers
        self.pieces, self.holes, self.effects, self.lang = pieces, holes, effects, lang
        self.kind = kind
        self.etag = next((v for k, v in headers if k.lower() == "etag"), None)
        if self.etag is None:
            # A view that sets no validator in a skeleton (its page differs per visitor
            # only by parts): the skeleton's own fingerprint, for visitors without cookies.
            self.etag = content_etag(pieces, holes)
        self.size = sum(len(p) for p in pieces[::2])
        # The pieces with the parts of a visitor without cookies put in, once rendered
        # (they are everyone's): ``personal.inlined``.
        self.anonymous = None
        # When the page changes by itself (pagecache.CHANGES_AT), by the shop clock; None.
        self.changes_at = None


def page_key(environ):
    """The cache's key of a request: its scheme and host too, since pages carry absolute
    links."""
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    )


def content_etag(pieces, holes):
    """A weak validator of a skeleton: its text and its holes' arguments.  The hour of the
    stateless CSRF token is added when answering (:meth:`SharedPageCache._answer`), so a
    browser never keeps a page whose token ran out."""
    digest = hashlib.blake2b(repr(holes).encode(), digest_size=12)
    for piece in pieces:
        digest.update(piece if isinstance(piece, bytes) else b"\x00%d" % piece)
    return f'W/"{digest.hexdigest()}'


def _now(registry):
    # The shop clock (shopcms.web.clock); a cache made without a registry (tests) has none.
    return getattr(registry, "shopcms_clock", system_clock)()


def changed_by_itself(entry, registry):
    """Whether the shop clock passed the moment ``entry``'s page changes by itself: a
    moved clock (tests) does not move the monotonic time ``expires`` counts in."""
    return entry.changes_at is not None and _now(registry) >= entry.changes_at


def expiry(max_age, changes_at, registry):
    """When an entry made now expires (monotonic): after ``max_age`` seconds, or at
    ``changes_at`` (aware, by the shop clock) if that comes first."""
    if changes_at is None:
        return time.monotonic() + max_age
    left = (changes_at - _now(registry)).total_seconds()
    return time.monotonic() + min(max_age, left)
