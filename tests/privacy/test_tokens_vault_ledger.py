"""Single-use expiring tokens, the vault for payment tokens, and the consent ledger."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from persistent.mapping import PersistentMapping

from shopcms.accounts.resources import Preferences
from shopcms.privacy import ledger
from shopcms.privacy.purposes import ACCOUNT_DATA, ORDER, PERSONALISATION
from shopcms.privacy.vault import Vault, VaultError
from shopcms.web import tokens

SECRET = "s" * 40
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Account:
    def __init__(self, name):
        self.__name__ = name
        self.token_nonces = PersistentMapping()


@pytest.fixture
def customers():
    return {"u1": Account("u1"), "u2": Account("u2")}


def test_a_token_works_once(customers):
    token = tokens.issue(SECRET, customers["u1"], tokens.RESET_PASSWORD, NOW)
    assert tokens.read(SECRET, customers, token, tokens.RESET_PASSWORD, NOW)[0] is customers["u1"]
    assert tokens.consume(SECRET, customers, token, tokens.RESET_PASSWORD, NOW) is not None
    assert tokens.consume(SECRET, customers, token, tokens.RESET_PASSWORD, NOW) is None


def test_using_a_token_kills_the_earlier_ones_of_its_purpose_only(customers):
    account = customers["u1"]
    first = tokens.issue(SECRET, account, tokens.RESET_PASSWORD, NOW)
    second = tokens.issue(SECRET, account, tokens.RESET_PASSWORD, NOW)
    verify = tokens.issue(SECRET, account, tokens.VERIFY_EMAIL, NOW)
    assert tokens.consume(SECRET, customers, second, tokens.RESET_PASSWORD, NOW)
    assert tokens.read(SECRET, customers, first, tokens.RESET_PASSWORD, NOW) is None
    assert tokens.read(SECRET, customers, verify, tokens.VERIFY_EMAIL, NOW) is not None


def test_tokens_expire_and_cannot_be_moved_or_forged(customers):
    token = tokens.issue(SECRET, customers["u1"], tokens.RESET_PASSWORD, NOW, data="x")
    late = NOW + timedelta(seconds=tokens.MAX_AGE[tokens.RESET_PASSWORD] + 1)
    assert tokens.read(SECRET, customers, token, tokens.RESET_PASSWORD, late) is None
    assert tokens.read(SECRET, customers, token, tokens.VERIFY_EMAIL, NOW) is None
    assert tokens.read("t" * 40, customers, token, tokens.RESET_PASSWORD, NOW) is None
    assert tokens.read(SECRET, customers, token[:-2] + "xx", tokens.RESET_PASSWORD, NOW) is None
    assert tokens.read(SECRET, customers, "garbage", tokens.RESET_PASSWORD, NOW) is None
    assert tokens.read(SECRET, customers, token, tokens.RESET_PASSWORD, NOW)[1] == "x"


def test_the_vault_opens_only_with_a_configured_key_and_rotates():
    old, new = Fernet.generate_key(), Fernet.generate_key()
    sealed = Vault([old]).seal("mdt_abc123")
    assert b"mdt_abc123" not in sealed
    with pytest.raises(VaultError):
        Vault([new]).open(sealed)
    both = Vault([new, old])
    resealed = both.reseal(sealed)
    assert Vault([new]).open(resealed) == "mdt_abc123"
    with pytest.raises(VaultError):
        Vault([])
    with pytest.raises(VaultError):
        Vault(["not-a-key"])


class Revision:
    def __init__(self, name, text_hash):
        self.id, self.text_hash = name, text_hash


class PolicyPage:
    def languages(self):
        return ["nl"]

    def __init__(self):
        self.current = Revision("privacy:nl:1", "hash-1")

    def in_force(self, lang, now):
        return self.current if lang == "nl" else None


def test_the_ledger_records_the_policy_in_force_and_flags_older_consents():
    root = {"pages": {"privacy": PolicyPage()}}
    prefs = Preferences("nl")
    event = ledger.record(prefs, root, PERSONALISATION, True, "account-privacy", "fr", NOW)
    # No French revision: the statement in force in another language is named.
    assert (event.policy_revision, event.policy_hash) == ("privacy:nl:1", "hash-1")
    assert ledger.record(prefs, root, PERSONALISATION, True, "account-privacy", "nl", NOW) is None
    assert ledger.given(prefs, PERSONALISATION) and not ledger.given(prefs, ACCOUNT_DATA)
    assert ledger.given_under_older_policy(prefs, root, "nl", NOW) == []
    root["pages"]["privacy"].current = Revision("privacy:nl:2", "hash-2")
    assert ledger.given_under_older_policy(prefs, root, "nl", NOW) == [PERSONALISATION]
    ledger.record(prefs, root, PERSONALISATION, False, "account-privacy", "nl", NOW)
    assert not ledger.given(prefs, PERSONALISATION)
    assert [e.granted for e in prefs.consents] == [True, False]  # append-only
    with pytest.raises(ValueError):
        ledger.record(prefs, root, ORDER, True, "x", "nl", NOW)  # a contract needs no consent


def test_addresses_keep_one_default_and_are_forgotten_together():
    prefs = Preferences("nl")
    home = prefs.add_address("An", "Veldstraat 1", "9000", "Gent", "BE")
    work = prefs.add_address("An", "Kouter 2", "9000", "Gent", "BE", make_default=True)
    assert prefs.default_address == work["id"]
    assert prefs.add_address("An", "Veldstraat 1", "9000", "Gent", "BE")["id"] == home["id"]
    prefs.remove_address(work["id"])
    assert prefs.default_address == home["id"]
    prefs.phone = "+32 470 00 00 00"
    prefs.forget_account_data()
    assert (list(prefs.addresses), prefs.default_address, prefs.phone) == ([], None, "")
