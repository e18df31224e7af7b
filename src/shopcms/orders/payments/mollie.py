"""Online payment through Mollie (Bancontact and cards) on Mollie's hosted payment page.

How a payment goes:

1. After the order is placed, :meth:`MollieMethod.start` creates a Mollie payment for the
   order's total (``POST /v2/payments``), stores its id on the order
   (``order.add_payment_id``) and sends the customer to the payment's checkout URL.  The
   customer pays on Mollie's page: no card number, CVV or IBAN ever reaches this server.
2. Mollie calls the webhook (``views.public.payments``) with the payment id only.  The webhook
   trusts nothing else in that request: it asks Mollie for the payment
   (``GET /v2/payments/ID``) and :func:`settle` marks the order paid when Mollie says
   ``paid`` for the order's amount.
3. Mollie sends the customer back to the order's confirmation page (``redirectUrl``), which
   shows the order's state: coming back proves nothing, only the webhook marks it paid.

Saved payment methods (only for a logged-in customer who consents to keeping account data,
``shopcms.privacy.account_data``, and ticks "save my details" at the checkout):

4. :meth:`MollieMethod.start` with ``keep_for`` makes the payment Mollie's ``first`` one of a
   Mollie customer (``POST /v2/customers`` with the order's name and email: they reach
   Mollie only then, recorded as a disclosure; an earlier saved method's customer is
   reused).  The customer pays on the hosted page as always.
5. When the webhook finds that payment paid, :func:`keep_mandate` asks Mollie for the
   mandate it created (``GET /v2/customers/ID/mandates/MID``) and keeps a
   ``SavedPaymentMethod``: brand, last four digits and expiry of the card (or the masked
   IBAN of the account behind Bancontact), the Mollie customer id, and the mandate id sealed
   with the vault (``shopcms.privacy.vault``).  Mollie never sends a card number; we keep
   nothing else.
6. The next checkout offers "Pay with the saved card": :meth:`MollieMethod.pay_saved` creates
   a ``recurring`` payment with that mandate (no hosted page).  Mollie answers with its
   status; ``settle`` applies it, and the webhook path does as for any payment.
7. Removing a saved method, or withdrawing the consent, revokes its mandate at Mollie (or
   deletes the Mollie customer when no saved method uses it any more):
   :func:`forget_saved_methods`.

Settings (``[app:main]``):

``shopcms.mollie.api_key``
    ``test_...`` or ``live_...``.  Without it, ``bancontact`` and ``creditcard`` are not
    registered (and naming them in ``shopcms.payments`` is an error at start).
``shopcms.mollie.api_endpoint``
    Default ``https://api.mollie.com``; the tests point it at a local fake.
``shopcms.mollie.webhook_base``
    The public base URL Mollie reaches the webhook at (e.g. ``https://softcactus.be``);
    default the request's ``application_url``.
``shopcms.mollie.checkout_origin``
    The origin of Mollie's payment pages, default ``https://www.mollie.com``: allowed in the
    Content-Security-Policy's ``form-action``, because browsers apply that directive to the
    redirect that follows our checkout POST.
"""

import logging
import re
import secrets
from decimal import Decimal, InvalidOperation

from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.objects.customer import Customer as MollieCustomer
from pyramid.i18n import make_localizer
from pyramid.interfaces import ILocalizer, ITranslationDirectories

from shopcms.orders.payments import PaymentMethod, register
from shopcms.orders.payments.saved import SavedPaymentMethod
from shopcms.orders.resources import PLACED
from shopcms.privacy import disclosures
from shopcms.privacy.account_data import SavedMethodsForgotten, keeps_account_data
from shopcms.privacy.vault import VaultError, get_vault
from shopcms.web.headers import allow_form_action
from shopcms.web.i18n import _

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://api.mollie.com"
DEFAULT_CHECKOUT_ORIGIN = "https://www.mollie.com"
CURRENCY = "EUR"
ACTOR = "system:mollie"
#: The locale of Mollie's payment page for each shop language.
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_US"}
#: A Mollie payment id as the webhook accepts it: ``tr_`` and a bounded token.
PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,64}")
CUSTOMER_ID = re.compile(r"cst_[A-Za-z0-9]{1,64}")
MANDATE_ID = re.compile(r"mdt_[A-Za-z0-9]{1,64}")
PROVIDER = "mollie"
API_KEY = re.compile(r"(live|test)_\w+")


