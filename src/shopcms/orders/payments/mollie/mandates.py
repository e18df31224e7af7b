"""Saved payment methods at Mollie: its customers and mandates.

A customer who consents to keeping account data (``shopcms.privacy.account_data``) and
ticks "save my details" pays a ``first`` payment of a Mollie customer
(:func:`customer_for`); when Mollie says it is paid, :func:`keep_mandate` keeps what the
mandate it created shows, as a ``SavedPaymentMethod``: brand, last four digits and expiry
of the card (or the masked IBAN of the account behind Bancontact), the Mollie customer id,
and the mandate id sealed with the vault (``shopcms.privacy.vault``).  Mollie never sends a
card number; nothing else is kept.  :func:`forget_saved_methods` has Mollie forget what a
removed saved method allowed.
"""

import logging
import re
import secrets

from shopcms.orders.payments.mollie.client import (
    CUSTOMER_ID,
    LOCALES,
    MANDATE_ID,
    PROVIDER,
    ProviderUnavailable,
)
from shopcms.orders.payments.mollie.settling import UNPAID
from shopcms.orders.payments.saved import SavedPaymentMethod
from shopcms.privacy import disclosures
from shopcms.privacy.account_data import keeps_account_data
from shopcms.privacy.vault import VaultError, get_vault

log = logging.getLogger(__name__)


def customer_for(mollie, request, order, account):
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
        customer = mollie.create_customer(data)
    except ProviderUnavailable as exc:
        log.warning("Mollie: no customer created for order %s: %s", order.number, exc)
        return None
    if not CUSTOMER_ID.fullmatch(customer.id or ""):
        log.warning("Mollie: unusable answer creating a customer for order %s", order.number)
        return None
    return customer.id


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


def keep_mandate(mollie, request, order, payment):
    """After Mollie's word on ``payment`` of ``order``: keep the mandate a paid ``first``
    payment made.

    Does nothing for other payments.  The mandate is kept (:func:`saved_method_from`) on
    the order's account only while it consents to keeping account data; otherwise (the
    consent withdrawn since, the account gone) Mollie is told to forget the customer, when
    no saved method uses it.  A first payment that failed, was canceled or expired leaves
    the Mollie customer unused: it is deleted the same way.  A repeated call keeps nothing
    twice.  Raises ProviderUnavailable when the mandate cannot be fetched, so that the
    webhook answers 503 and Mollie calls again.  Returns the kept method or None.
    """
    if payment.sequence_type != "first" or payment.id not in order.payment_ids:
        return None
    customer_id = payment.customer_id or ""
    if not CUSTOMER_ID.fullmatch(customer_id):
        return None
    account = request.root["customers"].get(order.customer) if order.customer else None
    kept = tuple(account.preferences.payment_methods) if account is not None else ()
    in_use = any(m.provider == PROVIDER and m.customer_ref == customer_id for m in kept)
    unwanted = account is None or not keeps_account_data(account.preferences)
    if payment.status in UNPAID or (payment.status == "paid" and unwanted):
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


def forget_saved_methods(mollie, registry, removed, remaining=()):
    """Tell Mollie to forget the saved methods ``removed`` (best effort, logged).

    A Mollie customer that no method of ``remaining`` uses is deleted (Mollie revokes its
    mandates with it); otherwise only the removed mandates are revoked.
    """
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
