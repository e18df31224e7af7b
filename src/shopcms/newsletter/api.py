"""What other capabilities may use of the newsletter.

- :func:`ask_subscription`: a checkbox ticked at checkout, in a contest entry or on the
  account pages asks for a subscription; it becomes active only when the confirmation link
  mailed now is followed (double opt-in).  Call in the POST that carries the tick.
- :func:`end_account_subscription`: the customer unsubscribes on their account page.
- :func:`account_subscription_state`: ``"pending"``, ``"active"`` or None, for the account
  pages.
- :func:`may_mail`: the suppression list's answer for a newsletter or contest mail (contests
  ask it before each such mail; order, account and privacy mails never ask).
- :class:`SubscriptionChanged`: the event the accounts record in the account's ledger.
- :func:`normalise_address`: the form in which two spellings of one mailbox are equal (the
  contests refuse a second entry from one address with it).
- :func:`forget_unconfirmed`: the retention rule for requests never confirmed (``shopcms
  retention``).
"""

from shopcms.newsletter import mail, subscriptions, suppression
from shopcms.newsletter.addresses import normalise as normalise_address
from shopcms.newsletter.events import SubscriptionChanged
from shopcms.newsletter.presentation import LEDGER_PLACES
from shopcms.newsletter.resources import ACCOUNT, CHECKOUT, CONTEST, FOOTER, UNSUBSCRIBED_BY_LINK

__all__ = [
    "ACCOUNT",
    "CHECKOUT",
    "CONTEST",
    "FOOTER",
    "LEDGER_PLACES",
    "SubscriptionChanged",
    "account_subscription_state",
    "ask_subscription",
    "end_account_subscription",
    "forget_unconfirmed",
    "may_mail",
    "normalise_address",
]


def _newsletter(site):
    return site["newsletter"]


def ask_subscription(request, site, address, lang, source, account=None):
    """Ask for ``address``'s subscription in ``lang`` from ``source`` (one of
    :data:`ACCOUNT`, :data:`CHECKOUT`, :data:`CONTEST`, :data:`FOOTER`) and queue its
    confirmation mail; ``account``: the logged-in customer's id.  ValueError for a
    malformed address."""
    subscription = subscriptions.ask(
        _newsletter(site), address, lang, source, request.now, account=account
    )
    mail.queue_confirmation(request, site, subscription)


def end_account_subscription(request, site, account, form="account-privacy"):
    """The customer ``account`` (an id) unsubscribes; True if there was a subscription."""
    newsletter = _newsletter(site)
    subscription = subscriptions.of_account(newsletter, account)
    if subscription is None:
        return False
    subscriptions.unsubscribe(
        newsletter,
        subscription,
        UNSUBSCRIBED_BY_LINK,
        form,
        request.locale_name,
        request.now,
        request.registry,
    )
    return True


def account_subscription_state(site, account):
    """``"pending"``, ``"active"`` or None for the account ``account`` (an id)."""
    subscription = subscriptions.of_account(_newsletter(site), account)
    return subscription.state if subscription is not None else None


def may_mail(site, address):
    """May ``address`` get a newsletter or contest mail (it is not suppressed)?"""
    return not suppression.is_suppressed(_newsletter(site), address)


def forget_unconfirmed(site, now):
    """Delete the subscriptions never confirmed whose confirmation link has expired (7
    days); returns how many went."""
    return subscriptions.forget_unconfirmed(_newsletter(site), now)
