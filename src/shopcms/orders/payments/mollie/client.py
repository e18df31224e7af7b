"""Mollie's API as this shop uses it: :class:`Mollie`, the site's account
(``registry.shopcms_mollie``, :func:`get_mollie`).

Contract: every call either returns Mollie's object or raises :class:`ProviderUnavailable`
(Mollie unreachable, an error answer, or an answer the client cannot read); nothing else
escapes, and no message repeats the API key or what the customer entered.  The ids Mollie
hands out are checked against the patterns below before the shop stores or sends them on.
"""

import re
from decimal import Decimal, InvalidOperation

from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.objects.customer import Customer as MollieCustomer
from mollie.api.objects.payment import Payment as MolliePayment
from mollie.api.resources.refunds import PaymentRefunds

DEFAULT_ENDPOINT = "https://api.mollie.com"
DEFAULT_CHECKOUT_ORIGIN = "https://www.mollie.com"
CURRENCY = "EUR"
#: ``SavedPaymentMethod.provider`` of the methods Mollie keeps.
PROVIDER = "mollie"
#: The locale of Mollie's payment page for each shop language.
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_US"}
#: A Mollie payment id as the webhook accepts it: ``tr_`` and a bounded token.
PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,64}")
CUSTOMER_ID = re.compile(r"cst_[A-Za-z0-9]{1,64}")
MANDATE_ID = re.compile(r"mdt_[A-Za-z0-9]{1,64}")
REFUND_ID = re.compile(r"re_[A-Za-z0-9]{1,64}")
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
    """The Mollie account of this site: talks to the API.

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
        """``POST /v2/payments`` with ``data``: the Payment."""
        return self._call(lambda client: client.payments.create(data))

    def get_payment(self, payment_id):
        """``GET /v2/payments/ID``: the Payment."""
        return self._call(lambda client: client.payments.get(payment_id))

    def refund_payment(self, payment_id, data, idempotency_key):
        """``POST /v2/payments/ID/refunds`` with ``data``: the Refund.

        Mollie answers a repeated request with the same ``idempotency_key`` with its first
        answer instead of refunding again (a replayed transaction, a double click).
        """

        def refund(client):
            payment = MolliePayment({"id": payment_id}, client)
            return PaymentRefunds(client, payment).create(data, idempotency_key=idempotency_key)

        return self._call(refund)

    def create_customer(self, data):
        """``POST /v2/customers`` with ``data``: the Customer."""
        return self._call(lambda client: client.customers.create(data))

    def delete_customer(self, customer_id):
        """``DELETE /v2/customers/ID`` (Mollie revokes its mandates with it)."""
        return self._call(lambda client: client.customers.delete(customer_id))

    @staticmethod
    def _mandates(client, customer_id):
        # The mandates of a customer, without fetching the customer first.
        return MollieCustomer({"id": customer_id}, client).mandates

    def get_mandate(self, customer_id, mandate_id):
        """``GET /v2/customers/ID/mandates/MID``: the Mandate."""
        return self._call(lambda client: self._mandates(client, customer_id).get(mandate_id))

    def list_mandates(self, customer_id):
        """``GET /v2/customers/ID/mandates``: the customer's mandates."""
        return self._call(lambda client: list(self._mandates(client, customer_id).list()))

    def revoke_mandate(self, customer_id, mandate_id):
        """``DELETE /v2/customers/ID/mandates/MID``."""
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


def euros(reported):
    """The Decimal of one of Mollie's amount objects in euro, or None (another currency,
    no amount, a value that is not a number)."""
    if not isinstance(reported, dict) or reported.get("currency") != CURRENCY:
        return None
    try:
        return Decimal(str(reported.get("value")))
    except InvalidOperation:
        return None
