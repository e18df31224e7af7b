"""The server's timer as a mechanism: the capabilities declare their jobs, which run in
the order declared; its interval is ``shopcms.timer.interval``, and a site configured with
the older ``shopcms.newsletter.interval`` keeps its timer."""

import pytest
import transaction

from shopcms.contests import response
from shopcms.newsletter import clicks
from shopcms.newsletter.worker import send_due
from shopcms.operations.timer import get_timer, interval_of, jobs
from tests.conftest import make_site


@pytest.mark.parametrize(
    ("settings", "seconds"),
    [
        ({}, 0),
        ({"shopcms.timer.interval": "30"}, 30),
        ({"shopcms.newsletter.interval": "60"}, 60),  # the older name, still read
        ({"shopcms.timer.interval": "5", "shopcms.newsletter.interval": "60"}, 5),
        ({"shopcms.timer.interval": "", "shopcms.newsletter.interval": "2.5"}, 2.5),
    ],
)
def test_the_interval_and_its_older_name(settings, seconds):
    assert interval_of(settings) == seconds


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"shopcms.timer.interval": "-1"}, "shopcms.timer.interval cannot be negative"),
        ({"shopcms.newsletter.interval": "-1"}, "shopcms.newsletter.interval cannot be negative"),
        ({"shopcms.timer.interval": "soon"}, "shopcms.timer.interval must be a number"),
    ],
)
def test_a_bad_interval_stops_the_start_naming_its_setting(tmp_path, settings, message):
    with pytest.raises(ValueError, match=message):
        make_site(tmp_path, **settings)


def test_the_capabilities_declare_their_jobs_in_order(tmp_path):
    site = make_site(tmp_path, **{"shopcms.timer.interval": "45"})
    try:
        timer = get_timer(site.registry)
        assert timer.interval == 45
        assert not timer.running, "a command loads the app too: only a request starts it"
        assert jobs(site.registry) == [
            ("newsletter", send_due),
            ("newsletter", clicks.flush),
            ("contests", response.flush),
        ]
    finally:
        transaction.abort()
        site.close()
