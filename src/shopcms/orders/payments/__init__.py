"""Payment methods behind one small interface.

A :class:`PaymentMethod` has a ``name`` (stored on the order), a translatable ``title`` and
``start(request, order)``, called in the checkout's transaction right after the order is
placed: it returns the URL to send the customer to (a provider's hosted payment page), or
None when the confirmation page says what to do (a bank transfer).  No method ever sees a
card number: online payments happen on the provider's own page.

``shopcms.payments`` lists the enabled methods in the order the checkout offers them
(default ``transfer``; ``bancontact creditcard`` need the Mollie settings, see
``shopcms.orders.payments.mollie``).
"""

from abc import ABC, abstractmethod

from stdnum import bic, iban

from shopcms.web.i18n import _


class PaymentMethod(ABC):
    name = ""
    title = None
    online = False

    @abstractmethod
    def start(self, request, order):
        """Begin paying ``order``; a URL to redirect to, or None."""


class BankTransfer(PaymentMethod):
    """Pay by bank transfer with the order's structured communication (OGM/VCS).

    Staff mark the order paid, or ``shopcms import-payments`` does it from a bank statement.
    The shop's account: ``shopcms.bank.iban``, ``shopcms.bank.bic``, ``shopcms.bank.holder``.
    """

    name = "transfer"
    title = _("Bank transfer")

    def start(self, request, order):
        return None


def bank_account(settings):
    """The shop's bank account for the payment instructions (IBAN in groups of four)."""
    return {
        "iban": iban.format(settings.get("shopcms.bank.iban", "")),
        "bic": settings.get("shopcms.bank.bic", ""),
        "holder": settings.get("shopcms.bank.holder", "onto object bvba"),
    }


def check_bank_account(settings):
    """ValueError unless the shop's IBAN and BIC are valid: customers copy them into their
    banking app, and a wrong account would send their money astray."""
    if not iban.is_valid(settings.get("shopcms.bank.iban", "")):
        raise ValueError("shopcms.bank.iban: set the shop's IBAN to offer bank transfers")
    if not bic.is_valid(settings.get("shopcms.bank.bic", "")):
        raise ValueError("shopcms.bank.bic: set the BIC of the shop's bank")


def methods(registry):
    """The enabled methods, in the order the checkout offers them: ``{name: method}``."""
    return registry.shopcms_payment_methods


def register(config, method):
    """Make ``method`` available to ``shopcms.payments`` (called from includeme's)."""
    config.registry.shopcms_payment_catalogue[method.name] = method


def includeme(config):
    config.registry.shopcms_payment_catalogue = {}
    register(config, BankTransfer())
    config.include(".mollie")
    wanted = config.get_settings().get("shopcms.payments", "transfer").split()
    catalogue = config.registry.shopcms_payment_catalogue
    unknown = [name for name in wanted if name not in catalogue]
    if unknown:
        raise ValueError(f"shopcms.payments: unknown or unconfigured methods {unknown}")
    if BankTransfer.name in wanted:
        check_bank_account(config.get_settings())
    config.registry.shopcms_payment_methods = {name: catalogue[name] for name in wanted}
