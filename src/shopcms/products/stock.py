"""The number of units of a product in stock, a record of its own (issue 18).

Checkouts of different products never conflict, buyers of one product rarely: the
number in stock is a small record of its own, ``Stock``, beside the
product, whose concurrent changes ZODB merges (``_p_resolveConflict``) while they stay
well above zero.  The product's own record keeps what its pages show of the stock,
``stock_shown``: the number while it is :data:`FEW_LEFT` or less, ``FEW_LEFT + 1`` for
"plenty".  A sale that leaves "plenty" writes the stock record only, so the product's
pages (and whatever depends on the product's record) stay as they were; a change at or
below ``FEW_LEFT`` writes the product too.  The merge refuses whenever one side is at or
below ``FEW_LEFT``, so ``stock_shown`` is always ``min(stock, FEW_LEFT + 1)`` and the last
units are sold one transaction after another (pyramid_retry replays the loser with fresh
data: stock never goes below zero).  The conflict resolution runs where the storage
resolves conflicts: FileStorage and RelStorage in the application, a ZEO server in its own
process, which then needs shopcms importable (otherwise the conflict is raised and the
request replayed, as before).
"""

from persistent import Persistent
from ZODB.POSException import ConflictError

#: At or below this many units the product page shows the number ("Only 3 left"); above
#: it, "In stock".  The product's own record changes only when what it shows changes.
FEW_LEFT = 5


class Stock(Persistent):
    """The number of units of one product in stock (``value``), a record of its own.

    Concurrent changes merge (see the module): each transaction's difference is applied
    to the committed value, as long as the old, the committed, this transaction's and
    the merged values are all above :data:`FEW_LEFT`; otherwise the conflict stands.
    """

    def __init__(self, value=0):
        self.value = int(value)

    def _p_resolveConflict(self, old, committed, new):
        values = (old["value"], committed["value"], new["value"])
        merged = committed["value"] + new["value"] - old["value"]
        if min(*values, merged) <= FEW_LEFT:
            raise ConflictError("the stock is low: no merge")
        return {**committed, "value": merged}
