"""Checkouts racing through a real waitress server: stock never oversold, order numbers
and OGM references unique (numbers may have gaps: ``shopcms.orders.numbers``), and one
order for a checkout posted twice at once.

Each customer is its own HTTP client with its own cookies; all POSTs of a round are
released together by a barrier, so the server runs them in parallel threads and the ZODB
transactions conflict for real (resolved by pyramid_retry)."""

import re
import threading

import pytest
import requests
from stdnum.be import ogm_vcs

from shopcms.mail import send_queued
from shopcms.orders.ogm import ogm_for
from tests.liveserver import serving

PRODUCT = "mug-cafe"
#: The checkout form as a browser posts it: deform's mappings are marked by __start__ and
#: __end__ around the fields they hold.
DETAILS = [
    ("__start__", "contact:mapping"),
    ("name", "Jan Peeters"),
    ("email", "jan@example.be"),
    ("phone", "+32 470 12 34 56"),
    ("__end__", "contact:mapping"),
    ("__start__", "delivery:mapping"),
    ("street", "Kerkstraat 1"),
    ("postcode", "9000"),
    ("city", "Gent"),
    ("country", "BE"),
    ("__end__", "delivery:mapping"),
    ("shipping", "standard"),
    ("payment", "transfer"),
    ("accept_terms", "true"),
    ("step", "place"),
]


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


class Customer:
    """A browser: puts the product in its cart and holds a filled-in checkout to post."""

    def __init__(self, base, pid):
        self.base = base
        self.http = requests.Session()
        self.http.headers["Origin"] = base
        page = self.http.get(f"{base}/nl/products/{PRODUCT}").text
        added = self.http.post(
            f"{base}/nl/cart",
            data={"csrf_token": hidden(page, "csrf_token"), "op": "add", "pid": pid, "qty": 1},
            allow_redirects=False,
        )
        assert added.status_code == 303, added.text
        form = self.http.get(f"{base}/nl/checkout").text
        self.form = [
            *DETAILS,
            ("csrf_token", hidden(form, "csrf_token")),
            ("token", hidden(form, "token")),
        ]

    def place(self):
        return self.http.post(f"{self.base}/nl/checkout", data=self.form, allow_redirects=False)


def all_at_once(calls):
    """Run the calls in parallel threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def last_five(site):
    with site.edit() as root:
        product = root["products"][PRODUCT]
        product.set_stock(5)
        product.changed()
        return product.pid


def test_twenty_checkouts_for_the_last_five_units(site, last_five):
    with serving(site.wsgi, threads=8) as base:
        customers = [Customer(base, last_five) for _ in range(20)]
        answers = all_at_once([customer.place for customer in customers])
    placed = [a for a in answers if a.status_code == 303]
    refused = [a for a in answers if a.status_code != 303]
    assert len(placed) == 5
    assert len(refused) == 15
    for answer in refused:
        assert answer.status_code == 409
        assert "niet genoeg in voorraad" in answer.text
    with site.edit() as root:
        assert root["products"][PRODUCT].stock == 0
        numbers = sorted(root["orders"].keys())
        assert_unique_numbers_and_references(root["orders"])
    assert len(numbers) == 5
    assert sorted(a.headers["Location"].split("/")[-2] for a in placed) == numbers


def assert_unique_numbers_and_references(orders):
    """Every order's number is its key, of this year's form; numbers and OGM references
    unique, each reference valid and made from its number."""
    placed = list(orders.values())
    numbers = [order.number for order in placed]
    references = [order.payment_reference.digits for order in placed]
    assert len(set(numbers)) == len(numbers) == len(orders)
    assert len(set(references)) == len(references)
    for order in placed:
        assert orders[order.number] is order
        assert re.fullmatch(r"20\d\d-\d{6}", order.number)
        assert ogm_vcs.is_valid(order.payment_reference.digits)
        assert order.payment_reference == ogm_for(order.number)
        assert orders.for_reference(order.payment_reference.digits) is order


def test_order_numbers_are_unique_under_concurrent_checkouts(site):
    with site.edit() as root:
        root["products"][PRODUCT].set_stock(50)
        pid = root["products"][PRODUCT].pid
    with serving(site.wsgi, threads=8) as base:
        customers = [Customer(base, pid) for _ in range(12)]
        answers = all_at_once([customer.place for customer in customers])
    assert [a.status_code for a in answers] == [303] * 12
    with site.edit() as root:
        assert len(root["orders"]) == 12
        assert root["products"][PRODUCT].stock == 50 - 12
        assert_unique_numbers_and_references(root["orders"])


def test_the_same_checkout_posted_twice_at_once_places_one_order(site, smtp, last_five):
    with serving(site.wsgi, threads=8) as base:
        customer = Customer(base, last_five)
        first, second = all_at_once([customer.place, customer.place])
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with site.edit() as root:
        assert len(root["orders"]) == 1
        assert root["products"][PRODUCT].stock == 4
    # And one confirmation mail: the replayed transaction's mail was never queued.
    assert send_queued(site.registry).sent == 1
    assert len(smtp.wait_for(1)) == 1
    assert send_queued(site.registry).sent == 0
