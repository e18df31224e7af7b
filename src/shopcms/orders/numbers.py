"""Order numbers without a record that every checkout writes (issue 18).

An order's number is ``YYYY-NNNNNN`` (more digits once a year passes a million) and its
bank transfer's OGM reference is made from it (``orders.ogm``), so numbers must be unique;
they need not be gapless (the legally gapless numbering is the invoices').  Each process
takes its numbers from a *block* reserved in the year's counter (``Orders.counters``, an
``OrderNumberCounter``) by a short transaction of its own, on a connection of its own:
two processes reserving at once conflict there and one tries again, never in a checkout.
Within the process the block is handed out under a lock, one number per call, in a
random order: concurrent checkouts then insert their orders (and the lookup tables and
catalog entries keyed by number) into different buckets of those BTrees, where
consecutive numbers would meet in the last bucket and conflict whenever it splits.

What that costs: a number taken by a checkout that is then replayed (a stock conflict) or
refused is not used again, and a process that stops leaves the rest of its block unused:
gaps.  Blocks grow while orders come quickly and shrink back to :data:`SMALLEST` in a
quiet shop: a reservation less than :data:`BUSY` seconds after the previous one takes a
block that lasts about :data:`BUSY` seconds at the rate the previous one was used (at
least twice its size, a power of two, up to :data:`LARGEST`), so a restart loses at most
about that many seconds' worth of numbers.  Large blocks matter under load: every BTree
keyed by number (the orders folder, the references, the catalog's paths) takes a block's
numbers at its end, in as many buckets as the block is wide, and two checkouts conflict
when one splits the bucket the other inserts into; a block of a few thousand numbers
spreads 16 concurrent checkouts over a hundred buckets, where 256 kept them in a handful.
So the order of numbers is not the order of placement (``created`` is): within a block
they come shuffled, and two processes hand out their blocks at the same time.
"""

import random
import threading
import time

from persistent import Persistent

from shopcms.tree.database import in_own_transaction

SMALLEST, LARGEST = 4, 4096
#: Seconds a block should last in a busy shop (the wider a block, the more buckets its
#: numbers spread over: see the module); one used up faster was too small, one lasting
#: longer says the shop is quiet.
BUSY = 40.0
#: How often a reservation is tried when other processes reserve at the same moment.
ATTEMPTS = 20


class NumberBlocks:
    """This process's blocks of order numbers, per year, for one database."""

    def __init__(self, db, clock=time.monotonic):
        self.db = db
        self.clock = clock
        self.lock = threading.Lock()
        self.blocks = {}  # year -> the numbers of its block still to hand out
        self.size = SMALLEST
        self.reserved_at = None

    def next(self, year):
        """A number of ``year`` no other call (of any process) gets: an int from 1."""
        with self.lock:
            block = self.blocks.get(year)
            if not block:
                block = self.blocks[year] = self._reserve(year)
            return block.pop()

    def next_size(self):
        """The size of the block to reserve now (see the module)."""
        now = self.clock()
        elapsed = None if self.reserved_at is None else now - self.reserved_at
        if elapsed is None or elapsed >= BUSY:
            self.size = SMALLEST
        else:
            wanted = max(self.size * 2, self.size * BUSY / max(elapsed, 1e-3))
            size = self.size
            while size < wanted and size < LARGEST:
                size *= 2
            self.size = min(LARGEST, size)
        self.reserved_at = now
        return self.size

    def _reserve(self, year):
        size = self.next_size()
        first = in_own_transaction(
            self.db,
            lambda root: reserve(root["site"]["orders"], year, size),
            note=f"order numbers of {year}: a block of {size}",
            attempts=ATTEMPTS,
        )
        block = list(range(first, first + size))
        _shuffle(block)
        return block


def reserve(orders, year, size):
    """Take ``size`` numbers of ``year`` from the counter of ``orders`` (in the current
    transaction); returns the first."""
    counter = orders.counters.get(year)
    if counter is None:
        counter = orders.counters[year] = OrderNumberCounter()
    first = counter.last + 1
    counter.last += size
    return first


class OrderNumberCounter(Persistent):
    """The last order number of one year reserved (by blocks, each in a transaction of its
    own; a plain attribute, so two reservations conflict, which keeps the blocks apart).
    Stored ones name it ``shopcms.orders.resources.OrderNumberCounter``: still imported
    there."""

    def __init__(self):
        self.last = 0


_shuffle = random.SystemRandom().shuffle
_registry_lock = threading.Lock()


def next_number(registry, orders, year):
    """The next order number (an int) of ``year`` for the site's ``orders`` folder.

    With a registry (a running application: its main database), from this process's
    blocks; without one (a script on a connection of its own), straight from the counter
    in the current transaction, as before (gapless, and conflicting).
    """
    db = getattr(registry, "_zodb_databases", {}).get("") if registry is not None else None
    if db is None or orders._p_jar is None or orders._p_jar.db() is not db:
        return reserve(orders, year, 1)
    blocks = getattr(registry, "shopcms_order_numbers", None)
    if blocks is None:
        with _registry_lock:
            blocks = getattr(registry, "shopcms_order_numbers", None)
            if blocks is None:
                blocks = registry.shopcms_order_numbers = NumberBlocks(db)
    return blocks.next(year)
