"""One order placed at a time per process, each on a fresh snapshot (issue 18).

Every checkout inserts into the same BTrees: the orders folder and its tables, the
catalog's indexes.  Inserts of different keys into one bucket merge, but not while one of
them splits that bucket, and in a young tree (or the young end of one keyed by number)
concurrent checkouts meet in few buckets: with 16 shoppers on one process, more than one
replay per order by pyramid_retry (bench/checkout.py).  Writing the order is short (a few ms of
the request) and its commit waits for the storage's commit lock anyway, so within a
process the place step takes a lock instead: :func:`place_alone` waits for it, ends the
request's transaction so far (nothing has been written before the place step: the form
was only validated) and begins a new one, which reads what the previous holder committed.
The lock is given back when that transaction ends (committed, failed or aborted).  Two
processes still meet in the buckets and one is replayed; one process no longer conflicts
with itself.

Only for a payment method without a provider (a bank transfer): a provider's method
(Mollie) creates the payment by an HTTP call in the same transaction, and that call must
not hold up every other checkout of the process; those checkouts are replayed on a
conflict, as before.

A lock not given within :data:`WAIT` seconds (a commit hanging in the storage) is not
waited for any longer: the checkout goes on without it, as before, and a conflict is
replayed.
"""

import threading

from shopcms.orders.payments import methods

#: Seconds a checkout waits for the one being placed before going on without the lock.
WAIT = 10.0

_lock = threading.Lock()


def place_alone(request, payment):
    """Wait for the other checkouts of this process to be placed, then begin the request's
    transaction anew (see the module), if the ``payment`` method posted (its name) has no
    provider; returns whether the lock was taken."""
    method = methods(request.registry).get(payment)
    if method is None or method.provider or not _lock.acquire(timeout=WAIT):
        return False
    released = False

    def release(*_args):
        nonlocal released
        if not released:
            released = True
            _lock.release()

    try:
        manager = request.tm
        manager.abort()
        txn = manager.begin()
        txn.note("checkout: place")
        txn.addAfterCommitHook(release)
        txn.addAfterAbortHook(release)
    except BaseException:
        release()
        raise
    return True
