"""What the alerts do when a product changes (products never know of them).

- :class:`~shopcms.products.api.StockReturned` (the stock went from 0 to more, by any
  path: the desk's edit or stock form, an order cancelled or refunded, a script): each
  confirmed alert of a published product gets its mail's intent and is deleted, in the
  transaction of the stock change.  A hidden product's alerts wait until it is published
  (``ACLModified`` of a product shown again while in stock does the same).  Waiting
  (unconfirmed) alerts get nothing and stay until their retention.
- A product deleted for good takes its alerts with it (they could never be honoured).
"""

from pyramid.threadlocal import get_current_registry, get_current_request
from pyramid.traversal import find_root

from shopcms.products.api import Product, StockReturned
from shopcms.stockalerts import alerts
from shopcms.stockalerts.mail import queue_back
from shopcms.tree.events import ACLModified, ObjectWillBeRemoved


def _folder(product):
    site = find_root(product)
    return site, site.get("stockalerts") if hasattr(site, "get") else None


def mail_waiting(product):
    """Mail (as intents) and delete the confirmed alerts of ``product`` if it is published
    and in stock; returns how many."""
    site, folder = _folder(product)
    if folder is None or not (product.published and product.stock > 0):
        return 0
    registry = get_current_registry()
    taken = alerts.take_confirmed(folder, product.pid)
    for alert in taken:
        queue_back(registry, site, alert, get_current_request())
    return len(taken)


def stock_returned(event):
    mail_waiting(event.object)


def shown_again(event):
    if isinstance(event.object, Product):
        mail_waiting(event.object)


def product_removed(event):
    product = event.object
    if isinstance(product, Product):
        _site, folder = _folder(product)
        for alert in alerts.of_product(folder, product.pid) if folder is not None else ():
            alerts.remove(folder, alert)


def includeme(config):
    config.add_subscriber(stock_returned, StockReturned)
    config.add_subscriber(shown_again, ACLModified)
    config.add_subscriber(product_removed, ObjectWillBeRemoved)