class ProviderUnavailable(Exception):
    """Mollie could not be reached or answered an error; nothing was changed.

    ``status`` is the HTTP status of Mollie's error answer (404: no such payment), or None
    when there was no usable answer at all.
    """

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class Mollie:
    """The Mollie account of this site (``registry.shopcms_mollie``): talks to the API.

    A new API client per call: the client's HTTP session is not meant to be shared by the
    threads serving requests, and a payment call is rare enough to afford a connection.
    """

    def __init__(self, settings):
        key = settings["shopcms.mollie.api_key"].strip()
        if not API_KEY.fullmatch(key):
            # The message never repeats the key: it ends up in logs.
            raise ValueError("shopcms.mollie.api_key must start with test_ or live_")
        self._api_key = key
        self.endpoint = settings.get("shopcms.mollie.api_endpoint") or DEFAULT_ENDPOINT
        self.webhook_base = (settings.get("shopcms.mollie.webhook_base") or "").rstrip("/")
        self.checkout_origin = (
            settings.get("shopcms.mollie.checkout_origin") or DEFAULT_CHECKOUT_ORIGIN
        ).rstrip("/")

    def _call(self, operation):
        """``operation(client)`` with a fresh API client, or ProviderUnavailable."""
        # One connect retry (safe: nothing was sent) and short timeouts: the customer waits.
        client = Client(api_endpoint=self.endpoint, timeout=(3, 10), retry=1)
        client.set_api_key(self._api_key)
        # The client would send this server's uname (host name, kernel) along: not needed.
        client.UNAME = "shopcms"
        try:
            return operation(client)
        except MollieError as exc:
            raise ProviderUnavailable(_describe(exc), getattr(exc, "status", None)) from None
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # An answer the client cannot read (not Mollie's JSON): no better than none.
            raise ProviderUnavailable(f"unreadable answer ({type(exc).__name__})") from None
        finally:
            session = getattr(client, "_client", None)  # made by the client on first use
            if session is not None:
                session.close()

    def create_payment(self, data):
        """``POST /v2/payments`` with ``data``: the Payment, or ProviderUnavailable."""
        return self._call(lambda client: client.payments.create(data))

    def get_payment(self, payment_id):
        """``GET /v2/payments/ID``: the Payment, or ProviderUnavailable."""
        return self._call(lambda client: client.payments.get(payment_id))

    def create_customer(self, data):
        """``POST /v2/customers`` with ``data``: the Customer, or ProviderUnavailable."""
        return self._call(lambda client: client.customers.create(data))

    def delete_customer(self, customer_id):
        """``DELETE /v2/customers/ID`` (Mollie revokes its mandates), or ProviderUnavailable."""
        return self._call(lambda client: client.customers.delete(customer_id))

    @staticmethod
    def _mandates(client, customer_id):
        # The mandates of a customer, without fetching the customer first.
        return MollieCustomer({"id": customer_id}, client).mandates

    def get_mandate(self, customer_id, mandate_id):
        """``GET /v2/customers/ID/mandates/MID``: the Mandate, or ProviderUnavailable."""
        return self._call(lambda client: self._mandates(client, customer_id).get(mandate_id))

    def list_mandates(self, customer_id):
        """``GET /v2/customers/ID/mandates``: the customer's mandates, or ProviderUnavailable."""
        return self._call(lambda client: list(self._mandates(client, customer_id).list()))

    def revoke_mandate(self, customer_id, mandate_id):
        """``DELETE /v2/customers/ID/mandates/MID``, or ProviderUnavailable."""
        return self._call(lambda client: self._mandates(client, customer_id).delete(mandate_id))


def _describe(exc):
    """One short line about a client error for the log: its kind, Mollie's status and the
    start of its message (an unreadable answer is quoted whole in the message: cut short)."""
    status = getattr(exc, "status", None)
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}" + (f" {status}" if status else "") + f": {detail}"


def get_mollie(registry):
    """The site's :class:`Mollie`, or None when ``shopcms.mollie.api_key`` is not set."""
    return getattr(registry, "shopcms_mollie", None)


