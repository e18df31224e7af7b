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
from decimal import Decimal, InvalidOperation

from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from pyramid.i18n import make_localizer
from pyramid.interfaces import ILocalizer, ITranslationDirectories

from ...headers import allow_form_action
from ...i18n import _
from ...resources.orders import PLACED
from . import PaymentMethod, register

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://api.mollie.com"
DEFAULT_CHECKOUT_ORIGIN = "https://www.mollie.com"
CURRENCY = "EUR"
ACTOR = "system:mollie"
#: The locale of Mollie's payment page for each shop language.
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_US"}
#: A Mollie payment id as the webhook accepts it: ``tr_`` and a bounded token.
PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,64}")
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

    def __init__(self, name, title, mollie):
        self.name = name
        self.title = title
        self.mollie = mollie

    def start(self, request, order):
        """Create a Mollie payment for ``order``; its checkout URL, or None.

        The payment id is added to the order (in the caller's transaction).  When Mollie
        cannot be reached or refuses, a warning is logged (the order number and the reason,
        nothing about the customer) and None is returned: the order stays placed and its
        confirmation page offers to pay again.
        """
        lang = order.lang
        confirmation = request.route_url(
            "public", lang=lang, traverse=("order", order.number, order.access_key)
        )
        base = self.mollie.webhook_base or request.application_url
        description = _localizer(request, lang).translate(
            _("Soft Cactus order ${number}", mapping={"number": order.number})
        )
        data = {
            "amount": amount(order.total),
            "description": description,
            "redirectUrl": confirmation,
            "webhookUrl": f"{base}/{lang}/mollie-webhook",
            "method": self.name,
            "metadata": {"order": order.number},
        }
        if lang in LOCALES:
            data["locale"] = LOCALES[lang]
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
    if not (settings.get("shopcms.mollie.api_key") or "").strip():
        config.registry.shopcms_mollie = None
        return
    mollie = Mollie(settings)
    config.registry.shopcms_mollie = mollie
    allow_form_action(config.registry, mollie.checkout_origin)
    register(config, MollieMethod("bancontact", _("Bancontact"), mollie))
    register(config, MollieMethod("creditcard", _("Credit card"), mollie))
