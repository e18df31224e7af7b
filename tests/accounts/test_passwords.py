"""Password hashing (argon2id) and the rules for new passwords."""

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from shopcms.accounts import passwords
from shopcms.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    common_passwords,
    hash_password,
    is_common,
    password_problem,
    verify_password,
)
from tests.conftest import PASSWORD, Browser, app_settings, login, make_site

ROOT = Path(__file__).resolve().parents[2]


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


def test_a_shop_hashes_with_rfc_9106s_low_memory_profile_unless_told_otherwise(tmp_path):
    """Without ``shopcms.passwords.argon2`` (production.ini sets none) a new password gets
    argon2id over 64 MiB, 3 passes, 4 lanes; with it, the cost named; either way a login
    rehashes a password whose cost is not the one in force."""
    for ini in ("production.ini", "development.ini"):
        assert passwords.SETTING not in (ROOT / ini).read_text(encoding="utf-8")
    site = make_site(tmp_path, **{passwords.SETTING: ""})
    try:
        assert "$argon2id$v=19$m=65536,t=3,p=4$" in hash_password("a new password")
        # An account made under the tests' small cost is brought up to it at its login.
        encoded = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
        with site.edit() as root:
            customer = root["customers"].create("old-hash@example.be", PASSWORD)
            customer.password_hash = encoded
        login(Browser(site.wsgi), "old-hash@example.be", PASSWORD)
        upgraded = site.read(lambda root: root["customers"].find("old-hash@example.be"))
        assert "$m=65536,t=3,p=4$" in upgraded.password_hash
    finally:
        site.close()
        passwords.configure(app_settings(tmp_path))  # the tests' cost again
    assert "$m=1024,t=1,p=1$" in hash_password("a new password")


@pytest.mark.parametrize("value", ["fast", "1 1024", "1 1 1", "0 1024 1"])
def test_a_cost_argon2_cannot_use_stops_the_start_with_the_settings_name(tmp_path, value):
    with pytest.raises(ValueError, match=passwords.SETTING):
        make_site(tmp_path, **{passwords.SETTING: value})
