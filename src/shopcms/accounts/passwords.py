"""Password hashing and the rules a new password must meet.

Hashes are argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile); the encoded
hash carries its own parameters, so raising them later only needs ``needs_rehash``.  Rules
follow OWASP ASVS and NIST SP 800-63B: at least 8 characters, long passphrases allowed (up
to 1024), no composition rules, and none of the passwords most often found in breaches
(``data/common-passwords.txt``, where it comes from is in ``data/README.md``).  The same
rules apply wherever a password is chosen: registration, reset and change.
"""

import functools
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shopcms.web.i18n import _

MIN_LENGTH = 8
#: Long enough for any passphrase; the cap only stops megabyte "passwords".
MAX_LENGTH = 1024

_hasher = PasswordHasher()

# Verified against when the account does not exist, so that an unknown email costs the same
# time as a wrong password and cannot be told apart by timing.
_DUMMY_HASH = _hasher.hash("not a real password: timing equaliser")


def hash_password(password):
    """Return the argon2id encoded hash of ``password``."""
    return _hasher.hash(password)


def verify_password(encoded, password):
    """True if ``password`` matches ``encoded``; ``encoded`` None runs a dummy check."""
    try:
        return _hasher.verify(encoded or _DUMMY_HASH, password) and encoded is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded):
    return _hasher.check_needs_rehash(encoded)


@functools.cache
def common_passwords():
    """The frozenset of passwords refused as too common (lower case)."""
    text = files("shopcms").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line)


def is_common(password):
    """True if ``password`` is on the list, whatever its case or surrounding spaces."""
    return password.strip().lower() in common_passwords()


def password_problem(password):
    """A translatable message saying why ``password`` cannot be used, or None."""
    if len(password) < MIN_LENGTH:
        return _(
            "Use at least ${min} characters.",
            mapping={"min": MIN_LENGTH},
        )
    if len(password) > MAX_LENGTH:
        return _("Use at most ${max} characters.", mapping={"max": MAX_LENGTH})
    if is_common(password):
        return _(
            "This password is one of the most used ones, the first that attackers try: "
            "choose another, for example a few words that belong together only for you."
        )
    return None
