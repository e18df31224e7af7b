"""A fake Mollie for tests: the parts of Mollie's v2 Payments API that shopcms uses.

``FakeMollie().start()`` serves on 127.0.0.1 (a free port) from a thread; ``settings()``
gives the shopcms settings that use it.  What it speaks, as Mollie documents it:

- ``POST /v2/payments`` (JSON, ``Authorization: Bearer KEY``): validates ``amount``
  (``currency`` and a ``value`` string with exactly two decimals, above zero),
  ``description``, ``redirectUrl``, and if given ``webhookUrl``, ``method``, ``locale`` and
  ``metadata``; answers 201 with the payment (status ``open``, ``_links.checkout``).
- ``GET /v2/payments/ID``: the payment as it is now.
- Errors as Mollie gives them: ``application/hal+json`` with ``status``, ``title``,
  ``detail`` (and ``field``): 401 for a missing or wrong key, 404 for an unknown payment,
  422 for invalid fields, 400 for a body that is not JSON.
- The hosted payment page ``GET /checkout/ID``: buttons *paid*, *failed*, *canceled*,
  *expired* (it asks for no card data at all).  ``POST /checkout/ID`` with ``status=...``
  sets the status (and ``paidAt`` etc.), calls the payment's ``webhookUrl`` with the form
  body ``id=ID`` as Mollie does, then answers 303 to the ``redirectUrl``.

Saved payment methods, as Mollie's Customers and Mandates APIs document them:

- ``POST /v2/customers`` (``name``, ``email``, ``locale``, ``metadata``, all optional): 201
  with the customer (``cst_...``); ``GET /v2/customers/ID``; ``DELETE /v2/customers/ID``
  (204; its mandates are revoked with it).
- ``GET /v2/customers/ID/mandates`` (a list: ``count``, ``_embedded.mandates``),
  ``GET /v2/customers/ID/mandates/MID``, ``DELETE /v2/customers/ID/mandates/MID`` (204: the
  mandate is revoked, it is no longer listed).
- A payment with ``customerId`` and ``sequenceType: "first"`` (methods ``creditcard`` and
  ``bancontact``) is paid on the hosted page like any other; when it is paid, the fake
  creates a valid mandate for that customer and sets the payment's ``mandateId``: a
  ``creditcard`` mandate with the details of :attr:`FakeMollie.card` (holder, label, expiry
  as ``YYYY-MM-DD`` and only the last four digits as ``cardNumber``: the full number is never
  sent, as Mollie never sends it), or for Bancontact a ``directdebit`` mandate with the
  account of :attr:`FakeMollie.account` (``consumerName``, ``consumerAccount`` (the IBAN),
  ``consumerBic``).
- A payment with ``sequenceType: "recurring"``, ``customerId`` and ``mandateId`` (no
  ``redirectUrl``, no hosted page) is charged at once: 201 with status
  :attr:`FakeMollie.recurring_status` (default ``paid`` for a card, ``pending`` for a
  direct debit), and ``paidAt`` when paid.  Unlike Mollie, the fake does not call the
  webhook for it by itself: a test calls ``call_webhook(id)``.  A customer without that
  valid mandate gets 422 (field ``mandateId``).

Refunds, as Mollie's Refunds API documents them:

- A paid payment has ``amountRefunded`` and ``amountRemaining`` (what can still be
  refunded).  ``POST /v2/payments/ID/refunds`` (``amount``, ``description`` of at most 140
  characters, ``metadata``) refunds part or all of what remains: 201 with the refund
  (``re_...``, status ``pending``, ``paymentId``); 422 for a payment that is not paid or an
  amount above what remains (field ``amount``; Mollie allows up to 25 euro more for some
  methods: the fake, as the shop, never more than remains).
- ``GET /v2/payments/ID/refunds`` lists the payment's refunds (``count``,
  ``_embedded.refunds``), ``GET /v2/payments/ID/refunds/RID`` gives one.
- A request with an ``Idempotency-Key`` that was used before is not done again: the first
  answer is given again with the header ``Idempotent-Replayed: true``; the same key with
  other parameters or at another endpoint answers 400 (Mollie keeps the keys for an hour;
  the fake, for its lifetime).  ``refund_keys`` records the key of every refund request
  (None without one).

Test helpers: ``set_status(id, status)`` changes a payment without calling the webhook (a
forged webhook can then be tried), ``call_webhook(id)`` calls it, ``webhook_calls`` records
every call and our answer, ``requests`` records every API request (method, path, JSON body).
``customers`` and ``mandates`` (customer id -> list) hold what the shop created, ``refunds``
(payment id -> list) the refunds.
``stop()`` then ``start()`` serves again on the same port: in between, the API is down.
"""

