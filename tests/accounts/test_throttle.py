"""Login throttling: per account and per address, sliding window, bounded memory."""

from shopcms.accounts.throttle import LoginThrottle, Throttle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_blocks_after_limit_and_frees_when_the_window_passes():
    clock = Clock()
    throttle = Throttle(limit=5, window=900, clock=clock)
    for _ in range(4):
        throttle.failure("a")
    assert throttle.blocked("a") == 0
    throttle.failure("a")
    assert 899 <= throttle.blocked("a") <= 900
    clock.now += 600
    assert 299 <= throttle.blocked("a") <= 300
    clock.now += 301
    assert throttle.blocked("a") == 0


def test_keys_are_independent_and_success_resets_the_account():
    clock = Clock()
    throttle = LoginThrottle(account_limit=2, address_limit=10, window=60, clock=clock)
    throttle.failed("a@x.be", "10.0.0.1")
    throttle.failed("a@x.be", "10.0.0.1")
    assert throttle.wait_seconds("a@x.be", "10.0.0.2") > 0
    assert throttle.wait_seconds("b@x.be", "10.0.0.1") == 0
    throttle.succeeded("a@x.be")
    assert throttle.wait_seconds("a@x.be", "10.0.0.2") == 0


def test_address_limit_applies_across_accounts():
    throttle = LoginThrottle(account_limit=5, address_limit=3, window=60, clock=Clock())
    for i in range(3):
        throttle.failed(f"user{i}@x.be", "10.0.0.9")
    assert throttle.wait_seconds("fresh@x.be", "10.0.0.9") > 0
    assert throttle.wait_seconds("fresh@x.be", "10.0.0.8") == 0


def test_memory_is_bounded():
    throttle = Throttle(limit=2, window=60, max_keys=100, clock=Clock())
    for i in range(1000):
        throttle.failure(f"key{i}")
    assert len(throttle._failures) == 100
