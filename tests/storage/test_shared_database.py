"""The same shop on ZEO and on RelStorage (PostgreSQL), served by two processes at once.

Each process is a separate shopcms waitress server with its own ZODB client; customers and
the editor talk HTTP to either.  What one process commits must be what the other one
serves on the next request (ZEO invalidations, RelStorage polling, and the shared-page
cache in front of both), and checkouts racing across the processes conflict in the shared
storage exactly as they do within one.
"""

import re
import time

import requests
from webtest import TestResponse

from tests.concurrency.test_checkout_race import PRODUCT, Customer, all_at_once, hidden
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

PAGE = f"/nl/products/{PRODUCT}"


def visit(server, path=PAGE):
    """A GET by a visitor without cookies (the shared-page cache answers it if it may)."""
    response = requests.get(server.base + path, timeout=30)
    assert response.status_code == 200, server.log()
    assert "Set-Cookie" not in response.headers
    return response.text


def shown_stock(server):
    """The stock line of the product page, as a visitor without cookies sees it."""
    line = re.search(r'class="stock (?:in|out)">(.*?)</p>', visit(server), re.S).group(1)
    return " ".join(line.split())


def form(html, formid):
    """WebTest's reading of a form in ``html``: its fields as a browser would submit them."""
    return TestResponse(text=html, content_type="text/html", charset="utf-8").forms[formid]


class Editor:
    """The administrator logged in through one process's login form."""

    def __init__(self, server):
        self.base = server.base
        self.http = requests.Session()
        self.http.headers["Origin"] = self.base
        login = form(self.http.get(f"{self.base}/nl/login", timeout=30).text, "login")
        login["email"], login["password"] = ADMIN_EMAIL, ADMIN_PASSWORD
        answer = self.http.post(
            f"{self.base}/nl/login",
            data=login.submit_fields("login"),
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 303, answer.text

    def set_stock(self, name, stock):
        """Through the product desk's stock form."""
        page = self.http.get(f"{self.base}/nl/manage/products/{name}/edit", timeout=30).text
        answer = self.http.post(
            f"{self.base}/nl/manage/products/{name}/stock",
            data={"csrf_token": hidden(page, "csrf_token"), "stock": stock},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 303, answer.text


def eventually(read, expected, seconds=5.0):
    """What ``read()`` gives once it is ``expected``, or its last answer after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (answer := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return answer


def test_a_change_through_one_process_shows_through_the_other(storage, shops, tmp_path):
    a, b = shops
    assert shown_stock(b) == "Op voorraad"
    assert shown_stock(b) == "Op voorraad"  # kept by b's shared-page cache
    assert shown_stock(a) == "Op voorraad"
    Editor(a).set_stock(PRODUCT, 3)
    assert eventually(lambda: shown_stock(b), "Nog maar 3 over") == "Nog maar 3 over"
    # And the other way: an order placed through b lowers the stock a shows.
    placed = Customer(b.base, hidden(visit(a), "pid")).place()
    assert placed.status_code == 303, placed.text
    # A ZEO server tells the other clients of a change asynchronously: within moments.
    assert eventually(lambda: shown_stock(a), "Nog maar 2 over") == "Nog maar 2 over"
    assert shown_stock(b) == "Nog maar 2 over"
    with storage.root(tmp_path / "reader") as root:
        assert root["site"]["products"][PRODUCT].stock == 2
        assert len(root["site"]["orders"]) == 1


def test_twenty_checkouts_over_two_processes_for_the_last_five_units(storage, shops, tmp_path):
    a, b = shops
    Editor(a).set_stock(PRODUCT, 5)
    pid = hidden(visit(b), "pid")
    customers = [Customer(shops[i % 2].base, pid) for i in range(20)]
    answers = all_at_once([customer.place for customer in customers])
    placed = [answer for answer in answers if answer.status_code == 303]
    refused = [answer for answer in answers if answer.status_code != 303]
    assert len(placed) == 5
    assert len(refused) == 15
    for answer in refused:
        assert answer.status_code == 409, answer.text
        assert "niet genoeg in voorraad" in answer.text
    with storage.root(tmp_path / "reader") as root:
        assert root["site"]["products"][PRODUCT].stock == 0
        numbers = sorted(root["site"]["orders"].keys())
    # Unique numbers of this year (each process takes its own block: gaps are allowed,
    # duplicates never; the gapless series are the invoices', shopcms.orders.numbers).
    year = numbers[0][:4]
    assert len(set(numbers)) == 5
    assert all(re.fullmatch(rf"{year}-\d{{6}}", number) for number in numbers)
    assert sorted(answer.headers["Location"].split("/")[-2] for answer in placed) == numbers
    assert shown_stock(a) == shown_stock(b) == "Niet op voorraad"