import datetime
import html
import json
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.mailserver import free_port

HOST = "127.0.0.1"
API_KEY = "test_" + "F" * 30
STATUSES = ("open", "pending", "authorized", "paid", "canceled", "expired", "failed")
FINAL_STATUSES = ("paid", "failed", "canceled", "expired")
METHODS = ("bancontact", "creditcard", "ideal", "banktransfer", "paypal", "kbc", "belfius")
#: The methods whose "first" payment gives a mandate, and the mandate's method.
FIRST_METHODS = {"creditcard": "creditcard", "bancontact": "directdebit", "ideal": "directdebit"}
SEQUENCE_TYPES = ("oneoff", "first", "recurring")
ID_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
LOCALES = (
    "en_US", "en_GB", "nl_NL", "nl_BE", "fr_FR", "fr_BE", "de_DE", "de_AT", "de_CH", "es_ES",
    "ca_ES", "pt_PT", "it_IT", "nb_NO", "sv_SE", "fi_FI", "da_DK", "is_IS", "hu_HU", "pl_PL",
    "lv_LV", "lt_LT",
)  # fmt: skip
AMOUNT_VALUE = re.compile(r"\d{1,10}\.\d{2}")
DOCS = "https://docs.mollie.com/overview/handling-errors"
# The time stamp field Mollie sets when a payment reaches each final status.
STATUS_TIME = {
    "paid": "paidAt",
    "failed": "failedAt",
    "canceled": "canceledAt",
    "expired": "expiredAt",
}


