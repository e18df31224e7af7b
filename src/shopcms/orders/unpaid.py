"""Orders paid by bank transfer whose money does not come: a reminder, then cancellation.

An order placed with bank transfer and still ``placed``:

- ``shopcms.transfer.remind_after_days`` (default 7) days after it was placed gets the
  ``payment_reminder`` mail, which repeats the transfer's details (account, amount,
  structured communication, the EPC QR code) and the day it will be cancelled;
- ``shopcms.transfer.cancel_after_days`` (default 14) days after it was placed is
  cancelled (the workflow's ``cancel``: stock given back) by :data:`ACTOR` and gets the
  ``order_cancelled_unpaid`` mail.  An order already due for cancellation when first seen
  gets no reminder: only the cancellation.

Each mail goes out once: the reminder is recorded on the order (``payment_reminded``,
``payment_deadline``) in the transaction that queues it (``shopcms.mail``: the outbox
joins the transaction), and only a ``placed`` order is cancelled; a run repeated, retried
or running beside another marks and mails nothing twice (two at once conflict on the
order, and the replay finds it done).  ``shopcms retention`` runs it daily
(:func:`remind_and_cancel`); the orders waiting are found in the catalog's state index,
so no other order is loaded.
"""

from datetime import timedelta

from transaction.interfaces import TransientError

from shopcms.catalog.query import docids
from shopcms.orders.mail import mail_order
from shopcms.orders.payments.transfer import BankTransfer
from shopcms.orders.workflow import PLACED
from shopcms.tree.database import site_transaction
from shopcms.web.clock import now

ACTOR = "system:unpaid-transfers"
REMIND_AFTER = "shopcms.transfer.remind_after_days"
CANCEL_AFTER = "shopcms.transfer.cancel_after_days"
DEFAULTS = {REMIND_AFTER: 7, CANCEL_AFTER: 14}


def ages(settings):
    """``(remind, cancel)``: the ages in days set (``shopcms.transfer.*``).  ValueError
    unless both are whole numbers with 1 <= remind < cancel."""
    try:
        remind, cancel = (int(settings.get(name, DEFAULTS[name])) for name in DEFAULTS)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{REMIND_AFTER} and {CANCEL_AFTER} are whole numbers of days") from exc
    if not 1 <= remind < cancel:
        raise ValueError(f"{REMIND_AFTER} must be at least 1 and less than {CANCEL_AFTER}")
    return remind, cancel


def waiting(site):
    """The orders placed with bank transfer and still ``placed``, oldest first."""
    catalog = site.catalog
    resolve = catalog.resolver(site)
    found = [resolve(docid) for docid in docids(catalog["state"], PLACED)]
    orders = [
        order
        for order in found
        if order is not None
        and getattr(order, "content_type", None) == "order"
        and order.payment_method == BankTransfer.name
    ]
    return sorted(orders, key=lambda order: order.created)


def remind_and_cancel(site, now, registry):
    """Send the reminders and cancel the orders that are due at ``now`` (see the module);
    ``(reminded, cancelled)``: the numbers of the orders concerned.  Call inside a
    transaction with ``registry`` current (the mails join it)."""
    remind, cancel = ages(registry.settings)
    reminded, cancelled = [], []
    for order in waiting(site):
        age = now - order.created
        if age >= timedelta(days=cancel):
            order.transition(None, "cancel", comment=f"not paid within {cancel} days", actor=ACTOR)
            mail_order(registry, order, "order_cancelled_unpaid")
            cancelled.append(order.number)
        elif age >= timedelta(days=remind) and order.payment_reminded is None:
            order.payment_reminded = now
            order.payment_deadline = order.created + timedelta(days=cancel)
            order.touch()
            mail_order(registry, order, "payment_reminder")
            reminded.append(order.number)
    return reminded, cancelled


def run(registry, attempts=3):
    """:func:`remind_and_cancel` now, in a transaction of its own, replayed up to
    ``attempts`` times on a conflict (the last conflict is raised: nothing was done)."""
    for attempt in range(1, attempts + 1):
        try:
            with site_transaction(registry) as site:
                return remind_and_cancel(site, now(registry), registry)
        except TransientError:
            if attempt == attempts:
                raise
    return [], []