def amount(value):
    """Mollie's amount object for a Decimal in euro: the value with exactly two decimals."""
    return {"currency": CURRENCY, "value": f"{Decimal(value).quantize(Decimal('0.01'))}"}


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

    online = True
    #: A payment can leave a mandate to pay again with (a saved payment method).
    can_save = True

    def __init__(self, name, title, mollie):
        self.name = name
        self.title = title
        self.mollie = mollie

    def _data(self, request, order):
        """What every payment of ``order`` sends Mollie: amount, description, webhook, the
        order number; nothing about the customer."""
        lang = order.lang
        base = self.mollie.webhook_base or request.application_url
        description = _localizer(request, lang).translate(
            _("Soft Cactus order ${number}", mapping={"number": order.number})
        )
        return {
            "amount": amount(order.total),
            "description": description,
            "webhookUrl": f"{base}/{lang}/mollie-webhook",
            "metadata": {"order": order.number},
        }

    def _customer_for(self, request, order, account):
        """The Mollie customer id to keep ``account``'s mandate under, or None.

        An earlier saved method's customer is reused; otherwise one is created with the
        order's name and email (sent to Mollie only here, and recorded as a disclosure).
        """
        for saved in account.preferences.payment_methods:
            if saved.provider == PROVIDER and CUSTOMER_ID.fullmatch(saved.customer_ref or ""):
                return saved.customer_ref
        data = {"name": order.contact["name"], "email": order.contact["email"]}
        if order.lang in LOCALES:
            data["locale"] = LOCALES[order.lang]
        disclosures.mollie_customer(account, tuple(sorted(data)), request.now)
        try:
            customer = self.mollie.create_customer(data)
        except ProviderUnavailable as exc:
            log.warning("Mollie: no customer created for order %s: %s", order.number, exc)
            return None
        if not CUSTOMER_ID.fullmatch(customer.id or ""):
            log.warning("Mollie: unusable answer creating a customer for order %s", order.number)
            return None
        return customer.id

    def start(self, request, order, keep_for=None):
        """Create a Mollie payment for ``order``; its checkout URL, or None.

        With ``keep_for`` (the customer's account, which must consent to keeping account
        data), the payment is the ``first`` of a Mollie customer, so that paying it leaves a
        mandate to keep (:func:`keep_mandate`); when that customer cannot be created, the
        payment is an ordinary one.

        The payment id is added to the order (in the caller's transaction).  When Mollie
        cannot be reached or refuses, a warning is logged (the order number and the reason,
        nothing about the customer) and None is returned: the order stays placed and its
        confirmation page offers to pay again.
        """
        lang = order.lang
        confirmation = request.route_url(
            "public", lang=lang, traverse=("order", order.number, order.access_key)
        )
        data = {**self._data(request, order), "redirectUrl": confirmation, "method": self.name}
        if lang in LOCALES:
            data["locale"] = LOCALES[lang]
        if keep_for is not None and keeps_account_data(keep_for.preferences):
            customer_id = self._customer_for(request, order, keep_for)
            if customer_id is not None:
                data.update(customerId=customer_id, sequenceType="first")
        # Recorded before sending: what reached Mollie is listed even if it answers an error.
        disclosures.mollie_payment(order, data, request.now)
        try:
            payment = self.mollie.create_payment(data)
        except ProviderUnavailable as exc:
            log.warning("Mollie: no payment created for order %s: %s", order.number, exc)
            return None
        if not payment.id or not PAYMENT_ID.fullmatch(payment.id) or not payment.checkout_url:
            log.warning("Mollie: unusable answer creating a payment for order %s", order.number)
            return None
        order.add_payment_id(payment.id)
        log.info("Mollie: payment %s created for order %s", payment.id, order.number)
        return payment.checkout_url

    def pay_saved(self, request, order, saved):
        """Charge ``order`` with the saved method ``saved`` (a ``recurring`` payment with
        its mandate, no hosted page).  Returns True when a payment was created.

        Mollie answers with the payment's status: when it is ``paid`` the order is settled
        at once (:func:`settle`, with every check of the webhook); otherwise the webhook
        does it later.  When Mollie refuses (a mandate revoked meanwhile) or cannot be
        reached, a warning is logged and False returned: the order stays placed and its
        confirmation page offers to pay on Mollie's page.
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
        disclosures.mollie_payment(order, data, request.now)
        try:
            payment = self.mollie.create_payment(data)
        except ProviderUnavailable as exc:
            log.warning("Mollie: no recurring payment for order %s: %s", order.number, exc)
            return False
        if not payment.id or not PAYMENT_ID.fullmatch(payment.id):
            log.warning("Mollie: unusable answer creating a payment for order %s", order.number)
            return False
        order.add_payment_id(payment.id)
        log.info("Mollie: recurring payment %s created for order %s", payment.id, order.number)
        settle(order, payment)
        return True


def _expiry(value):
    """Mollie's ``cardExpiryDate`` (``YYYY-MM-DD``) as ``MM/YY``; "" if unreadable."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", value or "")
    return f"{match.group(2)}/{match.group(1)[2:]}" if match else ""


