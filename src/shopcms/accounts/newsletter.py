"""The newsletter on the account pages, and in the account's own consent ledger.

The newsletter consent of an account is its subscription (``shopcms.newsletter.api``):

- giving it asks for a subscription of the account's address (double opt-in: nothing is
  recorded until the mailed link is followed; the toggle says it waits for that);
- withdrawing it ends the subscription at once;
- the account's ledger records the consent when the subscription is confirmed or ends,
  wherever that happens (the confirmation link, the preferences page, a one-click
  unsubscribe, a mail, this page): :func:`on_subscription_changed`, subscribed to the
  newsletter's ``SubscriptionChanged``.

The newsletter never imports the accounts; the accounts use its ``api`` only.
"""

from pyramid.traversal import find_root

from shopcms.newsletter import api as newsletter
from shopcms.privacy import ledger
from shopcms.privacy.purposes import NEWSLETTER
from shopcms.web.i18n import _

PENDING, ACTIVE = "pending", "active"


def on_subscription_changed(event):
    """Record a linked subscription's confirmation or end in its account's ledger."""
    if event.account is None:
        return
    account = event.site["customers"].get(event.account)
    if account is None:  # erased meanwhile
        return
    ledger.record(
        account.preferences,
        event.site,
        NEWSLETTER,
        event.granted,
        event.form,
        event.lang,
        event.when,
    )


def subscription_state(account):
    """``"pending"``, ``"active"`` or None: the account's subscription."""
    return newsletter.account_subscription_state(find_root(account), account.__name__)


def give(request, account, form):
    """Ask for the account's subscription; returns the message that says what follows."""
    root = find_root(account)
    newsletter.ask_subscription(
        request,
        root,
        account.email,
        request.locale_name,
        newsletter.ACCOUNT,
        account=account.__name__,
    )
    if subscription_state(account) == ACTIVE:
        # The address was subscribed (and confirmed) already; asking linked it to the account.
        ledger.record(
            account.preferences, root, NEWSLETTER, True, form, request.locale_name, request.now
        )
        return _("This address gets the newsletter already: it is now linked to your account.")
    return _(
        "Thank you: a mail with a confirmation link is on its way to ${address}. Your "
        "subscription starts when you follow that link.",
        mapping={"address": account.email},
    )


def withdraw(request, account, form):
    """End the account's subscription; returns the message that confirms it."""
    root = find_root(account)
    newsletter.end_account_subscription(request, root, account.__name__, form=form)
    # An active subscription's end is in the ledger now (on_subscription_changed).  A consent
    # recorded before subscriptions existed has none to end: its withdrawal is recorded here
    # (nothing is appended when the ledger already says withdrawn).
    ledger.record(
        account.preferences, root, NEWSLETTER, False, form, request.locale_name, request.now
    )
    return _("You are unsubscribed from the newsletter.")


def includeme(config):
    config.add_subscriber(on_subscription_changed, newsletter.SubscriptionChanged)
