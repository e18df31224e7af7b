"""A gift card's balance is never double-spent: 16 checkouts of 20 euro at once over a
real waitress server, each paying with the same 50-euro card, each reviewed before any is
placed (so each review promised the card would pay 20).  Exactly 2 orders are placed, paid
by the card alone; the card keeps 10.00 and its balance never went below 0; the 14 others
are told in their language what the card pays now, and nothing is placed for them.

Run twice, as ``tests/promotions/test_last_uses.py`` does: one order at a time per
process (``orders.placing``), and with that lock out of the way, where the checkouts
spending the card conflict in ZODB and pyramid_retry replays the losers, whose replay
reads the balance the winners left."""

from decimal import Decimal

import pytest

from tests.concurrency.test_checkout_race import PRODUCT, all_at_once, hidden
from tests.concurrency.test_checkout_race import Customer as RaceCustomer
from tests.giftcards.helpers import make_card
from tests.liveserver import serving

CUSTOMERS = 16


class Customer(RaceCustomer):
    """A browser: the mug in its cart (``test_checkout_race``), the checkout reviewed with
    the card's code; what the review promised the card pays, posted with the place form."""

    def __init__(self, base, pid, number, code):
        super().__init__(base, pid)
        details = [
            (k, f"klant{number}@example.be" if k == "email" else v)
            for k, v in self.form
            if k not in ("step", "accept_terms")
        ]
        details.append(("gift_card", code))
        reviewed = self.http.post(f"{base}/nl/checkout", data=[*details, ("step", "review")])
        assert reviewed.status_code == 200, reviewed.text
        self.promised = hidden(reviewed.text, "gift_card_pays")
        self.form = [
            *details,
            ("step", "place"),
            ("accept_terms", "true"),
            ("gift_card_pays", self.promised),
        ]


@pytest.fixture
def twenty_euro(site):
    """The mug at 13.05: with standard shipping (6.95) an order of exactly 20.00."""
    with site.edit() as root:
        product = root["products"][PRODUCT]
        product.set_price(Decimal("13.05"), product.vat_rate)
        product.set_stock(100)
        product.changed()
        return product.pid


def test_sixteen_checkouts_of_twenty_euro_on_one_fifty_euro_card(site, twenty_euro, placing_mode):
    key, code = make_card(site, "50.00")
    with serving(site.wsgi, threads=8) as base:
        customers = [Customer(base, twenty_euro, n, code) for n in range(CUSTOMERS)]
        assert {customer.promised for customer in customers} == {"20.00"}
        answers = all_at_once([customer.place for customer in customers])
    placed = [a for a in answers if a.status_code == 303]
    assert len(placed) == 2
    for answer in answers:
        if answer.status_code != 303:
            assert answer.status_code == 409
            # Told in Dutch what the card pays now; asked to review again.
            assert f"Uw cadeaubon •••• {code[-4:]} betaalt nu € 10,00" in answer.text.replace(
                "\xa0", " "
            )
            assert "Uw bestelling is niet geplaatst: bekijk ze opnieuw." in answer.text
    with site.edit() as root:
        orders = list(root["orders"].values())
        card = root["giftcards"][key]
        assert len(orders) == 2
        for order in orders:
            assert order.total == Decimal("20.00") and order.due == Decimal("0.00")
            assert order.payment_method == "giftcard" and order.state == "paid"
        assert card.remaining == Decimal("10.00")
        spent = sum(p["amount"] for order in orders for p in order.gift_cards)
        assert spent == Decimal("50.00") - card.remaining
        running = Decimal("0.00")
        for _when, _kind, delta, _order in card.movements:
            running += delta
            assert running >= 0
        assert root["products"][PRODUCT].stock == 100 - 2
