"""A payment provider that exists only in the tests: ``fakepay``, a :class:`PaymentMethod`
registered from ``pyramid.includes`` (before the orders' own methods), to prove that the
checkout, "Pay now", the webhook and refunds speak to any provider through the interface.

It records what it was asked (``calls``); its "payment page" is an address of its own, and
its webhook ``POST /{lang}/fake-webhook`` with ``ref=fk_...`` marks that payment's order paid.
"""

import re

from shopcms.orders.payments import PaymentMethod, Repayment, Resumption, register

PAGE = "https://pay.example.test/"
REF = re.compile(r"fk_[0-9]{1,6}")


class FakePay(PaymentMethod):
    name = "fakepay"
    title = "FakePay"
    provider = "fake"
    online = True
    webhook = "fake-webhook"

    def __init__(self):
        self.calls = []

    def start(self, request, order, *, saved=None, keep_for=None):
        self.calls.append(("start", order.number))
        reference = f"fk_{len(self.calls)}"
        order.add_payment_id(reference)
        return PAGE + reference

    def resume(self, request, order):
        self.calls.append(("resume", order.number))
        return Resumption(target=PAGE + order.payment_ids[-1])

    def pays_back(self, order):
        return True

    def refund(self, request, order, amount, key):
        self.calls.append(("refund", order.number, amount, key))
        return Repayment("fk_refund_1", note="fake refund 1")

    def notified(self, request):
        reference = request.POST.get("ref", "")
        if not REF.fullmatch(reference):
            return 400
        order = request.root["orders"].for_reference(reference)
        if order is not None and order.state == "placed":
            self.calls.append(("notified", order.number))
            order.transition(None, "pay", comment=f"FakePay {reference}", actor="system:fake")
        return 200

    def forget(self, registry, removed, remaining=()):
        self.calls.append(("forget", tuple(saved.id for saved in removed)))


def includeme(config):
    register(config, FakePay())
