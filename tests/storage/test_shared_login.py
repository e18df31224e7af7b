"""Acceptance 3 across processes: the login counters are shared by two shopcms processes
on one ZEO server, so the limits do not multiply with the processes, and a browser that
logged in through one process is a known device for the other."""

import requests

from shopcms.accounts.devices import COOKIE
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.storage.cluster import ZEOServer, shop_servers
from tests.storage.test_shared_database import form

#: The administrator: the account D7 could lock out.
OWNER, PASSWORD = ADMIN_EMAIL, ADMIN_PASSWORD


def attempt(http, server, email, password):
    """A login through ``server``'s form; the answer (not followed)."""
    login = form(http.get(f"{server.base}/nl/login", timeout=30).text, "login")
    login["email"], login["password"] = email, password
    return http.post(
        f"{server.base}/nl/login",
        data=login.submit_fields("login"),
        headers={"Origin": server.base},
        allow_redirects=False,
        timeout=30,
    )


def browser():
    """A browser: a cookie jar (each form is sent with the Origin of its server)."""
    return requests.Session()


def test_limits_hold_across_two_processes_on_one_zeo_server(tmp_path):
    storage = ZEOServer(tmp_path / "zeo").start()
    try:
        with shop_servers(storage, tmp_path, count=2) as (a, b):
            # The owner logs in once through process a: that browser is now known.
            owner = browser()
            assert attempt(owner, a, OWNER, PASSWORD).status_code == 303
            # Five wrong passwords, alternating between the processes: with a counter per
            # process each would still allow two or three more.
            attacker = browser()
            answers = [
                attempt(attacker, server, OWNER, "guess guess") for server in (a, b, a, b, a)
            ]
            statuses = [answer.status_code for answer in answers]
            assert statuses == [400] * 5
            assert all("wachtwoord is niet juist" in answer.text for answer in answers)
            for server in (a, b):
                slowed = attempt(browser(), server, OWNER, PASSWORD)
                assert slowed.status_code == 429, server.log()[-2000:]
                assert 0 < int(slowed.headers["Retry-After"]) <= 60
            # The known browser logs in through the other process all the same.
            known = browser()
            known.cookies.set(COOKIE, owner.cookies[COOKIE])
            assert attempt(known, b, OWNER, PASSWORD).status_code == 303
    finally:
        storage.stop()
