"""The back-in-stock alerts as stored: the site's ``stockalerts`` folder and its alerts.

::

    Site/stockalerts/        StockAlerts (no items: nothing here is traversed but its views)
      .alerts                key -> Alert
      .by_product            (product pid, normalised address) -> key
      .by_address            (normalised address, product pid) -> key

One alert per product and address (the indexes' keys say so).  An alert is waiting for its
owner's confirmation (``confirmed`` None, double opt-in) or confirmed; a confirmed alert
lives until its product is back in stock (then it is mailed and deleted) or its retention
ends (``alerts.purge_expired``).  The alerts and their indexes are attributes, never folder
items: traversal reaches only the folder's public views.
"""

import secrets

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from shopcms.tree.resources import Folder


class StockAlerts(Folder):
    """The site's ``stockalerts`` folder (it inherits the Site's ACL: its confirmation page
    is public)."""

    content_type = "stockalerts"

    def __init__(self):
        super().__init__()
        self.alerts = OOBTree()
        self.by_product = OOBTree()
        self.by_address = OOBTree()


def new_key():
    """A new alert's key: random, so that keys say nothing of who or when."""
    return secrets.token_hex(12)


class Alert(Persistent):
    """Mail ``address`` (as given) in ``lang`` once product ``pid`` is back in stock.

    ``normalised``: the address as the indexes compare it; ``asked``: when it was (last)
    asked for; ``confirmed``: when its owner confirmed it (None: waiting); ``account``: the
    id of the logged-in customer whose own address it is, or None; ``nonce``: what the
    current confirmation link must carry (None once confirmed: every link is used up).
    """

    def __init__(self, key, pid, address, normalised, lang, now, account=None):
        self.key = key
        self.pid = pid
        self.address = address
        self.normalised = normalised
        self.lang = lang
        self.asked = now
        self.confirmed = None
        self.account = account
        self.nonce = secrets.token_urlsafe(16)

    @property
    def is_confirmed(self):
        return self.confirmed is not None
