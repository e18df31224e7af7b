"""The shared login counters: progressive delays per account, per address and per device,
kept in a ZODB database and committed in transactions of their own."""

import transaction
import ZODB
from ZODB.MappingStorage import MappingStorage

from shopcms.accounts.throttle import (
    ACCOUNT,
    ROOT_KEY,
    LoginThrottle,
    Rule,
    SharedCounters,
)

SECRET = "test-secret-" + "x" * 40


def make(db=None, **rules):
    db = db or ZODB.DB(MappingStorage())
    return LoginThrottle(SharedCounters(db), SECRET, **rules), db


def stored(db):
    conn = db.open(transaction_manager=transaction.TransactionManager())
    try:
        counters = conn.root().get(ROOT_KEY)
        return {k: c.state() for k, c in counters.tree.items()} if counters is not None else {}
    finally:
        conn.close()


def test_delays_start_after_the_free_failures_and_double_up_to_the_cap():
    rule = Rule(free=5, base=60, cap=900)
    assert [rule.delay(n) for n in range(4, 11)] == [0, 60, 120, 240, 480, 900, 900]
    throttle, _db = make(account=rule)
    now = 1_000_000.0
    for _ in range(4):
        throttle.failed("a@x.be", f"10.0.0.{_}", now)
    assert throttle.wait_seconds("a@x.be", "10.0.0.9", now) == 0
    throttle.failed("a@x.be", "10.0.0.9", now)
    # Slowed, from any address: the answer says when to try again.
    assert throttle.wait_seconds("a@x.be", "10.0.0.8", now) == 60
    assert throttle.wait_seconds("a@x.be", "10.0.0.8", now + 59) == 1
    assert throttle.wait_seconds("a@x.be", "10.0.0.8", now + 60) == 0


def test_never_locked_for_good():
    throttle, _db = make(account=Rule(free=5, base=60, cap=900))
    now = 1_000_000.0
    for i in range(200):
        throttle.failed("a@x.be", f"10.0.{i % 20}.1", now)
    assert throttle.wait_seconds("a@x.be", "10.9.9.9", now) == 900
    assert throttle.wait_seconds("a@x.be", "10.9.9.9", now + 900) == 0


def test_a_trusted_device_has_its_own_counter():
    throttle, _db = make()
    now = 1_000_000.0
    for i in range(100):
        throttle.failed("owner@x.be", f"10.0.{i % 20}.1", now)
    assert throttle.wait_seconds("owner@x.be", "192.0.2.7", now) > 0
    assert throttle.wait_seconds("owner@x.be", "192.0.2.7", now, trusted="nonce1") == 0
    # A device that guesses is slowed by its own failures, and only itself.
    for _ in range(5):
        throttle.failed("owner@x.be", "192.0.2.7", now, trusted="stolen")
    assert throttle.wait_seconds("owner@x.be", "192.0.2.7", now, trusted="stolen") == 60
    assert throttle.wait_seconds("owner@x.be", "192.0.2.7", now, trusted="nonce1") == 0


def test_keys_are_independent_and_success_resets_the_account():
    throttle, _db = make(account=Rule(free=2), address=Rule(free=10))
    now = 1_000_000.0
    throttle.failed("a@x.be", "10.0.0.1", now)
    throttle.failed("a@x.be", "10.0.0.1", now)
    assert throttle.wait_seconds("a@x.be", "10.0.0.2", now) > 0
    assert throttle.wait_seconds("b@x.be", "10.0.0.1", now) == 0
    throttle.succeeded("a@x.be")
    assert throttle.wait_seconds("a@x.be", "10.0.0.2", now) == 0


def test_address_limit_applies_across_accounts():
    throttle, _db = make(address=Rule(free=3))
    now = 1_000_000.0
    for i in range(3):
        throttle.failed(f"user{i}@x.be", "10.0.0.9", now)
    assert throttle.wait_seconds("fresh@x.be", "10.0.0.9", now) > 0
    assert throttle.wait_seconds("fresh@x.be", "10.0.0.8", now) == 0


def test_counters_are_shared_through_the_database():
    one, db = make()
    other, _db = make(db)
    now = 1_000_000.0
    for i in range(5):
        (one if i % 2 else other).failed("a@x.be", f"10.0.0.{i}", now)
    assert one.wait_seconds("a@x.be", "10.1.1.1", now) == 60
    assert other.wait_seconds("a@x.be", "10.1.1.1", now) == 60


def test_only_keyed_hashes_counts_and_times_are_kept():
    throttle, db = make()
    throttle.failed("someone@example.be", "203.0.113.77", 1_000_000.0)
    kept = stored(db)
    assert len(kept) == 2
    text = repr(kept)
    assert "someone" not in text and "203.0.113" not in text
    assert all(value == (1, 1_000_000.0) for value in kept.values())
    assert throttle.key(ACCOUNT, "someone@example.be") in kept


def test_expired_counters_are_forgotten_and_pruned():
    rule = Rule(free=5, window=3600, cap=900)
    throttle, db = make(account=rule, address=rule, device=rule)
    now = 1_000_000.0
    for i in range(50):
        throttle.failed(f"user{i}@x.be", f"10.0.0.{i}", now)
    assert len(stored(db)) == 100
    later = now + 3601
    # An expired counter starts again from nothing.
    for _ in range(4):
        throttle.failed("user1@x.be", "10.9.9.9", later)
    assert throttle.wait_seconds("user1@x.be", "10.8.8.8", later) == 0
    throttle.prune(later)
    assert set(stored(db)) == set(throttle.keys("user1@x.be", "10.9.9.9"))