class MollieError(Exception):
    def __init__(self, status, title, detail, field=None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.field = status, title, detail, field

    def body(self):
        body = {"status": self.status, "title": self.title, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        body["_links"] = {"documentation": {"href": DOCS, "type": "text/html"}}
        return body


def _invalid(detail, field):
    return MollieError(422, "Unprocessable Entity", detail, field)


def _timestamp(when=None):
    when = when or datetime.datetime.now(datetime.UTC)
    return when.isoformat(timespec="seconds")


def _new_id(prefix):
    return prefix + "".join(secrets.choice(ID_CHARS) for _ in range(10))


def _url(value):
    parts = urllib.parse.urlsplit(value) if isinstance(value, str) else None
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)


class FakeMollie:
    def __init__(self, api_key=API_KEY, port=None):
        self.api_key = api_key
        self.port = port or free_port()
        self.payments = {}
        self.customers = {}
        self.mandates = {}  # customer id -> [mandate]
        # The test card "entered" on the hosted page of a first card payment (Mastercard's
        # test number): only its last four digits ever leave the fake.
        self.card = {
            "number": "5555555555554444",
            "label": "Mastercard",
            "holder": "J. Peeters",
            "expiry": "2029-11-30",
        }
        self.account = {"name": "J. Peeters", "iban": "BE68539007547034", "bic": "BBRUBEBB"}
        self.recurring_status = None  # None: paid for a card mandate, pending for a debit
        self.refunds = {}  # payment id -> [refund]
        self._answered = {}  # Idempotency-Key -> (endpoint, body, the refund it created)
        self.refund_keys = []  # the Idempotency-Key of each refund request, in order
        self.requests = []  # (method, path, JSON body or None)
        self.webhook_calls = []  # (URL, form body, our HTTP status or the error)
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    # --- running ------------------------------------------------------------------------

    @property
    def base_url(self):
        return f"http://{HOST}:{self.port}"

    def settings(self):
        """The shopcms settings of a site that pays through this fake."""
        return {
            "shopcms.payments": "transfer bancontact creditcard",
            "shopcms.mollie.api_key": self.api_key,
            "shopcms.mollie.api_endpoint": self.base_url,
            "shopcms.mollie.checkout_origin": self.base_url,
        }

    def start(self):
        fake = self

        class Handler(_Handler):
            mollie = fake

        self._server = ThreadingHTTPServer((HOST, self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-mollie", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    # --- the payments ---------------------------------------------------------------------

    def create(self, data, mode):
        """A new open payment from a validated request body."""
        payment_id = _new_id("tr_")
        created = datetime.datetime.now(datetime.UTC)
        payment = {
            "resource": "payment",
            "id": payment_id,
            "mode": mode,
            "createdAt": _timestamp(created),
            "status": "open",
            "isCancelable": False,
            "amount": dict(data["amount"]),
            "description": data["description"],
            "method": data.get("method"),
            "metadata": data.get("metadata"),
            "locale": data.get("locale"),
            "profileId": "pfl_FakeProfile",
            "sequenceType": data.get("sequenceType") or "oneoff",
            "redirectUrl": data.get("redirectUrl"),
            "webhookUrl": data.get("webhookUrl"),
            "expiresAt": _timestamp(created + datetime.timedelta(minutes=15)),
            "_links": {
                "self": {
                    "href": f"{self.base_url}/v2/payments/{payment_id}",
                    "type": "application/hal+json",
                },
                "checkout": {
                    "href": f"{self.base_url}/checkout/{payment_id}",
                    "type": "text/html",
                },
                "dashboard": {
                    "href": f"{self.base_url}/dashboard/payments/{payment_id}",
                    "type": "text/html",
                },
                "documentation": {
                    "href": "https://docs.mollie.com/reference/create-payment",
                    "type": "text/html",
                },
            },
        }
        if data.get("customerId"):
            payment["customerId"] = data["customerId"]
        if payment["sequenceType"] == "recurring":
            # Charged at once with the mandate: no hosted page.
            mandate = self.mandate(data["customerId"], data["mandateId"])
            payment["mandateId"] = mandate["id"]
            payment["method"] = mandate["method"]
            del payment["_links"]["checkout"]
            status = self.recurring_status or (
                "paid" if mandate["method"] == "creditcard" else "pending"
            )
            payment["status"] = status
            if status in STATUS_TIME:
                payment[STATUS_TIME[status]] = _timestamp()
            if status == "paid":
                _refundable(payment)
        with self._lock:
            self.payments[payment_id] = payment
        return payment

    # --- customers and mandates -----------------------------------------------------------

    def create_customer(self, data, mode):
        customer_id = _new_id("cst_")
        customer = {
            "resource": "customer",
            "id": customer_id,
            "mode": mode,
            "name": data.get("name"),
            "email": data.get("email"),
            "locale": data.get("locale"),
            "metadata": data.get("metadata"),
            "createdAt": _timestamp(),
            "_links": {
                "self": {
                    "href": f"{self.base_url}/v2/customers/{customer_id}",
                    "type": "application/hal+json",
                },
                "mandates": {
                    "href": f"{self.base_url}/v2/customers/{customer_id}/mandates",
                    "type": "application/hal+json",
                },
            },
        }
        with self._lock:
            self.customers[customer_id] = customer
            self.mandates[customer_id] = []
        return json.loads(json.dumps(customer))

    def customer(self, customer_id):
        with self._lock:
            customer = self.customers.get(customer_id)
            if customer is None:
                raise MollieError(404, "Not Found", f"No customer exists with token {customer_id}.")
            return json.loads(json.dumps(customer))

    def delete_customer(self, customer_id):
        self.customer(customer_id)
        with self._lock:
            del self.customers[customer_id]
            for mandate in self.mandates.pop(customer_id, []):
                mandate["status"] = "invalid"

    def valid_mandates(self, customer_id):
        self.customer(customer_id)
        with self._lock:
            found = [m for m in self.mandates.get(customer_id, []) if m["status"] == "valid"]
            return json.loads(json.dumps(found))

    def mandate(self, customer_id, mandate_id):
        """A valid mandate of the customer, or Mollie's 404."""
        for mandate in self.valid_mandates(customer_id):
            if mandate["id"] == mandate_id:
                return mandate
        raise MollieError(404, "Not Found", f"No mandate exists with token {mandate_id}.")

    def revoke_mandate(self, customer_id, mandate_id):
        self.mandate(customer_id, mandate_id)
        with self._lock:
            for mandate in self.mandates[customer_id]:
                if mandate["id"] == mandate_id:
                    mandate["status"] = "invalid"

    def _add_mandate(self, payment):
        """The mandate that a paid first payment gives (called with the lock held)."""
        customer_id = payment["customerId"]
        mandate_id = _new_id("mdt_")
        method = FIRST_METHODS[payment["method"]]
        if method == "creditcard":
            details = {
                "cardHolder": self.card["holder"],
                "cardNumber": self.card["number"][-4:],
                "cardLabel": self.card["label"],
                "cardFingerprint": secrets.token_urlsafe(18),
                "cardExpiryDate": self.card["expiry"],
            }
        else:
            details = {
                "consumerName": self.account["name"],
                "consumerAccount": self.account["iban"],
                "consumerBic": self.account["bic"],
            }
        mandate = {
            "resource": "mandate",
            "id": mandate_id,
            "mode": payment["mode"],
            "status": "valid",
            "method": method,
            "details": details,
            "mandateReference": None,
            "signatureDate": datetime.date.today().isoformat(),
            "createdAt": _timestamp(),
            "_links": {
                "self": {
                    "href": f"{self.base_url}/v2/customers/{customer_id}/mandates/{mandate_id}",
                    "type": "application/hal+json",
                },
                "customer": {
                    "href": f"{self.base_url}/v2/customers/{customer_id}",
                    "type": "application/hal+json",
                },
            },
        }
        self.mandates.setdefault(customer_id, []).append(mandate)
        payment["mandateId"] = mandate_id

    def get(self, payment_id):
        with self._lock:
            payment = self.payments.get(payment_id)
            return json.loads(json.dumps(payment)) if payment else None

    def set_status(self, payment_id, status):
        """Change a payment's status as Mollie would, without calling the webhook."""
        if status not in STATUSES:
            raise ValueError(status)
        with self._lock:
            payment = self.payments[payment_id]
            payment["status"] = status
            if status in STATUS_TIME:
                payment[STATUS_TIME[status]] = _timestamp()
            if status == "paid":
                _refundable(payment)
            first = payment["sequenceType"] == "first"
            known = payment.get("customerId") in self.customers
            if status == "paid" and first and known and not payment.get("mandateId"):
                self._add_mandate(payment)
            if status != "open":
                # Mollie offers the checkout only while the payment is open.
                payment["_links"].pop("checkout", None)

    def refund(self, payment_id, data, idempotency_key=None):
        """A refund of a validated request body for the payment; the first answer again
        for a key used before with the same request (see the module)."""
        return self.refund_replayed(payment_id, data, idempotency_key)[0]

    def refund_replayed(self, payment_id, data, idempotency_key=None):
        """``(refund, replayed)``: :meth:`refund`, and whether it is the cached answer."""
        with self._lock:
            if idempotency_key and idempotency_key in self._answered:
                endpoint, body, refund = self._answered[idempotency_key]
                if (endpoint, body) != (payment_id, json.dumps(data, sort_keys=True)):
                    raise MollieError(
                        400,
                        "Bad Request",
                        "The idempotency key was used for another request",
                    )
                return json.loads(json.dumps(refund)), True
            payment = self.payments.get(payment_id)
            if payment is None:
                raise MollieError(404, "Not Found", f"No payment exists with token {payment_id}.")
            if payment["status"] != "paid":
                raise _invalid("The payment cannot be refunded", "amount")
            value = Decimal(data["amount"]["value"])
            remaining = Decimal(payment["amountRemaining"]["value"])
            if value > remaining:
                raise _invalid(
                    "The amount is higher than the amount that can be refunded", "amount"
                )
            refund_id = _new_id("re_")
            refund = {
                "resource": "refund",
                "id": refund_id,
                "amount": dict(data["amount"]),
                "status": "pending",
                "description": data.get("description") or "",
                "paymentId": payment_id,
                "createdAt": _timestamp(),
                "_links": {
                    "self": {
                        "href": f"{self.base_url}/v2/payments/{payment_id}/refunds/{refund_id}",
                        "type": "application/hal+json",
                    }
                },
            }
            currency = payment["amount"]["currency"]
            refunded = Decimal(payment["amountRefunded"]["value"]) + value
            payment["amountRefunded"] = {"currency": currency, "value": f"{refunded:.2f}"}
            payment["amountRemaining"] = {"currency": currency, "value": f"{remaining - value:.2f}"}
            self.refunds.setdefault(payment_id, []).append(refund)
            if idempotency_key:
                body = json.dumps(data, sort_keys=True)
                self._answered[idempotency_key] = (payment_id, body, refund)
            return json.loads(json.dumps(refund)), False

    def payment_refunds(self, payment_id):
        """Mollie's list of the payment's refunds (404 for an unknown payment)."""
        with self._lock:
            if payment_id not in self.payments:
                raise MollieError(404, "Not Found", f"No payment exists with token {payment_id}.")
            found = json.loads(json.dumps(self.refunds.get(payment_id, [])))
        href = f"{self.base_url}/v2/payments/{payment_id}/refunds"
        return {
            "count": len(found),
            "_embedded": {"refunds": found},
            "_links": {
                "self": {"href": href, "type": "application/hal+json"},
                "previous": None,
                "next": None,
            },
        }

    def payment_refund(self, payment_id, refund_id):
        """One refund of the payment (404 when it has no such refund)."""
        for refund in self.payment_refunds(payment_id)["_embedded"]["refunds"]:
            if refund["id"] == refund_id:
                return refund
        raise MollieError(404, "Not Found", f"No refund exists with token {refund_id}.")

    def set_amount(self, payment_id, value, currency="EUR"):
        """What Mollie reports as the amount (to test a mismatch with the order)."""
        with self._lock:
            self.payments[payment_id]["amount"] = {"currency": currency, "value": value}

    def call_webhook(self, payment_id):
        """POST ``id=ID`` to the payment's webhookUrl, as Mollie does; our HTTP status."""
        url = self.get(payment_id)["webhookUrl"]
        if not url:
            return None
        body = urllib.parse.urlencode({"id": payment_id}).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Mollie"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                outcome = answer.status
        except urllib.error.HTTPError as exc:
            outcome = exc.code
        except OSError as exc:
            outcome = exc
        self.webhook_calls.append((url, body.decode(), outcome))
        return outcome

    def payment_ids(self):
        with self._lock:
            return list(self.payments)


class _Handler(BaseHTTPRequestHandler):
    mollie = None  # the FakeMollie, set on a subclass
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # quiet: pytest shows failures, not every request

    # --- plumbing ---------------------------------------------------------------------

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, content_type, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status, data, headers=()):
        body = json.dumps(data).encode()
        self._send(status, body, "application/hal+json; charset=utf-8", headers)

    def _error(self, error):
        self._json(error.status, error.body())

    def _authorize(self):
        auth = self.headers.get("Authorization", "")
        if auth != f"Bearer {self.mollie.api_key}":
            raise MollieError(
                401, "Unauthorized Request", "Missing authentication, or failed to authenticate"
            )

    def _payment(self, payment_id):
        payment = self.mollie.get(payment_id)
        if payment is None:
            raise MollieError(404, "Not Found", f"No payment exists with token {payment_id}.")
        return payment

    # --- routes -----------------------------------------------------------------------

    def _data(self, path, body):
        try:
            data = json.loads(body or b"null")
        except ValueError:
            raise MollieError(400, "Bad Request", "The JSON body is invalid") from None
        self.mollie.requests.append(("POST", path, data))
        return data

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self._body()
        mode = self.mollie.api_key[:4]
        try:
            if path == "/v2/payments":
                self._authorize()
                data = _validated(self._data(path, body), self.mollie)
                return self._json(201, self.mollie.create(data, mode))
            if path == "/v2/customers":
                self._authorize()
                data = _validated_customer(self._data(path, body))
                return self._json(201, self.mollie.create_customer(data, mode))
            if path.startswith("/v2/payments/") and path.endswith("/refunds"):
                self._authorize()
                payment_id = path.removeprefix("/v2/payments/").removesuffix("/refunds")
                data = _validated_refund(self._data(path, body))
                key = self.headers.get("Idempotency-Key")
                self.mollie.refund_keys.append(key)
                refund, replayed = self.mollie.refund_replayed(payment_id, data, key)
                headers = [("Idempotent-Replayed", "true")] if replayed else []
                return self._json(201, refund, headers)
            if path.startswith("/checkout/"):
                return self._pay(path.removeprefix("/checkout/"), body)
            raise MollieError(404, "Not Found", "The resource does not exist")
        except MollieError as error:
            self._error(error)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        try:
            if path.startswith("/v2/payments/"):
                self._authorize()
                self.mollie.requests.append(("GET", path, None))
                parts = path.removeprefix("/v2/payments/").split("/")
                if len(parts) == 2 and parts[1] == "refunds":
                    return self._json(200, self.mollie.payment_refunds(parts[0]))
                if len(parts) == 3 and parts[1] == "refunds":
                    return self._json(200, self.mollie.payment_refund(parts[0], parts[2]))
                if len(parts) != 1:
                    raise MollieError(404, "Not Found", "The resource does not exist")
                return self._json(200, self._payment(parts[0]))
            if path.startswith("/v2/customers/"):
                self._authorize()
                self.mollie.requests.append(("GET", path, None))
                return self._json(200, self._customer_resource(path))
            if path.startswith("/checkout/"):
                return self._checkout_page(self._payment(path.removeprefix("/checkout/")))
            raise MollieError(404, "Not Found", "The resource does not exist")
        except MollieError as error:
            self._error(error)

    def do_DELETE(self):
        path = urllib.parse.urlsplit(self.path).path
        self._body()
        try:
            self._authorize()
            self.mollie.requests.append(("DELETE", path, None))
            parts = path.removeprefix("/v2/customers/").split("/")
            if path.startswith("/v2/customers/") and len(parts) == 1:
                self.mollie.delete_customer(parts[0])
            elif path.startswith("/v2/customers/") and len(parts) == 3 and parts[1] == "mandates":
                self.mollie.revoke_mandate(parts[0], parts[2])
            else:
                raise MollieError(404, "Not Found", "The resource does not exist")
            self._send(204, b"", "application/hal+json")
        except MollieError as error:
            self._error(error)

    def _customer_resource(self, path):
        """``/v2/customers/ID``, ``.../mandates`` or ``.../mandates/MID``."""
        parts = path.removeprefix("/v2/customers/").split("/")
        if len(parts) == 1:
            return self.mollie.customer(parts[0])
        if len(parts) == 2 and parts[1] == "mandates":
            mandates = self.mollie.valid_mandates(parts[0])
            return {
                "count": len(mandates),
                "_embedded": {"mandates": mandates},
                "_links": {"self": {"href": self.mollie.base_url + path}, "next": None},
            }
        if len(parts) == 3 and parts[1] == "mandates":
            return self.mollie.mandate(parts[0], parts[2])
        raise MollieError(404, "Not Found", "The resource does not exist")

    def _checkout_page(self, payment):
        amount = payment["amount"]
        if payment["status"] != "open":
            buttons = f"<p>This payment is {html.escape(payment['status'])}.</p>"
        else:
            buttons = "".join(
                f'<button type="submit" name="status" value="{s}">{s}</button>'
                for s in FINAL_STATUSES
            )
        page = (
            "<!DOCTYPE html><html><head><title>Fake Mollie checkout</title></head><body>"
            f"<h1>{html.escape(payment['description'])}</h1>"
            f"<p>{html.escape(amount['currency'])} {html.escape(amount['value'])}"
            f" by {html.escape(str(payment['method']))}</p>"
            f'<form method="post" action="/checkout/{payment["id"]}">{buttons}</form>'
            "</body></html>"
        )
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _pay(self, payment_id, body):
        payment = self._payment(payment_id)
        if payment["status"] != "open":
            raise MollieError(422, "Unprocessable Entity", "The payment is no longer open")
        status = urllib.parse.parse_qs(body.decode()).get("status", [""])[0]
        if status not in FINAL_STATUSES:
            raise _invalid("Choose one of the buttons", "status")
        self.mollie.set_status(payment_id, status)
        # Mollie calls the webhook as soon as the status changed, then returns the customer.
        self.mollie.call_webhook(payment_id)
        self._send(303, b"", "text/plain", [("Location", payment["redirectUrl"])])


def _refundable(payment):
    """A payment that became paid can be refunded, all of it (called with the lock held)."""
    currency = payment["amount"]["currency"]
    payment["amountRefunded"] = {"currency": currency, "value": "0.00"}
    payment["amountRemaining"] = dict(payment["amount"])


def _validated_refund(data):
    """The body of a create-refund request, or a MollieError as Mollie would answer."""
    if not isinstance(data, dict):
        raise MollieError(400, "Bad Request", "The JSON body is invalid")
    amount = data.get("amount")
    if not isinstance(amount, dict) or amount.get("currency") != "EUR":
        raise _invalid("The amount is invalid", "amount")
    value = amount.get("value")
    if not isinstance(value, str) or not AMOUNT_VALUE.fullmatch(value) or Decimal(value) <= 0:
        raise _invalid("The amount contains an invalid value", "amount.value")
    description = data.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 140):
        raise _invalid("The description is invalid", "description")
    if len(json.dumps(data.get("metadata"))) > 1024:
        raise _invalid("The metadata is too large", "metadata")
    return data


def _validated_customer(data):
    """The body of a create-customer request, or a MollieError as Mollie would answer."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MollieError(400, "Bad Request", "The JSON body is invalid")
    for field in ("name", "email"):
        if data.get(field) is not None and not isinstance(data[field], str):
            raise _invalid(f"The {field} is invalid", field)
    if data.get("email") and "@" not in data["email"]:
        raise _invalid("The email address is invalid", "email")
    if data.get("locale") is not None and data["locale"] not in LOCALES:
        raise _invalid("The locale is invalid", "locale")
    return data


def _validated_sequence(data, mollie):
    """Check ``customerId``, ``sequenceType`` and ``mandateId`` as Mollie does."""
    sequence = data.get("sequenceType") or "oneoff"
    if sequence not in SEQUENCE_TYPES:
        raise _invalid("The sequence type is invalid", "sequenceType")
    customer_id = data.get("customerId")
    if customer_id is not None:
        mollie.customer(customer_id)  # 404 for an unknown customer
    if sequence == "oneoff":
        return
    if customer_id is None:
        raise _invalid("A customer is required for this sequence type", "customerId")
    if sequence == "first":
        if data.get("method") not in FIRST_METHODS:
            raise _invalid("The payment method does not support first payments", "method")
        return
    # recurring
    try:
        mollie.mandate(customer_id, data.get("mandateId"))
    except MollieError:
        raise _invalid("The customer does not have a valid mandate", "mandateId") from None


def _validated(data, mollie=None):
    """The body of a create-payment request, or a MollieError as Mollie would answer."""
    if not isinstance(data, dict):
        raise MollieError(400, "Bad Request", "The JSON body is invalid")
    recurring = data.get("sequenceType") == "recurring"
    amount = data.get("amount")
    if not isinstance(amount, dict):
        raise _invalid("The amount is required for payments", "amount")
    if amount.get("currency") != "EUR":
        raise _invalid("The amount currency is invalid", "amount.currency")
    value = amount.get("value")
    if not isinstance(value, str) or not AMOUNT_VALUE.fullmatch(value) or Decimal(value) <= 0:
        raise _invalid("The amount contains an invalid value", "amount.value")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip() or len(description) > 255:
        raise _invalid("The description is invalid", "description")
    # A recurring payment has no hosted page to come back from.
    if not (recurring and data.get("redirectUrl") is None) and not _url(data.get("redirectUrl")):
        raise _invalid("The redirect URL is invalid", "redirectUrl")
    if data.get("webhookUrl") is not None and not _url(data["webhookUrl"]):
        raise _invalid("The webhook URL is invalid", "webhookUrl")
    if data.get("method") is not None and data["method"] not in METHODS:
        raise _invalid("The payment method is invalid", "method")
    if data.get("locale") is not None and data["locale"] not in LOCALES:
        raise _invalid("The locale is invalid", "locale")
    if len(json.dumps(data.get("metadata"))) > 1024:
        raise _invalid("The metadata is too large", "metadata")
    if mollie is not None:
        _validated_sequence(data, mollie)
    return data
