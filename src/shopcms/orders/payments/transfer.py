"""Paying by bank transfer with the order's structured communication (OGM/VCS).

The confirmation page and mail give the shop's account and the order's communication;
staff mark the order paid, or ``shopcms import-payments`` does it from a bank statement
(``shopcms.orders.bank_import``).  There is no provider: nothing to start, nothing to
resume online, and a refund is paid back by hand.

Settings: ``shopcms.bank.iban``, ``shopcms.bank.bic``, ``shopcms.bank.holder`` (checked at
start when ``transfer`` is enabled: customers copy them into their banking app, and a wrong
account would send their money astray).  While a transfer is awaited, the confirmation page
and mail show its EPC QR code (``epc``), which a banking app reads to fill in the transfer.
"""

from stdnum import bic, iban

from shopcms.orders.payments import PaymentMethod, epc, register
from shopcms.orders.workflow import PLACED
from shopcms.web.i18n import _


class BankTransfer(PaymentMethod):
    """Pay by bank transfer (see the module)."""

    name = "transfer"
    title = _("Bank transfer")

    def check_settings(self, settings):
        check_bank_account(settings)

    def start(self, request, order, *, saved=None, keep_for=None):
        return None


def bank_account(settings):
    """The shop's bank account for the payment instructions (IBAN in groups of four)."""
    return {
        "iban": iban.format(settings.get("shopcms.bank.iban", "")),
        "bic": settings.get("shopcms.bank.bic", ""),
        "holder": settings.get("shopcms.bank.holder", "onto object bvba"),
    }


def awaits_transfer(order):
    """Whether ``order`` is to be paid by a transfer not received yet (its instructions and
    QR code are shown)."""
    return (
        order.payment_method == BankTransfer.name
        and order.workflow_state == PLACED
        and order.payment_reference is not None
    )


def epc_payload(settings, order):
    """The EPC QR code's payload (``payments.epc``) of the transfer that pays ``order``:
    what is left to pay of it (``Order.due``: its total less a gift card) to the shop's
    account, with its structured communication's digits."""
    account = bank_account(settings)
    return epc.payload(
        bic=account["bic"],
        name=account["holder"],
        iban=account["iban"],
        amount=order.due,
        reference=order.payment_reference.digits,
    )


def check_bank_account(settings):
    """ValueError unless the shop's IBAN and BIC are valid."""
    if not iban.is_valid(settings.get("shopcms.bank.iban", "")):
        raise ValueError("shopcms.bank.iban: set the shop's IBAN to offer bank transfers")
    if not bic.is_valid(settings.get("shopcms.bank.bic", "")):
        raise ValueError("shopcms.bank.bic: set the BIC of the shop's bank")
    # The EPC QR code carries the name: its guidelines allow 70 characters.
    if not 0 < len(bank_account(settings)["holder"].strip()) <= 70:
        raise ValueError("shopcms.bank.holder: the account holder's name, 1 to 70 characters")


def includeme(config):
    register(config, BankTransfer())
