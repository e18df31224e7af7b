"""Password hashing and the rules a new password must meet.

Hashes are argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile); the encoded
hash carries its own parameters, so raising them later only needs ``needs_rehash``.  Rules
follow OWASP ASVS: at least 8 characters, long passphrases allowed, no composition rules.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .i18n import _

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


def password_problem(password):
    """A translatable message saying why ``password`` cannot be used, or None."""
    if len(password) < MIN_LENGTH:
        return _(
            "Use at least ${min} characters.",
            mapping={"min": MIN_LENGTH},
        )
    if len(password) > MAX_LENGTH:
        return _("Use at most ${max} characters.", mapping={"max": MAX_LENGTH})
    return None
