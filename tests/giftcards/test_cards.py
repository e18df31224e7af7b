"""A gift card's code, balance and validity (``shopcms.giftcards``): the code is never
stored, a balance never goes below zero, and two transactions spending one card conflict."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import transaction
from ZODB.POSException import ConflictError

from shopcms.giftcards import api, codes, validity
from shopcms.giftcards.resources import GiftCardRefused
from shopcms.tree.database import SITE_KEY
from shopcms.web.clock import site_timezone

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
LATER = datetime(2031, 1, 1, tzinfo=UTC)


def test_codes_are_random_readable_and_typed_in_any_way():
    code = codes.new_code()
    assert len(code) == 19 and code.count("-") == 3
    assert codes.new_code() != code
    assert codes.normalise(code.lower().replace("-", " ")) == code.replace("-", "")
    # O, I and L are read as 0 and 1 (Crockford): what a customer copies from paper.
    assert codes.normalise("0000-1111-AAAA-BBBB") == codes.normalise("oooo-iLil-aaaa-bbbb")
    assert codes.normalise("ABC") is None and codes.normalise("UUUU-UUUU-UUUU-UUUU") is None


def issue(site, value="50.00", when=NOW):
    with site.edit() as root:
        expires = validity.expires(site.registry, when)
        card, code = root["giftcards"].issue(
            Decimal(value), expires, order="2026-000001", buyer=None, lang="nl", now=when
        )
        return card.__name__, code


def test_the_database_keeps_a_digest_and_four_characters_never_the_code(site):
    key, code = issue(site)
    with site.edit() as root:
        card = api.find(root, code)
        assert card is not None and card.__name__ == key
        assert code.replace("-", "") not in key and card.last4 == code[-4:]
        assert api.find(root, code.lower()) is card
        assert api.find(root, codes.new_code()) is None and api.find(root, "nonsense") is None


def test_spending_and_giving_back_keep_the_balance_between_zero_and_its_value(site):
    _key, code = issue(site)
    with site.edit() as root:
        api.spend(root, code, Decimal("20.00"), "2026-000002", NOW)
        api.spend(root, code, Decimal("20.00"), "2026-000003", NOW)
        with pytest.raises(GiftCardRefused) as refused:
            api.spend(root, code, Decimal("20.00"), "2026-000004", NOW)
        assert refused.value.reason == api.BALANCE and refused.value.remaining == Decimal("10.00")
        card = api.find(root, code)
        assert card.remaining == Decimal("10.00")
        coverage = api.covers(root, code, Decimal("35.00"), NOW)
        assert coverage.pays == Decimal("10.00") and coverage.refused is None
        # A refund gives back what that order took, never more.
        paid = [api.snapshot(card, Decimal("20.00"))]
        assert api.give_back(root, paid, "2026-000002", NOW) == Decimal("20.00")
        assert api.give_back(root, paid, "2026-000002", NOW) == Decimal("0.00")
        assert card.remaining == Decimal("30.00")
        kinds = [kind for _when, kind, _delta, _order in card.movements]
        assert kinds == ["issued", "spent", "spent", "given_back"]


def test_a_card_is_valid_two_years_to_the_end_of_the_day_and_not_after(site):
    _key, code = issue(site)
    with site.edit() as root:
        card = api.find(root, code)
        assert (
            card.expires.astimezone(site_timezone(site.registry)).date().isoformat() == "2028-12-07"
        )
        assert api.covers(root, code, Decimal("5"), card.expires).refused is None
        assert api.covers(root, code, Decimal("5"), LATER).refused == api.EXPIRED
        with pytest.raises(GiftCardRefused):
            api.spend(root, code, Decimal("5"), "2026-000009", LATER)
        assert card.remaining == Decimal("50.00")


@pytest.mark.parametrize("value", ["0", "12", "23", "two years"])
def test_a_validity_under_the_legal_minimum_stops_the_start(value):
    with pytest.raises(ValueError, match="shopcms.giftcards.valid_months"):
        validity.check_settings({validity.SETTING: value})
    assert validity.valid_months({validity.SETTING: "36"}) == 36
    assert validity.add_months(datetime(2027, 1, 31).date(), 1).isoformat() == "2027-02-28"


def test_two_transactions_spending_one_card_conflict(site):
    """The balance is a plain record: the second commit conflicts (pyramid_retry replays
    it and it reads the balance the first left), where a merging counter would pass."""
    key, code = issue(site)
    db = site.registry._zodb_databases[""]
    first, second = transaction.TransactionManager(), transaction.TransactionManager()
    one, two = db.open(first), db.open(second)
    try:
        api.spend(one.root()[SITE_KEY], code, Decimal("30.00"), "A", NOW)
        api.spend(two.root()[SITE_KEY], code, Decimal("30.00"), "B", NOW)
        first.commit()
        with pytest.raises(ConflictError):
            second.commit()
    finally:
        second.abort()
        one.close()
        two.close()
    with site.edit() as root:
        assert root["giftcards"][key].remaining == Decimal("20.00")


def test_a_sold_cards_code_is_made_again_from_the_secret_and_its_order():
    code = codes.derive("secret", "2026-000001", 0)
    assert code == codes.derive("secret", "2026-000001", 0)
    assert code != codes.derive("secret", "2026-000001", 1)
    assert code != codes.derive("another secret", "2026-000001", 0)
    assert codes.normalise(code) == code.replace("-", "")
