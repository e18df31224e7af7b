"""A previewed statement carried in the desk's "Confirm" form: compressed and signed
(HMAC-SHA256 with the site secret, its own salt), valid :data:`MAX_AGE` seconds.

The signature proves that what is confirmed is what was previewed, by this site, lately;
the CSRF token of the form proves who sends it.
"""

import base64
import hashlib
import zlib

from itsdangerous import BadSignature, TimestampSigner

#: Seconds a preview may be confirmed after it was made.
MAX_AGE = 3600


def _signer(settings):
    secret = settings["shopcms.secret"]
    return TimestampSigner(secret, salt="shopcms.bank-statement", digest_method=hashlib.sha256)


def seal(settings, data):
    """``data`` (bytes) compressed and signed: ASCII for a hidden field."""
    packed = base64.urlsafe_b64encode(zlib.compress(data, 6)).rstrip(b"=")
    return _signer(settings).sign(packed).decode("ascii")


def unseal(settings, token, max_age=MAX_AGE):
    """The bytes sealed in ``token``, or None (changed, or older than ``max_age``)."""
    try:
        packed = _signer(settings).unsign(token.encode("ascii"), max_age=max_age)
        return zlib.decompress(base64.urlsafe_b64decode(packed + b"=" * (-len(packed) % 4)))
    except (BadSignature, ValueError, zlib.error):
        return None
