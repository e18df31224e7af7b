"""Online payment through Mollie (Bancontact and cards) on Mollie's hosted payment page.

How a payment goes:

1. After the order is placed, ``MollieMethod.start`` creates a Mollie payment for the
   order's total (``POST /v2/payments``), stores its id on the order
   (``order.add_payment_id``) and sends the customer to the payment's checkout URL.  The
   customer pays on Mollie's page: no card number, CVV or IBAN ever reaches this server.
2. Mollie calls the webhook (``/{lang}/mollie-webhook``) with the payment id only.  The
   webhook trusts nothing else in that request: it asks Mollie for the payment
   (``GET /v2/payments/ID``) and the order is marked paid when Mollie says ``paid`` for the
   order's amount (``settling``).
3. Mollie sends the customer back to the order's confirmation page (``redirectUrl``), which
   shows the order's state: coming back proves nothing, only Mollie's word marks it paid.
   "Pay now" there asks Mollie about the latest payment before making another.

Saved payment methods (only for a logged-in customer who consents to keeping account data,
``shopcms.privacy.account_data``, and ticks "save my details" at the checkout):

4. The payment is Mollie's ``first`` one of a Mollie customer (``POST /v2/customers`` with
   the order's name and email: they reach Mollie only then, recorded as a disclosure; an
   earlier saved method's customer is reused).  The customer pays on the hosted page.
5. When Mollie says that payment is paid, the mandate it created is kept as a
   ``SavedPaymentMethod`` (``mandates``).
6. The next checkout offers "Pay with your saved card": a ``recurring`` payment with that
   mandate (no hosted page).  Mollie answers with its status, which is applied at once; the
   webhook does as for any payment.
7. Removing a saved method, or withdrawing the consent, revokes its mandate at Mollie (or
   deletes the Mollie customer when no saved method uses it any more).

A refund at the order desk refunds the payment that paid the order (``POST
/v2/payments/ID/refunds``).

The modules: ``client`` (the API), ``method`` (the :class:`PaymentMethod` of each Mollie
method), ``settling`` (what Mollie's statuses mean for an order), ``mandates`` (saved
methods).

Settings (``[app:main]``):

``shopcms.mollie.api_key``
    ``test_...`` or ``live_...``.  Without it, ``bancontact`` and ``creditcard`` are not
    registered (and naming them in ``shopcms.payments`` is an error at start).
``shopcms.mollie.api_endpoint``
    Default ``https://api.mollie.com``; the tests point it at a local fake.
``shopcms.mollie.webhook_base``
    The public base URL Mollie reaches the webhook at (e.g. ``https://softcactus.be``);
    default the shop's public address (``shopcms.public_url``, else the request's).
``shopcms.mollie.checkout_origin``
    The origin of Mollie's payment pages, default ``https://www.mollie.com``: allowed in the
    Content-Security-Policy's ``form-action``, because browsers apply that directive to the
    redirect that follows our checkout POST.
"""

from shopcms.orders.payments import declare_webhook, register
from shopcms.orders.payments.mollie.client import Mollie
from shopcms.orders.payments.mollie.method import WEBHOOK, MollieMethod
from shopcms.orders.payments.mollie.settling import ACTOR
from shopcms.web.headers import allow_form_action
from shopcms.web.i18n import _

__all__ = ["Mollie", "MollieMethod", "includeme"]


def includeme(config):
    """Register ``bancontact`` and ``creditcard`` when ``shopcms.mollie.api_key`` is set;
    ``registry.shopcms_mollie`` is the :class:`Mollie` account, or None."""
    settings = config.get_settings()
    # Mollie may call the webhooks of payments made before the key was removed.
    declare_webhook(config, WEBHOOK)
    # Orders it paid keep its name in their history, with or without a key now.
    config.add_actor_title(ACTOR, _("Mollie (payment provider)"))
    if not (settings.get("shopcms.mollie.api_key") or "").strip():
        config.registry.shopcms_mollie = None
        return
    mollie = Mollie(settings)
    config.registry.shopcms_mollie = mollie
    allow_form_action(config.registry, mollie.checkout_origin)
    register(config, MollieMethod("bancontact", _("Bancontact"), mollie))
    register(config, MollieMethod("creditcard", _("Credit card"), mollie))
