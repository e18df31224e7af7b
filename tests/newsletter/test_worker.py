"""The server's newsletter timer: started by the first request, runs its jobs, survives
a failing one."""

import time

import pytest
import transaction

from shopcms.newsletter.resources import SENT
from shopcms.newsletter.worker import add_job, get_timer
from tests.conftest import Browser, make_site
from tests.newsletter.subscribers import add_campaign, add_subscribers, campaign_intents


@pytest.fixture
def timed_site(tmp_path):
    site = make_site(tmp_path, **{"shopcms.newsletter.interval": "0.05"})
    yield site
    get_timer(site.registry).stop()
    transaction.abort()
    site.close()


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the timer did not do it in time"
        time.sleep(0.05)


def test_the_timer_sends_due_campaigns_and_survives_a_failing_job(timed_site, caplog):
    site = timed_site
    keys = add_subscribers(site, 5)
    rounds = []

    def failing(registry):
        rounds.append(registry)
        raise RuntimeError("an inbound mailbox that cannot be read")

    add_job(site.registry, failing)
    timer = get_timer(site.registry)
    assert not timer.running, "a command loads the app too: only a request starts it"

    Browser(site.wsgi).get("/nl/")
    assert timer.running
    wait_for(lambda: len(rounds) >= 2)  # the failing job ran twice: the thread lives on
    assert "the newsletter job failing failed" in caplog.text
    assert "an inbound mailbox that cannot be read" in caplog.text

    add_campaign(site)  # due now: the next round sends it
    wait_for(lambda: site.read(lambda root: root["newsletter"]["spring"].state) == SENT)
    assert campaign_intents(site) == dict.fromkeys(keys, 1)
    assert timer.running and rounds[0] is site.registry


def test_no_timer_without_an_interval(site, app):
    app.get("/nl/")
    assert not get_timer(site.registry).running


def test_a_negative_interval_is_refused(tmp_path):
    with pytest.raises(ValueError, match="interval cannot be negative"):
        make_site(tmp_path, **{"shopcms.newsletter.interval": "-1"})
