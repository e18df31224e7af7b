"""The outbox seen by operations: ``/readyz`` reports a stuck outbox (not critical: the shop
keeps taking orders while the mail server is down) and the metrics count what waits."""

import pytest

from tests.conftest import Browser, make_site
from tests.mail.test_mail import notice, queue

TOKEN = "a-metrics-token-" + "y" * 24


@pytest.fixture
def site(tmp_path):
    # No SMTP server answers on this port: mails wait in the outbox.
    site = make_site(
        tmp_path,
        **{
            "shopcms.mail.port": "9",
            "shopcms.mail.stuck_after": "0",
            "shopcms.metrics.token": TOKEN,
        },
    )
    yield site
    site.close()


def gauge(app, name):
    text = app.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    [line] = [line for line in text.splitlines() if line.startswith(name + " ")]
    return float(line.split()[1])


def test_an_empty_outbox_is_ready(site):
    app = Browser(site.wsgi)
    check = app.get("/readyz").json["checks"]["outbox"]
    assert check["ok"] is True and check["critical"] is False
    assert check["detail"]["size"] == 0
    assert gauge(app, "shopcms_outbox_messages") == 0


def test_a_stuck_outbox_is_reported_while_the_shop_stays_ready(site):
    queue(site, notice(site.registry))
    app = Browser(site.wsgi)
    response = app.get("/readyz")
    assert response.status_int == 200 and response.json["ready"] is True
    check = response.json["checks"]["outbox"]
    assert check == {**check, "ok": False, "critical": False}
    assert "the oldest of 1 waiting mails" in check["detail"]
    assert gauge(app, "shopcms_outbox_messages") == 1
    assert gauge(app, "shopcms_outbox_oldest_age_seconds") > 0
