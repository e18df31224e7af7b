"""The events products send that other capabilities may react to (through ``api``).

:class:`StockReturned`: a product that was out of stock has some again.  Products never
know who listens (the back-in-stock alerts do).
"""

from shopcms.tree.events import ObjectEvent


class StockReturned(ObjectEvent):
    """Sent when the stock of ``object`` (a product in the catalog) goes from 0 to more,
    by whatever path (the desk's edit or stock form, a cancelled order or a refund giving
    stock back, a script), in the transaction of that change.  Not sent for a product
    being made (it has no place in the catalog yet, so nobody can wait for it)."""
