"""The events products send that other capabilities may react to (through ``api``).

:class:`StockReturned`: a product that was out of stock has some again.  Products never
know who listens (the back-in-stock alerts do).
"""

import contextlib

from shopcms.tree.events import ObjectEvent, notify


class StockReturned(ObjectEvent):
    """Sent when the stock of ``object`` (a product in the catalog) goes from 0 to more,
    by whatever path (the desk's edit or stock form, a cancelled order or a refund giving
    stock back, a script), in the transaction of that change.  Not sent for a product
    being made (it has no place in the catalog yet, so nobody can wait for it)."""


@contextlib.contextmanager
def stock_change(product, stock):
    """Around the write of ``product``'s stock to ``stock``: sends :class:`StockReturned`
    once it is written, when it went from 0 to more for a product in the catalog."""
    returned = stock > 0 and product.stock == 0 and product.__parent__ is not None
    yield
    if returned:
        notify(StockReturned(product))
