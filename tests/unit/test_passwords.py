"""Password hashing (argon2id) and the rules for new passwords."""

from shopcms.passwords import hash_password, password_problem, verify_password


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
