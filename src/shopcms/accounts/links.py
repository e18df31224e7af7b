"""The links mailed to an account's owner: reading and using their tokens.

A link carries a signed, expiring, single-use token (``shopcms.web.tokens``): verifying a
new account's address, choosing a new password, confirming a new address.  Its page only
*reads* the token on a GET (mail scanners open links); the form on that page POSTs it and
the POST *consumes* it, which also kills every earlier token of the same purpose.  Tokens
of accounts that were disabled are worth nothing.
"""

from shopcms.web import tokens


def _secret(request):
    return request.registry.settings["shopcms.secret"]


def read_token(request, token, purpose):
    """``(account, data)`` for a valid token of ``purpose`` (active accounts only), or None."""
    found = tokens.read(
        _secret(request), request.root["customers"], token or "", purpose, request.now
    )
    if found is None or not found[0].active:
        return None
    return found


def consume_token(request, token, purpose):
    """Like :func:`read_token`, and the token (with every earlier one) is used up (a write:
    call from a POST)."""
    if read_token(request, token, purpose) is None:
        return None
    return tokens.consume(_secret(request), request.root["customers"], token, purpose, request.now)
