"""The export's completeness guard and its JSON form (``shopcms.privacy.export``)."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

from shopcms.accounts.resources import Customer
from shopcms.privacy.export import ACCOUNT_FIELDS, WITHHELD, _other, plain, to_json


def test_every_attribute_of_an_account_is_exported_or_withheld_for_a_reason():
    account = Customer("someone@example.be", "hash")
    account.__name__ = "u1"
    known = ACCOUNT_FIELDS | set(WITHHELD) | {"__name__", "__parent__"}
    # A new attribute lands in the export's "other" section; this asks for a decision: give
    # it a section in shopcms.privacy.export, or list it in WITHHELD with the reason.
    assert set(vars(account)) - known == set()


def test_data_added_to_the_account_later_is_exported_all_the_same():
    account = Customer("someone@example.be", "hash")
    account.recently_viewed = PersistentList([12, 13])
    account.preferences.newsletter_topics = PersistentMapping({"plants": True})
    assert _other(account, ACCOUNT_FIELDS) == {"recently_viewed": [12, 13]}
    assert "newsletter_topics" in _other(account.preferences, set())
    assert "password_hash" not in _other(account, ACCOUNT_FIELDS)


@dataclass(frozen=True)
class Saved:
    brand: str
    sealed_token: bytes


def test_plain_values_and_json():
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    value = {
        "amount": Decimal("12.50"),
        "when": when,
        "roles": frozenset({"b", "a"}),
        "saved": Saved("Visa", b"gAAAA-secret"),
        "lines": (1, 2),
    }
    assert plain(value)["saved"] == {"brand": "Visa", "sealed_token": "[encrypted, not shown]"}
    assert plain(value)["roles"] == ["a", "b"]
    data = json.loads(to_json(value))
    assert data["amount"] == "12.50" and data["when"] == "2026-11-20T09:30:00+00:00"
    assert data["lines"] == [1, 2]
