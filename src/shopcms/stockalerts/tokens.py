"""The confirmation link of a guest's alert: a token of ``shopcms.web.tokens`` (signed with
the site secret, salted for this purpose, dated) naming the alert and its ``nonce``.

Valid :data:`~shopcms.stockalerts.alerts.CONFIRM_MAX_AGE` after it was made, and only while
the alert still carries that nonce: confirming clears it, so a followed link (and every
other of the alert) is used up.  The check is in constant time; a forged, cut or altered
token is told apart from an expired one, and both from a used one, so the page can say
what to do.
"""

import secrets

from shopcms.stockalerts.alerts import CONFIRM_MAX_AGE
from shopcms.web import tokens

PURPOSE = "stock-alert-confirm"

#: Why a link does not confirm.
FORGED, EXPIRED, USED = tokens.FORGED, tokens.EXPIRED, "used"


def confirm_token(secret, alert, now):
    """The token of ``alert``'s confirmation link, made at ``now``."""
    return tokens.sign(secret, PURPOSE, {"k": alert.key, "n": alert.nonce}, now)


def read(secret, folder, token, now):
    """``(alert, None)`` for a link that confirms ``alert``; else ``(None, why)``:
    :data:`FORGED`, :data:`EXPIRED` or :data:`USED` (confirmed, replaced or gone)."""
    payload, problem = tokens.unsign(secret, PURPOSE, str(token), now, CONFIRM_MAX_AGE)
    if payload is None:
        return None, problem
    key, nonce = payload.get("k"), payload.get("n")
    if not isinstance(key, str) or not isinstance(nonce, str):
        return None, FORGED
    alert = folder.alerts.get(key)
    if alert is None or alert.nonce is None or not secrets.compare_digest(alert.nonce, nonce):
        return None, USED
    return alert, None
