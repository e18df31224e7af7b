"""Mollie's methods (``bancontact``, ``creditcard``) as a :class:`PaymentMethod`.

Every operation of the interface, with Mollie's rules:

- :meth:`~MollieMethod.start` creates a payment (``first`` of a Mollie customer when the
  method is to be kept; ``recurring`` with the mandate of a saved method, charged without
  Mollie's page);
- :meth:`~MollieMethod.resume` ("Pay now") asks Mollie about the order's latest payment
  before creating another, so that a customer who paid is never charged twice;
- :meth:`~MollieMethod.notified` is the webhook: the payment id is all it reads, the rest
  comes from Mollie;
- :meth:`~MollieMethod.refund` pays (part of) the payment that paid the order back;
- :meth:`~MollieMethod.forget` revokes what removed saved methods allowed.

When Mollie cannot be asked nothing is changed: the order stays as it was, the customer
or staff are told to try again, and the webhook answers 503 so that Mollie calls again.
"""

import logging

from pyramid.i18n import make_localizer
from pyramid.interfaces import ILocalizer, ITranslationDirectories

from shopcms.orders.payments import PaymentMethod, PaymentUnavailable, Repayment, Resumption
from shopcms.orders.payments.mollie.client import (
    LOCALES,
    PAYMENT_ID,
    PROVIDER,
    REFUND_ID,
    ProviderUnavailable,
    amount,
    euros,
)
from shopcms.orders.payments.mollie.mandates import (
    customer_for,
    forget_saved_methods,
    keep_mandate,
)
from shopcms.orders.payments.mollie.settling import IN_PROGRESS, paid_with, settle
from shopcms.privacy import disclosures
from shopcms.privacy.account_data import keeps_account_data
from shopcms.privacy.vault import VaultError, get_vault
from shopcms.web.i18n import _

log = logging.getLogger(__name__)

#: The view name (below each language) of the webhook every payment names.
WEBHOOK = "mollie-webhook"
REFUSED = _(
    "Mollie refused this refund: it is more than what remains of the payment at Mollie "
    "(was part of it refunded from Mollie's dashboard?). The order was not changed."
)
UNREACHABLE = _("Online payment is not available right now. Please try again in a few minutes.")


def _localizer(request, lang):
    """The localizer of ``lang`` (cached in the registry, as Pyramid does for requests)."""
    if lang == request.locale_name:
        return request.localizer
    registry = request.registry
    localizer = registry.queryUtility(ILocalizer, name=lang)
    if localizer is None:
        directories = registry.queryUtility(ITranslationDirectories, default=[])
        localizer = make_localizer(lang, directories)
        registry.registerUtility(localizer, ILocalizer, name=lang)
    return localizer


