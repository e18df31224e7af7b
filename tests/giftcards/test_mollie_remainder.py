"""A gift card with Mollie: Mollie is asked only what the card leaves to pay, its payment of
that amount pays the order, and a refund asks Mollie back only what Mollie took (against
the fake Mollie of ``tests/mollie_server.py``)."""

from decimal import Decimal

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.giftcards.helpers import balance, make_card
from tests.giftcards.test_checkout_cards import place_reviewed, review_with
from tests.orders import refunding
from tests.orders.test_checkout import add_to_cart, orders
from tests.orders.test_payments_mollie import site, webhook  # noqa: F401 (the Mollie site)


def test_mollie_asks_the_rest_and_pays_back_only_its_part(app, site, mollie):  # noqa: F811
    key, code = make_card(site, "10.00")
    add_to_cart(app, "mug-cafe", 1)  # 20.45
    page = review_with(app, code, payment="creditcard")
    place_reviewed(page)
    (order,) = orders(site)
    assert order.payment_method == "creditcard" and order.due == Decimal("10.45")
    [(_method, _path, body)] = mollie.requests
    assert body["amount"] == {"currency": "EUR", "value": "10.45"}
    (payment_id,) = order.payment_ids
    mollie.set_status(payment_id, "paid")
    webhook(app, id=payment_id)
    assert orders(site)[0].state == "paid"  # the amount Mollie took is the one it was asked
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    refunding.refund_in_full(admin, order.number)
    refunds = [b for m, p, b in mollie.requests if m == "POST" and p.endswith("/refunds")]
    assert [r["amount"] for r in refunds] == [{"currency": "EUR", "value": "10.45"}]
    assert balance(site, key) == Decimal("10.00")
    assert orders(site)[0].state == "refunded"
