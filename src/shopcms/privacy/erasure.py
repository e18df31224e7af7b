"""The right to erasure (GDPR art. 17): deleting a customer's account and its data.

:func:`erase_customer` is the one way, for the customer (``/{lang}/account/delete``), staff
(``/{lang}/manage/customers/ID/erase``, for a request by mail) and the command line
(``shopcms erase-customer``).  In one transaction:

1. A confirmation mail is queued to the account's address, in the customer's language,
   while that address still exists; it leaves only if the erasure commits.
2. The contributors (``shopcms.privacy.export.add_contributor``) erase what their modules
   keep: reviews are deleted, or stay without any name if the person asked
   (:data:`KEEP_REVIEWS`); newsletter and contest entries go.
3. The saved payment methods are cancelled at the payment provider (best effort, logged).
4. Every order of the account is kept, because the accounts must be kept for the legal
   period (10 years from 1 January of the year after the invoice: Belgian VAT Code, art.
   60), with its personal fields replaced by an anonymous marker
   (:meth:`~shopcms.orders.resources.Order.anonymise`): lines, totals, VAT, stock and state
   do not change.
5. The account is removed with everything on it: email, password hash, sessions (so the
   customer cannot log in and every open session ends), preferences (addresses, phone,
   saved payment methods, the consent ledger), shop lists, tokens, the second factor.

Refused (:class:`ErasureRefused`, nothing changed) while an order is still being fulfilled
(placed or paid, not yet shipped: its address is needed to deliver it; it can be cancelled
first) and for staff accounts (their roles are removed first, so the shop never loses its
last administrator by accident).

Old revisions: a ZODB FileStorage keeps the earlier revision of every changed object until
the database is packed, so the erased data stays in ``Data.fs`` until the next pack, and a
pack leaves the file as it was before as ``Data.fs.old``.  Packing rewrites the database,
which is too heavy for a request: :func:`purge_history` packs and removes ``Data.fs.old``;
``shopcms erase-customer --pack`` runs it, and the operator packs after erasures made on
the web (``shopcms pack`` or the storage's own ``zeopack``; see the README).
"""

import logging
import os
import time
from dataclasses import dataclass
from functools import partial

from shopcms.mail import compose, send
from shopcms.privacy.account_data import forget_at_provider
from shopcms.privacy.export import contributors, customer_orders
from shopcms.tree.events import ObjectModified, notify
from shopcms.web.i18n import _, languages, ngettext
from shopcms.web.urls import public_url

log = logging.getLogger(__name__)

MAIL_TEMPLATE = "shopcms.privacy:templates/mail/account_erased"
#: The erasure option: keep the person's published reviews without any name.
KEEP_REVIEWS = "keep-reviews"
#: The actor of an erasure run by ``shopcms erase-customer`` (its title: ``shopcms.privacy``).
COMMAND_LINE = "system:cli"
MAIL_SUBJECT = _("Your Soft Cactus account has been deleted")


