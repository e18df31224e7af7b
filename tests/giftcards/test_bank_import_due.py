"""A bank statement pays an order a gift card paid part of when it brings what is left
(``Order.due``), not the whole total; the transfer's QR code asks that amount."""

from decimal import Decimal

from shopcms.orders import statements as bank_import
from shopcms.orders.payments.transfer import epc_payload
from tests.factories import make_order
from tests.orders.test_bank_import import statement


def test_the_transfer_of_what_the_card_left_pays_the_order(site):
    with site.edit() as root:
        orders = [make_order(root) for _ in range(2)]  # 20.45 each
        for order in orders:
            order.gift_cards = ({"card": "k", "last4": "ABCD", "amount": Decimal("15.00")},)
        numbers = [order.number for order in orders]
        assert "\nEUR5.45\n" in epc_payload(site.registry.settings, orders[0])
        refs = [str(order.payment_reference) for order in orders]
    lines = statement(f"02/03/2026;5,45;EUR;{refs[0]}", f"02/03/2026;20,45;EUR;{refs[1]}")
    with site.edit() as root:
        outcomes = bank_import.apply(root["orders"], lines)
    assert [(o.reason, o.order) for o in outcomes] == [
        (bank_import.PAID, numbers[0]),
        (bank_import.OVERPAID, numbers[1]),  # the whole total: 15.00 too much
    ]
    assert outcomes[1].detail == "expected 5.45, got 20.45"
