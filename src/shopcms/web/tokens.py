"""Signed, expiring, single-use tokens for links sent by mail (verify, reset, new email).

A token names an account, a purpose and the moment it was issued, and carries the
account's current *nonce* for that purpose; it is signed (HMAC-SHA256 with the site secret
and the purpose as salt) so it cannot be forged or moved to another purpose.  It is valid
until ``max_age`` seconds after issue, measured with the site clock (``request.now``), and
only while the account's nonce is unchanged: using a token (``consume``) replaces the nonce,
so every token of that purpose issued before is dead, the used one included.

Links that name no account (a guest's order) use :func:`sign` and :func:`unsign`: the same
signature and expiry, with a payload of the caller's; whether such a link was used is the
caller's own data (no nonce).

Tokens travel in links; the pages they open show a form that POSTs them (a GET never uses
one up) and send no Referer, and no code logs them.
"""

import hashlib
import json
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode

from itsdangerous import BadSignature, Signer

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 (a purpose name, not a password)
CHANGE_EMAIL = "change-email"

#: Seconds a token of each purpose stays valid.
MAX_AGE = {VERIFY_EMAIL: 3 * 24 * 3600, RESET_PASSWORD: 3600, CHANGE_EMAIL: 24 * 3600}


def _signer(secret, purpose):
    return Signer(secret, salt=f"shopcms.token.{purpose}", digest_method=hashlib.sha256)


def _nonce(account, purpose):
    nonces = getattr(account, "token_nonces", None)
    return nonces.get(purpose) if nonces is not None else None


def issue(secret, account, purpose, now, data=None):
    """A new token for ``account`` and ``purpose`` (``data``: extra JSON, e.g. a new email).

    Writes a nonce on the account if it has none for this purpose yet: call in a POST.
    """
    if _nonce(account, purpose) is None:
        account.token_nonces[purpose] = secrets.token_urlsafe(16)
    payload = {
        "u": account.__name__,
        "n": account.token_nonces[purpose],
        "t": int(now.timestamp()),
        "d": data,
    }
    raw = urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=")
    return _signer(secret, purpose).sign(raw).decode("ascii")


def read(secret, customers, token, purpose, now):
    """``(account, data)`` for a valid token, or None (forged, expired, used, unknown)."""
    try:
        raw = _signer(secret, purpose).unsign(token.encode("ascii"))
        payload = json.loads(urlsafe_b64decode(raw + b"=" * (-len(raw) % 4)))
        userid, nonce, issued = payload["u"], payload["n"], int(payload["t"])
    except (BadSignature, ValueError, KeyError, TypeError, UnicodeError):
        return None
    if not 0 <= now.timestamp() - issued <= MAX_AGE[purpose]:
        return None
    account = customers.get(userid) if isinstance(userid, str) else None
    if account is None or not secrets.compare_digest(str(_nonce(account, purpose)), str(nonce)):
        return None
    return account, payload.get("d")


def consume(secret, customers, token, purpose, now):
    """Like :func:`read`, and the token (with every other of its purpose) is used up."""
    found = read(secret, customers, token, purpose, now)
    if found is not None:
        found[0].token_nonces[purpose] = secrets.token_urlsafe(16)
    return found


#: Why :func:`unsign` refuses a token.
FORGED, EXPIRED = "forged", "expired"


def sign(secret, purpose, payload, now):
    """A signed token of ``payload`` (a JSON object; its key ``t`` is set to ``now``) for
    ``purpose``: a link that names no account."""
    payload = {**payload, "t": int(now.timestamp())}
    raw = urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=")
    return _signer(secret, purpose).sign(raw).decode("ascii")


def unsign(secret, purpose, token, now, max_age):
    """``(payload, None)`` for a genuine token of ``purpose`` made at most ``max_age``
    seconds before ``now``; else ``(None, FORGED)`` (not ours, altered, cut, another
    purpose's) or ``(None, EXPIRED)`` (genuine, too old)."""
    try:
        raw = _signer(secret, purpose).unsign(token.encode("ascii"))
        payload = json.loads(urlsafe_b64decode(raw + b"=" * (-len(raw) % 4)))
        issued = int(payload["t"])
    except (BadSignature, ValueError, KeyError, TypeError, UnicodeError, AttributeError):
        return None, FORGED
    if not isinstance(payload, dict):
        return None, FORGED
    if not 0 <= now.timestamp() - issued <= max_age:
        return None, EXPIRED
    return payload, None
