"""What an order keeps of a gift card that paid it is no personal data (the card's key,
its last four characters, the amount): an erasure leaves it, the amounts stay right for the
accounts, and the privacy statement says what is kept, in nl, fr and en."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.factories import make_order

PAID = ({"card": "k" * 64, "last4": "ABCD", "amount": Decimal("15.00")},)


def test_an_erased_order_keeps_what_its_gift_card_paid(site):
    with site.edit() as root:
        order = make_order(root)
        order.gift_cards = PAID
        order.anonymise(datetime(2027, 1, 1, tzinfo=UTC), "admin", "asked")
        assert order.contact["email"] == "erased"
        assert order.gift_cards == PAID and set(PAID[0]) == {"card", "last4", "amount"}
        assert order.due == order.total - Decimal("15.00")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("nl", "Betaalt u met een cadeaubon, dan bewaart de bestelling welke bon betaalde"),
        ("fr", "Si vous payez avec une carte cadeau, la commande garde quelle carte a payé"),
        ("en", "If you pay with a gift card, the order keeps which card paid"),
    ],
)
def test_the_privacy_statement_says_what_an_order_keeps_of_a_gift_card(app, lang, said):
    page = app.get(f"/{lang}/privacy")
    assert said in page.html.get_text(" ").replace("\xa0", " ")
