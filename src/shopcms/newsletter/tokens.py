"""The signed links of the newsletter's mails.

- The **confirmation** link (double opt-in): names the subscription and its single-use
  ``nonce``, and when it was made; signed (HMAC-SHA256 with the site secret, salted for this
  purpose), valid :data:`CONFIRM_MAX_AGE`, used up when followed (the nonce is replaced, so
  every earlier confirmation link of the subscription dies with it).
- The **subscriber's link** (preferences page, one-click unsubscribe, ``List-Unsubscribe``):
  names the subscription and its ``link_key``, signed with another salt.  It does not
  expire and is not used up: a law-abiding unsubscribe link must work in every newsletter
  ever sent, and unsubscribing twice does nothing more.  It dies when the subscription ends
  (unsubscribed, erased): there is nothing left for it to open.

A token is checked in constant time; a forged, altered or foreign one is refused the same
way as one whose subscription is gone.
"""

import hashlib
import secrets

from itsdangerous import BadSignature, Signer

#: Seconds a confirmation link stays valid: 7 days.
CONFIRM_MAX_AGE = 7 * 24 * 3600

_CONFIRM = "shopcms.token.newsletter-confirm"
_LINK = "shopcms.token.newsletter-link"


def _signer(secret, salt):
    return Signer(secret, salt=salt, digest_method=hashlib.sha256)


def confirm_token(secret, subscription, now):
    """A confirmation token for ``subscription`` (its current nonce), made at ``now``."""
    value = f"{subscription.key}.{subscription.nonce}.{int(now.timestamp())}"
    return _signer(secret, _CONFIRM).sign(value.encode("ascii")).decode("ascii")


def _unsign(secret, salt, token, parts):
    """The ``parts`` dot-separated values a ``token`` this site signed with ``salt`` holds,
    or None for a forged, altered or malformed one."""
    try:
        value = _signer(secret, salt).unsign(str(token).encode("ascii")).decode("ascii")
    except (BadSignature, UnicodeError):
        return None
    values = value.split(".")
    return values if len(values) == parts else None


def confirm_claim(secret, token):
    """``(subscription key, nonce, issued)`` of a confirmation ``token`` this site signed,
    or None for a forged or altered one (neither its age nor its nonce is checked: the
    confirmation page says why a genuine link no longer works)."""
    values = _unsign(secret, _CONFIRM, token, 3)
    if values is None or not values[2].isdigit():
        return None
    key, nonce, issued = values
    return key, nonce, int(issued)


def read_confirm_token(secret, subscriptions, token, now):
    """The pending or active subscription a valid confirmation ``token`` names, or None
    (forged, expired, already used, subscription gone)."""
    claim = confirm_claim(secret, token)
    if claim is None:
        return None
    key, nonce, issued = claim
    if not 0 <= now.timestamp() - issued <= CONFIRM_MAX_AGE:
        return None
    subscription = subscriptions.get(key)
    if subscription is None or not secrets.compare_digest(subscription.nonce, nonce):
        return None
    return subscription


def link_token(secret, subscription):
    """The token of ``subscription``'s preferences and unsubscribe links."""
    value = f"{subscription.key}.{subscription.link_key}"
    return _signer(secret, _LINK).sign(value.encode("ascii")).decode("ascii")


def genuine_link(secret, token):
    """``(subscription key, link key)`` of a link ``token`` this site signed, or None for a
    forged or altered one (whether the subscription still exists is not asked)."""
    values = _unsign(secret, _LINK, token, 2)
    return tuple(values) if values is not None else None


def read_link_token(secret, subscriptions, token):
    """The subscription a genuine link ``token`` names, or None (forged, altered, or its
    subscription has ended)."""
    found = genuine_link(secret, token)
    if found is None:
        return None
    key, link_key = found
    subscription = subscriptions.get(key)
    if subscription is None or not secrets.compare_digest(subscription.link_key, link_key):
        return None
    return subscription
