"""The confirmation link of an entry: the entry counts once it is followed.

The token names the contest, the entry and its single-use ``nonce``, and when it was made;
it is signed (HMAC-SHA256 with the site secret, salted for this purpose), valid
:data:`MAX_AGE`, and used up when followed (the nonce is replaced).  A forged, altered or
foreign token reads as None, the same as one whose entry is gone.
"""

import hashlib

from itsdangerous import BadSignature, Signer

#: Seconds a confirmation link stays valid: 7 days (and never after the contest closed).
MAX_AGE = 7 * 24 * 3600

_SALT = "shopcms.token.contest-entry"


def _signer(secret):
    return Signer(secret, salt=_SALT, digest_method=hashlib.sha256)


def confirm_token(secret, contest, entry, now):
    """A confirmation token for ``entry`` of ``contest`` (its current nonce), made at ``now``."""
    value = f"{contest.__name__}|{entry.key}|{entry.nonce}|{int(now.timestamp())}"
    return _signer(secret).sign(value.encode("utf-8")).decode("ascii")


def read_token(secret, token):
    """``(contest name, entry key, nonce, issued)`` of a token this site signed, or None."""
    try:
        value = _signer(secret).unsign(str(token).encode("ascii")).decode("utf-8")
    except (BadSignature, UnicodeError):
        return None
    values = value.split("|")
    if len(values) != 4 or not values[3].isdigit():
        return None
    name, key, nonce, issued = values
    return name, key, nonce, int(issued)
