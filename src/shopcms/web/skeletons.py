"""The entries of the shared-page cache (``shopcms.web.pagecache``): a skeleton kept, with
what answering from it needs (its headers, holes, effects, language, validator, expiry).
"""

import hashlib


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


def content_etag(pieces, holes):
    """A weak validator of a skeleton: its text and its holes' arguments.  The hour of the
    stateless CSRF token is added when answering (:meth:`SharedPageCache._answer`), so a
    browser never keeps a page whose token ran out."""
    digest = hashlib.blake2b(repr(holes).encode(), digest_size=12)
    for piece in pieces:
        digest.update(piece if isinstance(piece, bytes) else b"\x00%d" % piece)
    return f'W/"{digest.hexdigest()}'
