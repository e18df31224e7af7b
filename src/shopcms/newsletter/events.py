"""What the newsletter tells other capabilities (``config.add_subscriber``).

The accounts record a logged-in customer's newsletter consent in the account's own ledger
from these; the newsletter never imports them.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SubscriptionChanged:
    """A subscription was confirmed (``granted``) or ended (not ``granted``).

    ``account`` is the linked account's id or None; ``form`` where it happened, as the
    consent ledger names places (``newsletter-confirm``, ``newsletter-preferences``,
    ``newsletter-one-click``, ``newsletter-mail``, ``account-privacy``...); ``lang`` the
    language of the page or mail it happened through.
    """

    site: object
    account: str | None
    granted: bool
    form: str
    lang: str
    when: datetime
    registry: object
