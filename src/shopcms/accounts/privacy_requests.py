"""The rights of erasure and access, for customers and for requests staff receive by mail.

- :func:`erasable`: whether an account can be erased now (no order still being fulfilled,
  no staff role) and why not;
- :func:`delete_own_account`: the customer deletes their account (``shopcms.privacy.
  erasure``); :func:`erase_for_request` and :func:`erase_guest_for_request`: staff erase an
  account, or the orders a guest placed, for the request a note names (kept in the orders'
  history, never the customer's data);
- :func:`look_up`: what the privacy desk finds for an email address: the account, how many
  orders it has, and the orders placed with that address without an account;
- :func:`guest_export`: the data of those orders, for a JSON download.

Each erasure sends its confirmation mail in the request's transaction and raises
``erasure.ErasureRefused`` when it cannot be done now.
"""

from dataclasses import dataclass

from pyramid.threadlocal import get_current_registry

from shopcms.orders.api import ORDER_WORKFLOW
from shopcms.privacy import erasure
from shopcms.privacy.export import contributors, customer_orders, export_guest, to_json

STATE_NAMES = [state.name for state in ORDER_WORKFLOW.states]

ErasureRefused = erasure.ErasureRefused


def erasable(root, account):
    """None if ``account`` can be erased now, else the message saying why not."""
    try:
        erasure.check_erasable(root, account)
    except ErasureRefused as exc:
        return exc.message
    return None


def erasure_options(keep_reviews):
    """The erasure's options as the form's checkbox chose them."""
    return frozenset({erasure.KEEP_REVIEWS} if keep_reviews else ())


def delete_own_account(request, root, account, keep_reviews=False):
    """Erase the requester's own account; the confirmation goes in the page's language.
    ``keep_reviews``: their published reviews stay without any name (else deleted)."""
    return erasure.erase_customer(
        root,
        account,
        request.now,
        request.registry,
        request.tm,
        lang=request.locale_name,
        base_url=request.application_url,
        options=erasure_options(keep_reviews),
    )


def erase_for_request(request, account, note, keep_reviews=False):
    """Staff erase ``account`` for the request ``note`` names."""
    return erasure.erase_customer(
        request.root,
        account,
        request.now,
        request.registry,
        request.tm,
        actor=request.authenticated_userid,
        note=note,
        options=erasure_options(keep_reviews),
    )


def erase_guest_for_request(request, email, note, keep_reviews=False):
    """Staff erase the personal data of the orders placed without an account with
    ``email`` and the reviews written through their links, for the request ``note``
    names."""
    return erasure.erase_guest(
        request.root,
        email,
        request.now,
        request.registry,
        request.tm,
        actor=request.authenticated_userid,
        note=note,
        options=erasure_options(keep_reviews),
    )


@dataclass(frozen=True)
class Found:
    """What the desk shows for an email address."""

    email: str
    account: object  # the Customer, or None
    orders: int  # how many orders the account has
    guest_orders: list
    #: The titles of the contributors' sections that hold data about the address without an
    #: account (a newsletter subscription, say), with or without orders.
    guest_data: tuple = ()


def look_up(root, email):
    """The account with ``email`` (or None), the orders placed with it as a guest, and the
    contributors' sections with data about it without an account."""
    account = root["customers"].find(email)
    return Found(
        email=email,
        account=account,
        orders=len(customer_orders(root, account)) if account is not None else 0,
        guest_orders=root["orders"].guest_orders(email),
        guest_data=tuple(
            contributor.title
            for contributor in contributors(get_current_registry())
            if contributor.export_guest is not None
            and contributor.export_guest(root, email) is not None
        ),
    )


def state_titles():
    """``{state name: title}`` of the orders' workflow."""
    return {name: ORDER_WORKFLOW.get_state(name).title for name in STATE_NAMES}


def guest_export(root, email, now):
    """The data of the orders placed with ``email`` without an account, as JSON text."""
    return to_json(export_guest(root, email, now))
