"""The limits per client (``web.limits``): a window per client, the client a keyed hash."""

from types import SimpleNamespace

from shopcms.web.limits import Throttle, client

SETTINGS = {"shopcms.secret": "test-secret-" + "x" * 40}


def request(address):
    return SimpleNamespace(client_addr=address, registry=SimpleNamespace(settings=SETTINGS))


def test_a_throttle_allows_its_limit_per_client_in_its_window():
    throttle = Throttle(2, 60)
    assert throttle.allow("a", now=0) and throttle.allow("a", now=1)
    assert not throttle.allow("a", now=2)  # the third in the window
    assert throttle.allow("b", now=2)  # another client has its own window
    assert throttle.allow("a", now=60.5)  # the first event left the window


def test_a_client_whose_events_left_the_window_is_forgotten():
    # The privacy statement: the counts live only in memory and only for their window.
    throttle = Throttle(2, 600)
    throttle.allow("a", now=0)
    throttle.allow("b", now=300)
    assert len(throttle) == 2 and throttle.full("a", now=301) is False
    throttle.allow("b", now=601)  # a's last try is 10 minutes old: a is forgotten
    assert len(throttle) == 1
    throttle.allow("c", now=1202)  # and b's too
    assert len(throttle) == 1


def test_full_counts_nothing():
    throttle = Throttle(1, 60)
    assert not throttle.full("a", now=0) and not throttle.full("a", now=1)
    assert throttle.allow("a", now=2) and throttle.full("a", now=3)
    assert not throttle.full("a", now=62.5)


def test_the_client_is_a_keyed_hash_per_purpose_never_the_address():
    votes = client(request("203.0.113.7"))
    entries = client(request("203.0.113.7"), "shopcms.contests.client")
    assert "203.0.113.7" not in votes and len(votes) == 32
    assert votes != entries  # two limits cannot be joined
    assert votes == client(request("203.0.113.7"))
    assert votes != client(request("203.0.113.8"))


def test_a_throttle_remembers_at_most_its_clients():
    throttle = Throttle(1, 3600, clients=100)
    for i in range(1000):
        throttle.allow(f"client{i}", now=i)
    assert len(throttle) == 100
    assert throttle.full("client999", now=1000) and not throttle.full("client0", now=1000)
