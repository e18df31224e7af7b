"""The pause before a retry grows with the attempt, is random, and is capped."""

from shopcms.web.retry import pause


def test_pauses_grow_with_the_attempt_and_stay_under_the_cap():
    first = [pause(0, 0.02, 0.5) for _ in range(200)]
    fifth = [pause(4, 0.02, 0.5) for _ in range(200)]
    late = [pause(20, 0.02, 0.5) for _ in range(200)]
    assert all(0 <= p <= 0.02 for p in first)
    assert all(0 <= p <= 0.32 for p in fifth) and max(fifth) > 0.02
    assert all(0 <= p <= 0.5 for p in late)
    assert len(set(first)) > 100  # jitter: not all requests wait the same time
