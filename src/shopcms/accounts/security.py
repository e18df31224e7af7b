"""Changing an account's credentials: password, email address, the second factor.

- A forgotten password: a link by mail (to active accounts only), which works once.
- A new password is stored, then every session of the account ends; the browser that made
  the change (if logged in) gets a fresh one.
- A new email address changes nothing until its owner opens the link mailed to it
  (``tokens.CHANGE_EMAIL``, the address inside the signed token).  Then the address
  changes, every other session ends and the old address is told.  If the new address
  already has an account, its owner is told instead, and the answer is the same: nobody
  learns which addresses have accounts.
- The second factor (``shopcms.accounts.totp``): setting it up shows a new secret once and
  keeps it sealed in the session (:data:`SETUP`) until a code from the app proves it was
  read.

The callers (account security, the reset link) check the current password first
(``authentication.confirm_password``).
"""

from shopcms.accounts import mail, totp
from shopcms.accounts.authentication import fresh_session
from shopcms.accounts.links import consume_token
from shopcms.accounts.resources import normalise_email
from shopcms.tree.resources import FolderKeyError
from shopcms.web.i18n import _
from shopcms.web.security import SESSION_SECOND_FACTOR
from shopcms.web.tokens import CHANGE_EMAIL, RESET_PASSWORD

#: Session key of a second-factor secret shown but not yet confirmed (sealed by the vault).
SETUP = "account.totp_setup"


class Refused(Exception):
    """A change that cannot be made; ``message`` says why (translatable)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def change_password(request, account, password):
    """Store ``password``, end every session and give this browser a new one."""
    account.set_password(password)
    fresh_session(request, account)


def send_reset_link(request, customers, email):
    """Mail the link to choose a new password if ``email`` has an active account; the
    caller answers the same either way, and so does this: it stores the intent, and the
    mail sender looks the address up."""
    mail.ask_reset(request, email)


def reset_password(request, token, password):
    """Use the reset ``token`` and store ``password``; returns the account, or None if the
    token was used meanwhile.  Every session of the account ends; using the link proves the
    mailbox too, so an address not yet verified is verified."""
    found = consume_token(request, token, RESET_PASSWORD)
    if found is None:
        return None
    account = found[0]
    account.set_password(password)
    account.email_verified = True
    return account


def ask_email_change(request, account, email):
    """Mail the link that moves ``account`` to ``email`` (or tell that address's owner that
    someone tried); returns the address as stored.  Raises :class:`Refused` if it already
    is the account's."""
    new = normalise_email(email)
    if new == account.email:
        raise Refused(_("This is already your address."))
    # Whether another account has it is the mail sender's business: it then writes to
    # that account's owner instead.
    mail.ask_email_change(request, account, new)
    return new


def change_email(request, customers, token):
    """Use the ``token`` of a mailed link: the account gets its new address, every other
    session ends and the old address is told.  Returns ``(account, new address)``, or None
    for a token that cannot be used; raises :class:`Refused` if another account took the
    address meanwhile."""
    found = consume_token(request, token, CHANGE_EMAIL)
    if found is None or not isinstance(found[1], str):
        return None
    account, new = found
    old = account.email
    try:
        customers.change_email(account, new)
    except FolderKeyError:
        raise Refused(_("This address belongs to another account now.")) from None
    account.email_verified = True
    mail.email_changed(request, account, old)
    if request.identity is account:
        fresh_session(request, account)
    else:
        account.end_sessions()
    return account, new


# -- the second factor --------------------------------------------------------------------


def begin_second_factor(request):
    """A new secret, kept sealed in the session until a code proves the app has it."""
    secret = totp.new_secret()
    # Sealed: the session cookie is signed, not encrypted.
    request.session[SETUP] = totp.seal(request.registry, secret).decode("ascii")
    return secret


def secret_being_set_up(request):
    """The secret shown by :func:`begin_second_factor`, or None."""
    sealed = request.session.get(SETUP)
    return totp.unseal(request.registry, sealed.encode("ascii")) if sealed else None


def finish_second_factor(request, account, secret, code):
    """Turn the second factor on if ``code`` proves the app holds ``secret``; returns
    whether it was turned on.  The code confirms this session too: staff reach the
    management area from here on (see ``shopcms.web.security``)."""
    if not totp.turn_on(request.registry, account, secret, code, request.now):
        return False
    request.session.pop(SETUP, None)
    request.session[SESSION_SECOND_FACTOR] = True
    return True


def end_second_factor(request, account):
    """Turn the second factor off; this session is no longer confirmed by one."""
    totp.turn_off(account)
    request.session.pop(SESSION_SECOND_FACTOR, None)


def setup_picture(account, secret):
    """What the page shows of a secret being set up: its QR code and the key as text."""
    return {
        "qr": totp.qr_data_uri(totp.provisioning_uri(secret, account.email)),
        "secret": secret,
    }
