"""A code's last uses are never double-spent: 16 checkouts at once over a real waitress
server with a code that has 5 uses left.  Exactly 5 orders carry the discount; the other
customers are told in their language that the code is used up, nothing is placed for
them, and placing again buys at full price; the code's counter is exactly the total.

Run twice: as a bank transfer is placed (one order at a time per process,
``orders.placing``), and with that lock out of the way, as for a provider's method or two
processes, where the checkouts taking the code's counter conflict in ZODB and
pyramid_retry replays the losers, whose re-evaluation sees the uses taken."""

import re
from decimal import Decimal

import pytest
import requests

from tests.concurrency.test_checkout_race import DETAILS, all_at_once, hidden
from tests.liveserver import serving
from tests.promotions.helpers import CACTUS, make_promotion

CUSTOMERS = 16


class Customer:
    """A browser: the cactus in its cart, the code entered, a checkout filled in."""

    def __init__(self, base, pid, number):
        self.base = base
        self.http = requests.Session()
        self.http.headers["Origin"] = base
        page = self.http.get(f"{base}/nl/products/{CACTUS}").text
        token = hidden(page, "csrf_token")
        added = self.http.post(
            f"{base}/nl/cart",
            data={"csrf_token": token, "op": "add", "pid": pid, "qty": 2},
            allow_redirects=False,
        )
        assert added.status_code == 303, added.text
        cart = self.http.get(f"{base}/nl/cart").text
        entered = self.http.post(
            f"{base}/nl/cart-code",
            data={"csrf_token": hidden(cart, "csrf_token"), "code": "cactus10", "apply": ""},
            allow_redirects=False,
        )
        assert entered.status_code == 303, entered.text
        form = self.http.get(f"{base}/nl/checkout").text
        details = [(k, f"klant{number}@example.be" if k == "email" else v) for k, v in DETAILS]
        self.form = [
            *details,
            ("csrf_token", hidden(form, "csrf_token")),
            ("token", hidden(form, "token")),
        ]

    def place(self):
        return self.http.post(f"{self.base}/nl/checkout", data=self.form, allow_redirects=False)


@pytest.fixture
def five_left(site):
    make_promotion(site, total_uses=7)
    with site.edit() as root:
        promotion = root["promotions"]["cactus10"]
        promotion.take_use("email:eerder@example.be")
        promotion.take_use("email:nog-eerder@example.be")
        product = root["products"][CACTUS]
        product.set_stock(100)
        product.changed()
        return product.pid


def test_sixteen_checkouts_for_the_last_five_uses(site, five_left, placing_mode):
    with serving(site.wsgi, threads=8) as base:
        customers = [Customer(base, five_left, n) for n in range(CUSTOMERS)]
        answers = all_at_once([customer.place for customer in customers])
        placed = [a for a in answers if a.status_code == 303]
        losers = [c for c, a in zip(customers, answers, strict=True) if a.status_code != 303]
        assert len(placed) == 5
        for answer in answers:
            if answer.status_code != 303:
                assert answer.status_code == 409
                assert "De code CACTUS10 is opgebruikt." in answer.text
        # Placing again: at full price.
        again = [loser.place() for loser in losers]
    assert [a.status_code for a in again] == [303] * (CUSTOMERS - 5)
    with site.edit() as root:
        orders = list(root["orders"].values())
        assert len(orders) == CUSTOMERS
        discounted = [order for order in orders if order.discounts]
        assert len(discounted) == 5
        for order in discounted:
            # 2 x 18.50 = 37.00 less 10 %; shipping 6.95 (under 50 euro).
            assert order.discounts[0]["amount"] == Decimal("3.70")
            assert order.total == Decimal("40.25")
        for order in orders:
            if not order.discounts:
                assert order.total == Decimal("43.95")
        assert root["promotions"]["cactus10"].used == 7
        assert root["products"][CACTUS].stock == 100 - 2 * CUSTOMERS
    assert all(re.fullmatch(r"20\d\d-\d{6}", order.number) for order in orders)