def _mask_iban(value):
    """An IBAN with only its country and last four characters: ``BE•• •••• 7034``."""
    compact = re.sub(r"\s", "", value or "").upper()
    if len(compact) < 8 or not compact[:2].isalpha():
        return ""
    return f"{compact[:2]}•• •••• {compact[-4:]}"


def saved_method_from(mandate, method, customer_id, vault):
    """The SavedPaymentMethod of a valid Mollie ``mandate``, or None when it does not say
    what to show.  ``method`` is the shop's method that made it (``creditcard``,
    ``bancontact``).  Only the last four digits, the label and the expiry are read from a
    card mandate; only the masked IBAN from a direct debit one."""
    details = mandate.details if isinstance(mandate.details, dict) else {}
    if mandate.method == "creditcard":
        last4 = re.sub(r"\D", "", str(details.get("cardNumber") or ""))[-4:]
        brand = str(details.get("cardLabel") or "")[:40] or "Card"
        expiry = _expiry(str(details.get("cardExpiryDate") or ""))
    elif mandate.method == "directdebit":
        last4 = _mask_iban(str(details.get("consumerAccount") or ""))
        brand = "Bancontact" if method == "bancontact" else "SEPA"
        expiry = ""
    else:
        return None
    if len(last4) < 4:
        return None
    return SavedPaymentMethod(
        id=secrets.token_hex(6),
        provider=PROVIDER,
        method=method,
        brand=brand,
        last4=last4,
        expiry=expiry,
        sealed_token=vault.seal(mandate.id),
        customer_ref=customer_id,
    )


def _holds(vault, saved, customer_id, mandate_id):
    if saved.provider != PROVIDER or saved.customer_ref != customer_id:
        return False
    try:
        return vault.open(saved.sealed_token) == mandate_id
    except VaultError:
        return False


def keep_mandate(request, order, payment):
    """After the webhook: keep the mandate that a paid ``first`` payment of ``order`` made.

    Does nothing for other payments.  The mandate is kept (:func:`saved_method_from`) on
    the order's account only while it consents to keeping account data; otherwise (the
    consent withdrawn since, the account gone) Mollie is told to forget the customer, when
    no saved method uses it.  A first payment that failed, was canceled or expired leaves
    the Mollie customer unused: it is deleted the same way.  A repeated webhook keeps
    nothing twice.  Raises ProviderUnavailable when the mandate cannot be fetched, so that
    the webhook answers 503 and Mollie calls again.  Returns the kept method or None.
    """
    if payment.sequence_type != "first" or payment.id not in order.payment_ids:
        return None
    customer_id = payment.customer_id or ""
    if not CUSTOMER_ID.fullmatch(customer_id):
        return None
    account = request.root["customers"].get(order.customer) if order.customer else None
    mollie = get_mollie(request.registry)
    kept = tuple(account.preferences.payment_methods) if account is not None else ()
    in_use = any(m.provider == PROVIDER and m.customer_ref == customer_id for m in kept)
    unwanted = account is None or not keeps_account_data(account.preferences)
    if payment.status in ("failed", "canceled", "expired") or (
        payment.status == "paid" and unwanted
    ):
        if not in_use:
            _delete_customer(mollie, customer_id)
        return None
    if payment.status != "paid":
        return None
    vault = get_vault(request.registry)
    mandate_id = payment.mandate_id or ""
    if MANDATE_ID.fullmatch(mandate_id):
        mandate = mollie.get_mandate(customer_id, mandate_id)
    else:
        # Not named on the payment: the customer's newest valid mandate.
        found = [m for m in mollie.list_mandates(customer_id) if m.status == "valid"]
        mandate = found[-1] if found else None
    if mandate is None or mandate.status != "valid" or not MANDATE_ID.fullmatch(mandate.id or ""):
        log.warning("Mollie: payment %s left no valid mandate to keep", payment.id)
        return None
    if any(_holds(vault, m, customer_id, mandate.id) for m in kept):
        return None
    saved = saved_method_from(mandate, order.payment_method, customer_id, vault)
    if saved is None:
        log.warning("Mollie: the mandate of payment %s does not say what to show", payment.id)
        return None
    account.preferences.add_payment_method(saved)
    log.info("Mollie: payment method kept for order %s", order.number)
    return saved


