"""The second factor of staff accounts: time-based one-time codes (TOTP, RFC 6238).

Staff (an account with any role of ``security.STAFF_ROLES``) may turn it on at
``/{lang}/account/security``; login then asks for the 6-digit code of their authenticator
app after the password.  The shared secret is kept sealed with the vault
(``shopcms.privacy.vault``): the database alone cannot produce a code.  A code is accepted
for the 30-second step it belongs to and the step on either side (clocks drift), and only
once: the account remembers the last step used, so a code seen over a shoulder or in a log
cannot be replayed.
"""

import pyotp
import segno

from shopcms.privacy.vault import get_vault

ISSUER = "Soft Cactus"
#: Steps on either side of the current one that are still accepted.
DRIFT = 1


def new_secret():
    """A fresh random secret (base32, 160 bits), for the account to confirm with a code."""
    return pyotp.random_base32()


def seal(registry, secret):
    return get_vault(registry).seal(secret)


def unseal(registry, sealed):
    return get_vault(registry).open(sealed)


def provisioning_uri(secret, email):
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri):
    """The QR code of ``uri`` as a ``data:`` SVG image (the CSP allows ``img-src data:``)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def matching_step(secret, code, now):
    """The time step ``code`` belongs to (within the drift around ``now``), or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in range(-DRIFT, DRIFT + 1):
        if pyotp.utils.strings_equal(code, totp.at(now, counter_offset=offset)):
            return current + offset
    return None


def is_on(account):
    return getattr(account, "totp_secret", None) is not None


def check(registry, account, code, now):
    """True if ``code`` is a current code of the account's second factor, not used before.

    Records the step as used (a write: call in a POST).
    """
    if not is_on(account):
        return False
    step = matching_step(unseal(registry, account.totp_secret), code, now)
    # Set on first use; accounts made before the second factor existed lack the attribute.
    last = getattr(account, "totp_last_step", None)
    if step is None or (last is not None and step <= last):
        return False
    account.totp_last_step = step
    return True


def turn_on(registry, account, secret, code, now):
    """Keep ``secret`` (sealed) as the account's second factor if ``code`` proves the app
    has it; returns whether it was turned on."""
    step = matching_step(secret, code, now)
    if step is None:
        return False
    account.totp_secret = seal(registry, secret)
    account.totp_last_step = step
    account.touch()
    return True


def turn_off(account):
    account.totp_secret = None
    account.totp_last_step = None
    account.touch()