class MollieMethod(PaymentMethod):
    """A payment method of Mollie's; ``name`` is Mollie's name for it (``method``)."""

    provider = PROVIDER
    online = True
    can_save = True
    webhook = WEBHOOK

    def __init__(self, name, title, mollie):
        self.name = name
        self.title = title
        self.mollie = mollie

    # -- paying ---------------------------------------------------------------------------

    def _data(self, request, order):
        """What every payment of ``order`` sends Mollie: amount, description, webhook, the
        order number; nothing about the customer."""
        lang = order.lang
        description = _localizer(request, lang).translate(
            _("Soft Cactus order ${number}", mapping={"number": order.number})
        )
        if self.mollie.webhook_base:
            webhook = self.mollie.webhook_base + request.link(None, WEBHOOK, lang=lang)
        else:
            webhook = request.link(None, WEBHOOK, lang=lang, absolute=True)
        return {
            "amount": amount(order.due),  # less a gift card
            "description": description,
            "webhookUrl": webhook,
            "metadata": {"order": order.number},
        }

    def _create(self, request, order, data, hosted=True):
        """Create the payment ``data`` for ``order`` and add its id to the order: the
        Payment, or None (logged: the order number and the reason, nothing about the
        customer).  A ``hosted`` payment must come with the URL of Mollie's page."""
        # Recorded before sending: what reached Mollie is listed even if it answers an error.
        disclosures.mollie_payment(order, data, request.now)
        try:
            payment = self.mollie.create_payment(data)
        except ProviderUnavailable as exc:
            log.warning("Mollie: no payment created for order %s: %s", order.number, exc)
            return None
        usable = payment.id and PAYMENT_ID.fullmatch(payment.id)
        if not usable or (hosted and not payment.checkout_url):
            log.warning("Mollie: unusable answer creating a payment for order %s", order.number)
            return None
        order.add_payment_id(payment.id)
        log.info("Mollie: payment %s created for order %s", payment.id, order.number)
        return payment

    def start(self, request, order, *, saved=None, keep_for=None):
        """Create a Mollie payment for ``order``: its checkout URL, or None.

        With ``saved``, a ``recurring`` payment with its mandate (no hosted page): None.
        With ``keep_for`` (an account that consents to keeping account data), the payment
        is the ``first`` of a Mollie customer, so that paying it leaves a mandate to keep;
        when that customer cannot be created, the payment is an ordinary one.  When Mollie
        cannot be reached or refuses, None: the order stays placed and its confirmation
        page offers to pay again.
        """
        if saved is not None:
            self._pay_saved(request, order, saved)
            return None
        lang = order.lang
        confirmation = request.link(
            None, "order", order.number, order.access_key, lang=lang, absolute=True
        )
        data = {**self._data(request, order), "redirectUrl": confirmation, "method": self.name}
        if lang in LOCALES:
            data["locale"] = LOCALES[lang]
        if keep_for is not None and keeps_account_data(keep_for.preferences):
            customer_id = customer_for(self.mollie, request, order, keep_for)
            if customer_id is not None:
                data.update(customerId=customer_id, sequenceType="first")
        payment = self._create(request, order, data)
        return payment.checkout_url if payment is not None else None

    def _pay_saved(self, request, order, saved):
        """Charge ``order`` with the mandate of ``saved``; True when a payment was made.

        Mollie answers with the payment's status: when it is ``paid`` the order is settled
        at once (with every check of the webhook); otherwise the webhook does it later.
        When Mollie refuses (a mandate revoked meanwhile) or cannot be reached, False: the
        order stays placed and its confirmation page offers to pay on Mollie's page.
        """
        try:
            mandate_id = get_vault(request.registry).open(saved.sealed_token)
        except VaultError as exc:
            log.warning("Mollie: the saved method for order %s: %s", order.number, exc)
            return False
        data = {
            **self._data(request, order),
            "customerId": saved.customer_ref,
            "sequenceType": "recurring",
            "mandateId": mandate_id,
        }
        payment = self._create(request, order, data, hosted=False)
        if payment is None:
            return False
        settle(order, payment)
        return True

    def resume(self, request, order):
        try:
            latest = self.mollie.get_payment(order.payment_ids[-1]) if order.payment_ids else None
        except ProviderUnavailable as exc:
            log.warning(
                "Mollie: order %s's last payment could not be fetched: %s", order.number, exc
            )
            if exc.status != 404:  # unknown to Mollie (another account?): a new one will do
                return Resumption(message=UNREACHABLE, error=True)
            latest = None
        if latest is not None:
            if settle(order, latest):
                try:
                    keep_mandate(self.mollie, request, order, latest)
                except ProviderUnavailable as exc:  # the webhook keeps it when it comes
                    log.warning("Mollie: the mandate of order %s: %s", order.number, exc)
                return Resumption(message=_("Your payment has been received. Thank you!"))
            # Paid but not settled (it does not match the order: logged for staff): no new charge.
            if latest.status in IN_PROGRESS or latest.status == "paid":
                return Resumption(
                    message=_("Your payment is being processed. Please check again later.")
                )
            if latest.status == "open" and latest.checkout_url:
                # The customer left Mollie's page before paying: that payment is still usable.
                return Resumption(target=latest.checkout_url)
        target = self.start(request, order)
        if not target:
            return Resumption(message=UNREACHABLE, error=True)
        return Resumption(target=target)

    # -- Mollie calls back ----------------------------------------------------------------

    def notified(self, request):
        """Mollie's webhook: ``id`` (a payment id) is all that is read of the request.

        400 for a malformed id; 200 for an id that is not one of an order's (Mollie's
        advice: tell a prober nothing) and after settling; 503 when Mollie cannot be asked,
        for the payment or for the mandate of a paid ``first`` payment: the transaction is
        then rolled back (the order is not marked paid either) and all of it is done again
        when Mollie calls again.
        """
        payment_id = request.POST.get("id", "")
        if not isinstance(payment_id, str) or not PAYMENT_ID.fullmatch(payment_id):
            return 400
        order = request.root["orders"].for_reference(payment_id)
        if order is None or payment_id not in order.payment_ids:
            return 200
        try:
            payment = self.mollie.get_payment(payment_id)
        except ProviderUnavailable as exc:
            log.warning("Mollie webhook: payment %s could not be fetched: %s", payment_id, exc)
            return 503
        if payment.id != payment_id:
            log.warning("Mollie webhook: asked for payment %s, got another", payment_id)
            return 200
        settle(order, payment)
        try:
            keep_mandate(self.mollie, request, order, payment)
        except ProviderUnavailable as exc:
            log.warning(
                "Mollie webhook: the mandate of %s could not be fetched: %s", payment_id, exc
            )
            return 503
        return 200

    # -- afterwards -----------------------------------------------------------------------

    def pays_back(self, order):
        """Mollie pays back what one of its payments paid (an order marked paid by staff
        is paid back by bank transfer)."""
        return paid_with(order) is not None

    def refund(self, request, order, amount_due, key):
        """Refund ``amount_due`` of the Mollie payment that paid ``order``
        (``POST /v2/payments/ID/refunds``) with the ``Idempotency-Key`` ``key``: a replayed
        request gets the first refund back from Mollie, nothing is paid twice.  When Mollie
        cannot be asked or refuses (422: more than remains of its payment, refunded from
        its dashboard say), PaymentUnavailable."""
        payment_id = paid_with(order)
        mapping = {"number": order.number}
        description = _localizer(request, order.lang).translate(
            _("Refund of Soft Cactus order ${number}", mapping=mapping)
        )
        data = {"amount": amount(amount_due), "description": description}
        disclosures.mollie_payment(order, data, request.now, request.authenticated_userid)
        try:
            refund = self.mollie.refund_payment(payment_id, data, key)
        except ProviderUnavailable as exc:
            log.warning("Mollie: order %s could not be refunded: %s", order.number, exc)
            if exc.status in (400, 422):  # more than remains; a key used for another amount
                raise PaymentUnavailable(REFUSED, status=409) from None
            raise PaymentUnavailable(
                _(
                    "Mollie could not refund the payment right now, so the order was not "
                    "changed. Please try again in a few minutes."
                )
            ) from None
        if euros(refund.amount) != amount_due:
            # The key was used for another amount (a form changed and sent again).
            log.warning("Mollie: refund %s of order %s has another amount", refund.id, order.number)
            raise PaymentUnavailable(REFUSED, status=409)
        reference = refund.id if REFUND_ID.fullmatch(refund.id or "") else ""
        log.info("Mollie: refund %s of order %s", reference or "(no id)", order.number)
        return Repayment(reference, note=f"Mollie refund {reference}".strip())

    def forget(self, registry, removed, remaining=()):
        forget_saved_methods(self.mollie, registry, removed, remaining)