class ErasureRefused(Exception):
    """The account cannot be erased now; ``message`` (a TranslationString) says why and
    ``orders`` lists the order numbers in the way, if any."""

    def __init__(self, message, orders=()):
        super().__init__(str(message))
        self.message = message
        self.orders = tuple(orders)


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: the account id, the numbers of the anonymised orders, the lines
    of the contributors and the Message-Id of the confirmation mail.  No personal data."""

    account: str
    orders: tuple
    done: tuple
    message_id: str | None


def check_erasable(root, account):
    """The orders of ``account`` (oldest first), or ErasureRefused when it cannot go now."""
    if account.is_staff:
        raise ErasureRefused(
            _(
                "This account has a staff role. An administrator removes its roles first; "
                "then it can be deleted."
            )
        )
    orders = customer_orders(root, account)
    open_orders = [order.number for order in orders if order.in_fulfilment]
    if open_orders:
        raise ErasureRefused(
            _(
                "An order is still being handled (${numbers}). The account can be deleted once "
                "it has been shipped or cancelled: until then we need the address to deliver it.",
                mapping={"numbers": ", ".join(open_orders)},
            ),
            open_orders,
        )
    return orders


def mail_language(registry, account, fallback=None, orders=()):
    """The language of mails to ``account`` (None for a guest): its preferred one, else
    ``fallback`` (the page's language), else the language of its latest order, else the
    site's first language."""
    langs = languages(registry)
    latest = orders[-1].lang if orders else None
    preferred = account.preferences.language if account is not None else None
    for lang in (preferred, fallback, latest):
        if lang in langs:
            return lang
    return langs[0]


def erase_customer(
    root, account, now, registry, tm, actor=None, note="", lang=None, base_url=None, options=()
):
    """Erase ``account`` as the module docstring says, in ``tm``'s current transaction.

    ``actor`` is who asks (a staff account id, ``system:cli``; None: the customer), ``note``
    the reason kept in each order's history (e.g. "request by mail of 2026-11-20"; never
    personal data), ``lang`` the language to mail in when the account names none,
    ``base_url`` the shop's address for the mail's links where ``shopcms.public_url`` is not
    set (``request.link(..., absolute=True)`` in the mail), ``options`` what the person chose
    on the erasure page (:data:`KEEP_REVIEWS`: their reviews stay, without any name, instead of
    being deleted), passed to each contributor.  Raises ErasureRefused (nothing
    changed).  Returns an :class:`Erasure`; the caller commits (the mail leaves then).
    """
    orders = check_erasable(root, account)
    userid, email = account.__name__, account.email
    done = []
    message_id = _send_confirmation(registry, account, orders, tm, lang, base_url)
    for contributor in contributors(registry):
        if contributor.erase is not None:
            line = contributor.erase(root, account, now, registry, frozenset(options))
            if line:
                done.append(str(line))
    saved = list(getattr(account.preferences, "payment_methods", ()))
    if saved:
        forget_at_provider(registry, saved)
        done.append(
            f"{len(saved)} saved payment method(s) removed, the provider told to forget them"
        )
    order_note = note or ("erased at the customer's request" if actor is None else "erased")
    for order in orders:
        order.anonymise(now, actor or "customer", order_note)
        # The order no longer grants the account: the catalog's ``allowed`` must forget it.
        notify(ObjectModified(order), registry)
    by_customer = getattr(root["orders"], "by_customer", None)
    if by_customer is not None and userid in by_customer:
        del by_customer[userid]
    account.end_sessions()
    customers = root["customers"]
    if customers.by_email.get(email) == userid:
        del customers.by_email[email]
    customers.remove(userid, registry=registry)
    done.append(f"account {userid} removed with its preferences, consents and lists")
    if orders:
        done.append(f"{len(orders)} order(s) kept without personal data")
    log.info(
        "erasure: account %s by %s: %s",
        userid,
        actor or "the customer",
        "; ".join(done),
    )
    return Erasure(userid, tuple(o.number for o in orders), tuple(done), message_id)


GUEST_MAIL_TEMPLATE = "shopcms.privacy:templates/mail/guest_erased"
GUEST_MAIL_SUBJECT = _("Your personal data at Soft Cactus has been erased")


def erase_guest(root, email, now, registry, tm, actor, note="", base_url=None, options=()):
    """Erase what orders placed without an account with ``email`` hold about that person.

    For a guest's request by mail (staff check first that it comes from that address).
    Like an account's erasure: refused while one of those orders is still placed or paid
    (ErasureRefused, nothing changed); otherwise a confirmation is queued to ``email`` in
    the language of the latest order, the contributors erase what they keep about the guest
    (``Contributor.erase_guest``: the reviews written through the orders' links are deleted,
    or kept without any name with :data:`KEEP_REVIEWS` in ``options``), then every order is
    anonymised and reindexed.  Returns an :class:`Erasure` (``account`` None); the caller
    commits.
    """
    orders = root["orders"].guest_orders(email)
    open_orders = [order.number for order in orders if order.in_fulfilment]
    if open_orders:
        raise ErasureRefused(
            _(
                "An order is still being handled (${numbers}). Its data can be erased once "
                "it has been shipped or cancelled: until then we need the address to deliver it.",
                mapping={"numbers": ", ".join(open_orders)},
            ),
            open_orders,
        )
    message_id = None
    if orders:
        lang = mail_language(registry, None, orders=orders)
        base = base_url or public_url(registry)
        message = compose(
            registry,
            GUEST_MAIL_TEMPLATE,
            partial(_guest_mail_values, len(orders), lang),
            lang=lang,
            # The address as the guest gave it at checkout, not as staff typed it.
            to=orders[-1].contact.get("email") or email,
            subject=GUEST_MAIL_SUBJECT,
            application_url=base,
        )
        message_id = send(root, message)
    done = []
    # Before the orders lose the address: the contributors find the guest's data by it.
    for contributor in contributors(registry):
        if contributor.erase_guest is not None:
            line = contributor.erase_guest(root, email, now, registry, frozenset(options))
            if line:
                done.append(str(line))
    for order in orders:
        order.anonymise(now, actor, note or "erased")
        notify(ObjectModified(order), registry)
    numbers = tuple(order.number for order in orders)
    done.append(f"{len(numbers)} guest order(s) anonymised")
    log.info("erasure: guest data by %s: %s", actor, "; ".join(done))
    return Erasure(None, numbers, tuple(done), message_id)


def _account_mail_values(email, order_count, lang, request):
    """The account mail's values; its sentence on the kept orders in the mail's language."""
    kept = ngettext(
        "The law obliges us to keep the accounts of your ${count} order for 10 years: we keep "
        "the order without your name, email address, phone number or address; its invoice "
        "keeps your name and address, as the law requires.",
        "The law obliges us to keep the accounts of your ${count} orders for 10 years: we "
        "keep the orders without your name, email address, phone number or address; their "
        "invoices keep your name and address, as the law requires.",
        order_count,
        request,
    )
    return {"email": email, "order_count": order_count, "lang": lang, "orders_kept": kept}


def _guest_mail_values(order_count, lang, request):
    """The guest mail's values; its sentence on the erased orders in the mail's language."""
    erased = ngettext(
        "As asked, we have erased your name, email address, phone number and addresses from "
        "your ${count} order at Soft Cactus. The law obliges us to keep the accounts of this "
        "order for 10 years: we keep it without any of that data, but its invoice keeps "
        "your name and address, as the law requires.",
        "As asked, we have erased your name, email address, phone number and addresses from "
        "your ${count} orders at Soft Cactus. The law obliges us to keep the accounts of these "
        "orders for 10 years: we keep them without any of that data, but their invoices keep "
        "your name and address, as the law requires.",
        order_count,
        request,
    )
    return {"order_count": order_count, "lang": lang, "orders_erased": erased}


def _send_confirmation(registry, account, orders, tm, lang, base_url):
    lang = mail_language(registry, account, lang, orders)
    base = base_url or public_url(registry)
    message = compose(
        registry,
        MAIL_TEMPLATE,
        partial(_account_mail_values, account.email, len(orders), lang),
        lang=lang,
        to=account.email,
        subject=MAIL_SUBJECT,
        application_url=base,
    )
    return send(account, message)


def purge_history(database):
    """Pack ``database`` up to now (old revisions go, erased data with them) and remove
    the copy a FileStorage pack leaves (``Data.fs.old``).  Returns the seconds it took.

    Heavy (it rewrites the database): for the command line, never in a request.  Every
    object's history goes, not only the erased account's: there is no undo past it.
    """
    started = time.monotonic()
    database.pack()
    storage = database.storage
    name = getattr(storage, "_file_name", None)  # a FileStorage (not ZEO, not RelStorage)
    if name and os.path.exists(f"{name}.old"):
        os.remove(f"{name}.old")
    return time.monotonic() - started
