"""One order placed at a time per process (``orders.placing``): the lock is held until the
transaction ends, however it ends, and never for a provider's payment method."""

import threading
import types

import transaction

from shopcms.orders import placing


def request_with(tm):
    methods = {
        "transfer": types.SimpleNamespace(provider=""),
        "mollie": types.SimpleNamespace(provider="mollie"),
    }
    registry = types.SimpleNamespace(shopcms_payment_methods=methods)
    return types.SimpleNamespace(registry=registry, tm=tm)


def test_the_lock_is_held_until_the_transaction_commits_or_aborts():
    for end in ("commit", "abort"):
        tm = transaction.TransactionManager(explicit=True)
        tm.begin()
        assert placing.place_alone(request_with(tm), "transfer")
        assert placing._lock.locked()
        getattr(tm, end)()
        assert not placing._lock.locked()


def test_a_second_checkout_waits_for_the_first_to_commit():
    first, second = (transaction.TransactionManager(explicit=True) for _ in range(2))
    first.begin()
    second.begin()
    placing.place_alone(request_with(first), "transfer")
    placed = threading.Event()

    def other():
        placing.place_alone(request_with(second), "transfer")
        placed.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert not placed.wait(0.1)  # still placing the first
    first.commit()
    assert placed.wait(5)
    thread.join()
    second.abort()
    assert not placing._lock.locked()


def test_a_providers_method_is_placed_without_the_lock():
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    assert not placing.place_alone(request_with(tm), "mollie")
    assert not placing.place_alone(request_with(tm), "unknown")
    assert not placing._lock.locked()
    tm.abort()
