"""Password hashing and the rules a new password must meet.

Hashes are argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 3 passes over
64 MiB, 4 lanes) unless ``shopcms.passwords.argon2`` says otherwise (:func:`configure`); the
encoded hash carries its own parameters, so a login rehashes a password whose parameters
differ from the ones in force (``needs_rehash``).  Rules
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

#: ``shopcms.passwords.argon2``: "PASSES MEMORY_KIB LANES" of argon2id.
SETTING = "shopcms.passwords.argon2"

_hasher = PasswordHasher()


def _dummy(hasher):
    # Verified against when the account does not exist, so that an unknown email costs the
    # same time as a wrong password and cannot be told apart by timing.
    return hasher.hash("not a real password: timing equaliser")


_DUMMY_HASH = _dummy(_hasher)


def configure(settings):
    """Hash with the argon2id cost of ``shopcms.passwords.argon2`` ("PASSES MEMORY_KIB
    LANES", e.g. "4 131072 4" on a strong server), or argon2-cffi's defaults when it is not
    set.  For the whole process (a process serves one shop).  The test suite sets a small
    cost: argon2 at full cost would take most of its time; tests/accounts checks the default.
    Raises ValueError, naming the setting, for a value argon2 cannot use."""
    global _hasher, _DUMMY_HASH
    hasher = _hasher_for(settings.get(SETTING))
    if _cost(hasher) != _cost(_hasher):
        _hasher, _DUMMY_HASH = hasher, _dummy(hasher)


def _hasher_for(value):
    words = (value or "").split()
    if not words:
        return PasswordHasher()
    try:
        passes, memory, lanes = (int(word) for word in words)
        hasher = PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes)
        hasher.hash("-")  # (argon2 checks its parameters when it hashes)
    except Exception as error:
        raise ValueError(
            f"{SETTING} must be three whole numbers argon2 accepts "
            f'("PASSES MEMORY_KIB LANES"), not {value!r}: {error}'
        ) from None
    return hasher


def _cost(hasher):
    return hasher.time_cost, hasher.memory_cost, hasher.parallelism


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
