"""Password hashing (argon2id) and the rules for new passwords."""

from shopcms.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    common_passwords,
    hash_password,
    is_common,
    password_problem,
    verify_password,
)


def test_hash_is_argon2id_and_salted():
    first, second = hash_password("same password"), hash_password("same password")
    assert first.startswith("$argon2id$") and first != second


def test_verify():
    encoded = hash_password("right one")
    assert verify_password(encoded, "right one")
    assert not verify_password(encoded, "wrong one")
    assert not verify_password(None, "anything")  # an unknown account never matches
    assert not verify_password("garbage", "anything")


def test_rules_are_length_only():
    assert password_problem("short") is not None
    assert password_problem("eightch!") is None
    assert password_problem("alllowercaseletters") is None  # no composition rules
    assert password_problem("x" * 200) is None  # long passphrases welcome
    assert password_problem("x" * 2000) is not None


def test_the_most_common_passwords_are_refused_whatever_their_case():
    for common in ("password1", "Password1", " iloveyou ", "QWERTYUIOP", "1qaz2wsx3edc"):
        assert password_problem(common) is not None, common
    # A rare passphrase and a near miss of a common one are fine.
    assert password_problem("tapir under the kitchen table") is None
    assert password_problem("password1 tapir") is None


def test_the_common_list_is_the_documented_one():
    """Every entry could pass the length rule (shorter ones are refused anyway); the file is
    the one data/README.md says how to rebuild."""
    listed = common_passwords()
    assert len(listed) == 8354
    assert all(MIN_LENGTH <= len(entry) <= MAX_LENGTH for entry in listed)
    assert all(entry == entry.lower() for entry in listed if entry.isascii())
    assert {"password", "12345678", "iloveyou"} <= listed
    assert is_common("Iloveyou") and not is_common("correct horse battery staple")
