"""Payment methods behind one interface: :class:`PaymentMethod`.

The checkout, the confirmation page's "Pay now", the order desk's refunds, the provider's
webhook and the forgetting of saved methods all go through this interface and
:func:`methods`; none of them knows a provider.  A method is registered by the module that
implements it (:func:`register` in its ``includeme``): ``transfer`` by
:mod:`~shopcms.orders.payments.transfer`, ``bancontact`` and ``creditcard`` by
:mod:`~shopcms.orders.payments.mollie` when Mollie is configured; ``giftcard`` (an order a
gift card paid entirely, never offered) by :mod:`~shopcms.orders.payments.giftcard`.
No method ever sees a card number: online payments happen on the provider's own page.

``shopcms.payments`` lists the enabled methods in the order the checkout offers them
(default ``transfer``); naming one that is not registered is an error at start, and each
enabled method checks its own settings then (:meth:`PaymentMethod.check_settings`).  A
method that is registered but not enabled still answers for the orders it was chosen for
(their webhook, a refund): :func:`method_of`.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass

from pyramid.i18n import TranslationString

from shopcms.orders.payments.saved import describe as describe_saved_method
from shopcms.privacy.account_data import SavedMethodsForgotten
from shopcms.web.i18n import _

#: What "Pay now" says for an order that cannot (or need not) be paid online.
NOTHING_TO_PAY = _("This order has nothing left to pay online.")


class PaymentUnavailable(Exception):
    """The provider could not do what was asked (unreachable, or it refused); nothing was
    changed.  ``message`` (translatable) says so to the person who asked; ``status`` is the
    HTTP status to answer (503: try again later; 409: the provider refuses it)."""

    def __init__(self, message: TranslationString, status=503):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Resumption:
    """Where "Pay now" leads: ``target``, the URL to send the customer to (None: back to
    the order's page), and ``message``, a notice for the customer (an error when
    ``error``), or None."""

    target: str | None = None
    message: TranslationString | None = None
    error: bool = False


@dataclass(frozen=True)
class Repayment:
    """What a provider did to pay (part of) an order back: ``reference`` is its refund's
    id, ``note`` what the order's history adds (``"Mollie refund re_..."``)."""

    reference: str
    note: str = ""


class PaymentMethod(ABC):
    """A way to pay an order.

    ``name`` is stored on the order, ``title`` (translatable) is shown; ``provider`` names
    who keeps the payments and saved methods (``SavedPaymentMethod.provider``), "" for
    none; ``online`` means paid on the provider's page, so the confirmation page offers
    "Pay now" while the order is placed; ``can_save`` means a payment can leave a method to
    pay again with; ``webhook`` is the view name below each language at which the
    provider calls back (``mollie-webhook``), or None.

    Only :meth:`start` must be implemented; the other operations default to what a method
    without a provider does.
    """

    name = ""
    title = None
    provider = ""
    online = False
    can_save = False
    webhook = None

    def check_settings(self, settings):
        """Raise ValueError when ``settings`` do not let this method work (called at start
        for each enabled method).  Without settings of its own, nothing to check."""
        return

    @abstractmethod
    def start(self, request, order, *, saved=None, keep_for=None):
        """Begin paying ``order``, just placed (in the checkout's transaction).

        ``saved`` is one of the customer's SavedPaymentMethod of this method: charge it
        without the provider's page.  ``keep_for`` is the customer's account, which
        consents to keeping account data: keep the method the customer pays with.  Returns
        the URL to send the customer to (the provider's page), or None when the
        confirmation page says what follows.  Never raises for a provider's failure: the
        order stays placed and can be paid later (:meth:`resume`).
        """

    def resume(self, request, order):
        """The confirmation page's "Pay now" for ``order``, still placed: a
        :class:`Resumption`.  A customer who paid already is never charged twice: the
        provider is asked first."""
        return Resumption(message=NOTHING_TO_PAY)

    def pays_back(self, order):
        """Whether this method's provider pays refunds of ``order`` back (it took the
        payment).  Otherwise the shop pays back by bank transfer
        (``shopcms.orders.refunds``)."""
        return False

    def refund(self, request, order, amount, key):
        """Have the provider pay ``amount`` (a Decimal in euro) of ``order`` back: a
        :class:`Repayment`.  ``key`` is the refund's idempotency key: asked again with it
        (a replayed request), the provider answers with the same refund and pays nothing
        twice.  Raises PaymentUnavailable when the provider cannot do it now (then nothing
        was paid back and the order must not change).  Called only when
        :meth:`pays_back` says so."""
        raise NotImplementedError(f"{self.name} pays nothing back")

    def forget(self, registry, removed, remaining=()):
        """Have the provider forget the saved methods ``removed`` (best effort): nothing
        may be charged with them any more.  ``remaining`` are those the customer keeps.
        Without a provider, nothing was saved."""
        return

    def describe(self, saved):
        """How the saved method ``saved`` is shown (``"Mastercard •••• 4444 (11/29)"``)."""
        return describe_saved_method(saved)

    def notified(self, request):
        """The provider calls :attr:`webhook`: act on what it says.  Returns the HTTP
        status to answer (200 done or nothing to do, 400 a malformed call, 503 try again
        later, 404 no such webhook)."""
        return 404


