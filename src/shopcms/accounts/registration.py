"""Creating an account and proving its address.

A new account's address is not verified (``email_verified`` False: it cannot log in) until
its owner opens the mailed link and confirms with the account's password.  The answers
never tell whether an address already has an account: registering a known address mails
its owner instead (and hashes the password anyway, so both answers take the same time);
asking a new link answers the same for every address.  The mails are not composed here:
each answer stores one intent in the outbox, the same for every address
(``shopcms.accounts.mail``), and the mail sender composes what fits.
"""

from shopcms.accounts.links import consume_token, read_token
from shopcms.accounts.mail import ask_verification, registered
from shopcms.accounts.passwords import hash_password
from shopcms.web.tokens import VERIFY_EMAIL


def register(request, customers, email, password):
    """Create an unverified account and mail it the link, or tell the owner of ``email``
    that someone tried; the caller answers the same either way."""
    existing = customers.find(email)
    if existing is None:
        account = customers.create(email, password, language=request.locale_name)
        account.email_verified = False
    else:
        hash_password(password)  # the time creating an account would take
    registered(request, email)


def send_link_again(request, customers, email):
    """Mail a new link if ``email`` has an active account still waiting for it (the
    sender decides; nothing is looked up here)."""
    ask_verification(request, email)


def waiting_account(request, token):
    """The account a valid verification ``token`` names, or None."""
    found = read_token(request, token, VERIFY_EMAIL)
    return found[0] if found is not None else None


def verify(request, token):
    """Use ``token`` up and mark its account's address verified; returns the account, or
    None if the token was used meanwhile."""
    found = consume_token(request, token, VERIFY_EMAIL)
    if found is None:
        return None
    account = found[0]
    account.email_verified = True
    return account
