"""Refunds at the order desk go through the order's payment method: Mollie refunds the
payment that paid the order (against the fake of ``tests/mollie_server.py``); an order Mollie
did not pay (a bank transfer, a card payment marked paid by hand) is paid back by a SEPA
transfer to the IBAN staff give.  Partial refunds: ``test_refunds_partial.py``."""

import pytest
import transaction
from mollie.api.objects.payment import Payment
from mollie.api.resources.refunds import PaymentRefunds

from shopcms.orders.payments.mollie.client import amount
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site
from tests.factories import make_order
from tests.orders.refunding import confirm, refund_form, refund_in_full, review
from tests.orders.test_payments_mollie import checkout, only_order, webhook


@pytest.fixture
def site(tmp_path, mollie):
    site = make_site(tmp_path, **mollie.settings())
    yield site
    transaction.abort()
    site.close()


@pytest.fixture
def admin(site):
    browser = Browser(site.wsgi)
    login(browser, ADMIN_EMAIL, ADMIN_PASSWORD)
    return browser


def paid_by_mollie(app, site, mollie):
    """A guest's order paid by Bancontact: ``(number, payment id, total)``."""
    checkout(app)
    number, _state, [payment_id], _history = only_order(site)
    mollie.set_status(payment_id, "paid")
    webhook(app, id=payment_id)
    total = site.read(lambda root: root["orders"][number].total)
    assert only_order(site)[1] == "paid"
    return number, payment_id, total


def last_entry(site, number):
    return site.read(lambda root: root["orders"][number].workflow_history[-1])


def test_mollie_refunds_the_payment_that_paid_the_order(app, site, mollie, admin):
    number, payment_id, total = paid_by_mollie(app, site, mollie)
    page = refund_in_full(admin, number, "Broken in transit").follow()
    [made] = mollie.refunds[payment_id]
    assert made["amount"] == amount(total)
    assert number in made["description"]
    assert only_order(site)[1] == "refunded"
    entry = last_entry(site, number)
    assert (entry.transition, entry.comment) == (
        "refund",
        f"Broken in transit Mollie refund {made['id']}",
    )
    assert f"of order {number} refunded: the provider pays it back" in page.text
    # The refund request is recorded as what reached Mollie for the order.
    disclosed = site.read(lambda root: [d.fields for d in root["orders"][number].disclosures])
    assert ("amount.currency", "amount.value", "description") in disclosed


def test_mollie_down_leaves_the_order_paid_and_nothing_refunded(app, site, mollie, admin):
    number, payment_id, _total = paid_by_mollie(app, site, mollie)
    page = review(admin, number, shipping=True)
    mollie.stop()
    try:
        refused = confirm(page, status=503)
    finally:
        mollie.start()
    assert "the order was not changed" in refused.text
    assert only_order(site)[1] == "paid"
    assert mollie.refunds == {}
    confirm(page)  # Mollie is back: the same confirmation works
    assert only_order(site)[1] == "refunded" and len(mollie.refunds[payment_id]) == 1


def test_a_payment_refunded_at_mollie_already_is_not_refunded_twice(app, site, mollie, admin):
    number, payment_id, total = paid_by_mollie(app, site, mollie)
    mollie.refund(payment_id, {"amount": amount(total)})  # from Mollie's dashboard
    refused = confirm(review(admin, number, shipping=True), status=409)
    assert "Mollie refused this refund" in refused.text
    assert len(mollie.refunds[payment_id]) == 1
    assert only_order(site)[1] == "paid"


def test_a_repeated_refund_request_refunds_once(app, site, mollie):
    _number, payment_id, total = paid_by_mollie(app, site, mollie)
    account = site.registry.shopcms_mollie
    data = {"amount": amount(total), "description": "x"}
    first = account.refund_payment(payment_id, data, f"refund-{payment_id}")
    again = account.refund_payment(payment_id, data, f"refund-{payment_id}")
    assert first.id == again.id and len(mollie.refunds[payment_id]) == 1

    # Mollie lists the payment's refunds: that one.
    def refunds_of_payment(client):
        return list(PaymentRefunds(client, Payment({"id": payment_id}, client)).list())

    listed = account._call(refunds_of_payment)
    assert [refund.id for refund in listed] == [first.id]


def test_the_desk_cannot_start_a_refund_at_mollie(app, site, mollie):
    number, _payment_id, _total = paid_by_mollie(app, site, mollie)
    site.add_account("desk@example.be", roles=("orders",))
    desk = Browser(site.wsgi)
    login(desk, "desk@example.be", PASSWORD)
    assert refund_form(desk.get(f"/nl/manage/orders/{number}")) is None
    token = desk.get("/nl/").html.select_one('input[name="csrf_token"]')["value"]
    url = f"/nl/manage/orders/{number}/transition"
    desk.post(url, {"csrf_token": token, "transition": "refund"}, status=403)
    refund = {"csrf_token": token, "refund_id": "x" * 22, "step": "confirm", "line_0": "1"}
    desk.post(f"/nl/manage/orders/{number}/refund", {**refund, "reason": "r"}, status=403)
    assert mollie.refunds == {}
    assert only_order(site)[1] == "paid"


def test_orders_mollie_did_not_pay_are_paid_back_by_transfer(site, mollie, admin):
    with site.edit() as root:
        card = make_order(root, payment_method="creditcard", state="paid").number
        transfer = make_order(root, state="paid").number
    for number in (card, transfer):
        # The IBAN is asked for, and checked.
        refused = review(admin, number, shipping=True, account=("An", "BE00 1234"), status=400)
        assert "This is not a valid IBAN" in refused.text
        account = ("An Peeters", "NL91 ABNA 0417 1643 00")
        page = review(admin, number, shipping=True, account=account)
        assert "NL91ABNA0417164300" in page.text
        done = confirm(page).follow()
        assert "download the transfer file" in done.text
        assert last_entry(site, number).comment == f"Returned SEPA transfer REFUND-{number}-1"
        assert done.html.select_one("a.refund-file") is not None
    assert mollie.requests == []