def methods(registry):
    """The enabled methods, in the order the checkout offers them: ``{name: method}``."""
    return registry.shopcms_payment_methods


def catalogue(registry):
    """Every registered method, enabled or not: ``{name: method}``."""
    return _catalogue(registry)


def method_of(registry, order):
    """The method ``order`` is paid with (also when it is no longer enabled), or None."""
    return _catalogue(registry).get(order.payment_method)


def webhooks(registry):
    """``{view name: method}``: the addresses providers call back at, each answered by
    one method of that provider."""
    found = {}
    for method in _catalogue(registry).values():
        if method.webhook:
            found.setdefault(method.webhook, method)
    return found


def webhook_names(registry):
    """The view names of every webhook: those of the registered methods, and those
    declared by a provider that is not configured (:func:`declare_webhook`)."""
    return {*getattr(registry, "shopcms_payment_webhooks", ()), *webhooks(registry)}


def declare_webhook(config, name):
    """Keep the webhook ``name`` of a provider that is not configured: its address still
    answers (404), as it does for a provider that has no such payment."""
    registry = config.registry
    registry.shopcms_payment_webhooks = {*getattr(registry, "shopcms_payment_webhooks", ()), name}


def describe_saved(registry, saved):
    """How the saved method ``saved`` is shown, by the method that made it."""
    method = _catalogue(registry).get(saved.method)
    return method.describe(saved) if method is not None else describe_saved_method(saved)


def _catalogue(registry):
    catalogue = getattr(registry, "shopcms_payment_catalogue", None)
    if catalogue is None:
        catalogue = registry.shopcms_payment_catalogue = {}
    return catalogue


def register(config, method):
    """Make ``method`` available to ``shopcms.payments`` (from any ``includeme``, also one
    run before this package's)."""
    _catalogue(config.registry)[method.name] = method


def forget_withdrawn(event):
    """Subscriber: saved methods were forgotten (a withdrawn consent, an erasure, a removal
    on the account page); each provider forgets what its own allowed."""
    providers = {}
    for method in _catalogue(event.registry).values():
        if method.provider:
            providers.setdefault(method.provider, method)
    for provider, method in providers.items():
        removed = [saved for saved in event.removed if saved.provider == provider]
        if removed:
            remaining = [saved for saved in event.remaining if saved.provider == provider]
            method.forget(event.registry, removed, remaining)


def includeme(config):
    config.include(".transfer")
    config.include(".mollie")
    config.include(".giftcard")
    config.add_subscriber(forget_withdrawn, SavedMethodsForgotten)
    settings = config.get_settings()
    wanted = settings.get("shopcms.payments", "transfer").split()
    catalogue = _catalogue(config.registry)
    unknown = [name for name in wanted if name not in catalogue]
    if unknown:
        raise ValueError(f"shopcms.payments: unknown or unconfigured methods {unknown}")
    for name in wanted:
        catalogue[name].check_settings(settings)
    config.registry.shopcms_payment_methods = {name: catalogue[name] for name in wanted}
