"""Issue 17, acceptance 2: invoice and credit-note numbers have no gaps and no duplicates
under 16 concurrent paid webhooks and 16 concurrent refunds on a real waitress server.

The webhooks are Mollie's (the fake Mollie holds 16 paid payments, one per order); the
refunds are the order desk's own: an administrator fills in each order's refund form and
reviews it (one unit of its first line), then the 16 confirmations are posted at once, each
refunding through the fake Mollie's refund API and announcing ``OrderRefunded``, which
issues the credit note.  All requests of a round are released together by a barrier; the
series' counters make them conflict for real, and pyramid_retry replays the losers."""

import logging
from datetime import UTC, datetime

import pytest
import requests

from shopcms.invoicing import issuing
from shopcms.invoicing.folder import invoices_folder
from tests.concurrency.test_checkout_race import all_at_once
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login, make_site
from tests.factories import make_order
from tests.liveserver import serving
from tests.orders.refunding import review

COUNT = 16

log = logging.getLogger(__name__)


@pytest.fixture
def shop(tmp_path, mollie):
    site = make_site(tmp_path, **mollie.settings())
    yield site
    site.close()


def orders_with_paid_payments(site, mollie):
    """COUNT placed card orders, each with a payment the fake Mollie says is paid."""
    made = []
    with site.edit() as root:
        root["products"]["mug-cafe"].set_stock(COUNT * 2)
        for _ in range(COUNT):
            order = make_order(root, payment_method="creditcard")
            payment = mollie.create(
                {
                    "amount": {"currency": "EUR", "value": f"{order.total:.2f}"},
                    "description": f"Order {order.number}",
                    "metadata": {"order": order.number},
                },
                "test",
            )
            order.add_payment_id(payment["id"])
            made.append((order.number, payment["id"]))
    for _number, payment_id in made:
        mollie.set_status(payment_id, "paid")
    return made


def series(numbers, prefix):
    year = datetime.now(UTC).year
    return [f"{prefix}{year}-{n:06d}" for n in range(1, len(numbers) + 1)]


def counting(monkeypatch, name):
    """Count the calls of ``issuing.NAME`` (one per attempt of a transaction: a replayed
    request issues again, and only the committed attempt's number stays)."""
    calls = []
    original = getattr(issuing, name)

    def counted(*args, **kw):
        calls.append(1)
        return original(*args, **kw)

    monkeypatch.setattr(issuing, name, counted)
    return calls


def test_numbers_have_no_gaps_under_concurrent_webhooks_and_refunds(shop, mollie, monkeypatch):
    made = orders_with_paid_payments(shop, mollie)
    invoice_attempts = counting(monkeypatch, "issue_invoice")
    note_attempts = counting(monkeypatch, "issue_credit_note")
    with serving(shop.wsgi, threads=8) as base:

        def webhook(payment_id):
            return lambda: requests.post(
                f"{base}/nl/mollie-webhook", data={"id": payment_id}, timeout=60
            )

        paid = all_at_once([webhook(payment_id) for _number, payment_id in made])
        assert [answer.status_code for answer in paid] == [200] * COUNT

        # Each refund filled in and reviewed by an administrator (the review writes
        # nothing); the confirmations, which refund, posted together on the live server
        # with the administrator's session.
        admin = Browser(shop.wsgi)
        login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
        reviewed = [review(admin, number, {0: 1}) for number, _payment in made]
        http = requests.Session()
        http.headers["Origin"] = base
        for cookie in admin.cookiejar:
            http.cookies.set(cookie.name, cookie.value)

        def refund(page):
            form = page.forms["refund-confirm"]
            data = form.submit_fields("refund")
            return lambda: http.post(
                f"{base}{form.action}", data=data, timeout=60, allow_redirects=False
            )

        refunded = all_at_once([refund(page) for page in reviewed])
        assert [answer.status_code for answer in refunded] == [303] * COUNT
        # A confirmation posted again (a retried request) refunds and issues nothing more.
        again = all_at_once([refund(page) for page in reviewed[:4]])
        assert all(answer.status_code in (303, 409) for answer in again)

    def read(root):
        folder = invoices_folder(root, None)
        invoices = {n: folder.invoice_of(n).number for n, _p in made}
        notes = {
            n: [d.number for d in folder.of_order(n) if d.kind == "credit_note"] for n, _p in made
        }
        states = {root["orders"][n].state for n, _p in made}
        refers = {
            d.document.refers_to == invoices[d.order_number]
            for d in folder.values()
            if d.kind == "credit_note"
        }
        return invoices, notes, states, refers, len(folder)

    invoices, notes, states, refers, stored = shop.read(read)
    assert states == {"paid"}
    assert sorted(invoices.values()) == series(made, "F")  # no gap, no duplicate
    assert all(len(numbers) == 1 for numbers in notes.values())
    assert sorted(n for numbers in notes.values() for n in numbers) == series(made, "C")
    assert refers == {True}
    assert stored == 2 * COUNT
    # Every issue was attempted at least once; replays after conflicts come on top.
    log.info(
        "attempts: %d invoices, %d credit notes for %d each",
        len(invoice_attempts),
        len(note_attempts),
        COUNT,
    )
    assert len(invoice_attempts) >= COUNT and len(note_attempts) >= COUNT
    # Mollie was asked once per refund (a replay sends the same idempotency key).
    keys = set(mollie.refund_keys)
    assert len(keys) == COUNT