def _delete_customer(mollie, customer_id):
    try:
        mollie.delete_customer(customer_id)
    except ProviderUnavailable as exc:
        log.warning("Mollie: customer %s could not be deleted: %s", customer_id, exc)


def forget_withdrawn(event):
    """Subscriber: saved methods were forgotten (a withdrawn consent, an erasure, a removal
    on the account page): Mollie forgets what they allowed."""
    forget_saved_methods(event.registry, event.removed, event.remaining)


def forget_saved_methods(registry, removed, remaining=()):
    """Tell Mollie to forget the saved methods ``removed`` (best effort, logged).

    A Mollie customer that no method of ``remaining`` uses is deleted (Mollie revokes its
    mandates with it); otherwise only the removed mandates are revoked.
    """
    mollie = get_mollie(registry)
    if mollie is None:
        return
    vault = get_vault(registry)
    still_used = {m.customer_ref for m in remaining if m.provider == PROVIDER}
    deleted = set()
    for saved in removed:
        customer_id = saved.customer_ref or ""
        if saved.provider != PROVIDER or not CUSTOMER_ID.fullmatch(customer_id):
            continue
        if customer_id not in still_used:
            if customer_id not in deleted:
                _delete_customer(mollie, customer_id)
                deleted.add(customer_id)
            continue
        try:
            mollie.revoke_mandate(customer_id, vault.open(saved.sealed_token))
        except (ProviderUnavailable, VaultError) as exc:
            log.warning("Mollie: a mandate of %s could not be revoked: %s", customer_id, exc)


def _same_amount(payment, order):
    reported = payment.amount
    if not isinstance(reported, dict) or reported.get("currency") != CURRENCY:
        return False
    try:
        return Decimal(str(reported.get("value"))) == Decimal(order.total)
    except InvalidOperation:
        return False


def _paid_by(order, payment_id):
    """Whether ``payment_id`` is the payment that marked ``order`` paid (a repeated webhook)."""
    return any(
        entry.transition == "pay" and entry.actor == ACTOR and payment_id in entry.comment.split()
        for entry in order.workflow_history
    )


def settle(order, payment):
    """Apply what Mollie says about ``payment`` (fetched from Mollie) to ``order``.

    Marks the order paid (transition ``pay`` by ``system:mollie``) only when the payment is
    one of the order's, its status is ``paid``, its amount is the order's total in euro and
    the order is still ``placed``.  Returns True when it did.  Anything else changes
    nothing: another status (open, pending, failed, canceled, expired), an order already paid
    (a repeated webhook), or a mismatch, which is logged for staff to look at.
    """
    if payment.id not in order.payment_ids:
        log.warning("Mollie: payment %s is not one of order %s's", payment.id, order.number)
        return False
    if payment.status != "paid":
        return False
    metadata = payment.metadata if isinstance(payment.metadata, dict) else {}
    if metadata.get("order") != order.number or not _same_amount(payment, order):
        log.warning(
            "Mollie: payment %s is paid but does not match order %s (amount or metadata); "
            "not marked paid",
            payment.id,
            order.number,
        )
        return False
    if order.state != PLACED:
        if not _paid_by(order, payment.id):
            # Paid after a cancellation, or a second payment for one order: staff refund it.
            log.warning(
                "Mollie: payment %s is paid but order %s is %s already",
                payment.id,
                order.number,
                order.state,
            )
        return False
    order.transition(None, "pay", comment=f"Mollie payment {payment.id}", actor=ACTOR)
    log.info("Mollie: order %s paid (payment %s)", order.number, payment.id)
    return True


def includeme(config):
    """Register ``bancontact`` and ``creditcard`` when ``shopcms.mollie.api_key`` is set;
    ``registry.shopcms_mollie`` is the :class:`Mollie` account, or None."""
    settings = config.get_settings()
    config.add_subscriber(forget_withdrawn, SavedMethodsForgotten)
    if not (settings.get("shopcms.mollie.api_key") or "").strip():
        config.registry.shopcms_mollie = None
        return
    mollie = Mollie(settings)
    config.registry.shopcms_mollie = mollie
    allow_form_action(config.registry, mollie.checkout_origin)
    register(config, MollieMethod("bancontact", _("Bancontact"), mollie))
    register(config, MollieMethod("creditcard", _("Credit card"), mollie))
