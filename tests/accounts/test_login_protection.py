"""Login protection that cannot be turned against the owner (issue 12, D7, acceptance 3):
progressive delays instead of a lock, the device cookie of a browser that logged in
before, and the second factor that staff need to reach the management area."""

import pytest

from shopcms.accounts.devices import COOKIE
from shopcms.accounts.throttle import ROOT_KEY
from shopcms.web.cookies import Category, get_cookie_registry
from tests.accounts.test_account_security import code, second_step, turn_on_second_factor
from tests.accounts.test_registration import logged_in
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site

OWNER = "owner@example.be"
OWNER_ADDRESS = "198.51.100.10"


def browser(site, address):
    return Browser(site.wsgi, extra_environ={"REMOTE_ADDR": address})


def attack(site, email, failures=100, addresses=20):
    """``failures`` wrong passwords for ``email`` from ``addresses`` addresses; returns
    how many of them were answered 429 (slowed down) instead of being checked."""
    attackers = [browser(site, f"203.0.113.{i + 1}") for i in range(addresses)]
    slowed = 0
    for n in range(failures):
        answer = login(attackers[n % addresses], email, "guess guess", status="*")
        assert answer.status_int in (400, 429), answer.status
        slowed += answer.status_int == 429
    return slowed


def log_out(app):
    form = app.get("/nl/").forms["logout"]
    form.submit(status=303)


def test_the_owner_logs_in_from_a_known_browser_during_an_attack(site):
    site.add_account(OWNER)
    owner = browser(site, OWNER_ADDRESS)
    login(owner, OWNER, PASSWORD)
    assert COOKIE in owner.cookies
    log_out(owner)

    slowed = attack(site, OWNER)
    # Guessing was slowed: only the first failures were checked at all.
    assert slowed >= 90

    # The browser that logged in before keeps working, from the owner's own address ...
    login(owner, OWNER, PASSWORD, status=303)
    assert logged_in(owner)
    log_out(owner)
    # ... and from an address the attacker uses too (the same café's network).
    owner.extra_environ["REMOTE_ADDR"] = "203.0.113.1"
    login(owner, OWNER, PASSWORD, status=303)


def test_a_new_browser_is_slowed_not_locked(site):
    site.add_account(OWNER)
    attack(site, OWNER)
    fresh = browser(site, OWNER_ADDRESS)
    slowed = login(fresh, OWNER, PASSWORD, status=429)
    wait = int(slowed.headers["Retry-After"])
    assert 0 < wait <= 15 * 60
    assert "minu" in slowed.html.select_one("[role=alert]").text
    assert not logged_in(fresh)
    # The answer said when to try again: then the right password logs in.
    site.registry.shopcms_clock.advance(seconds=wait)
    login(fresh, OWNER, PASSWORD, status=303)
    assert logged_in(fresh)


def test_the_device_cookie_is_for_one_account_and_cannot_be_forged(site):
    site.add_account(OWNER)
    site.add_account("neighbour@example.be")
    other = browser(site, OWNER_ADDRESS)
    login(other, "neighbour@example.be", PASSWORD)
    log_out(other)
    attack(site, OWNER, failures=10, addresses=2)
    # A device cookie of another account does not make this browser trusted for OWNER.
    login(other, OWNER, PASSWORD, status=429)
    forged = browser(site, OWNER_ADDRESS)
    userid = site.read(lambda root: root["customers"].find(OWNER).__name__)
    forged.set_cookie(COOKIE, f"{userid}-{'0' * 32}.forgedsignature")
    login(forged, OWNER, PASSWORD, status=429)


def test_a_known_browser_that_guesses_is_slowed_by_its_own_counter(site):
    site.add_account(OWNER)
    known = browser(site, OWNER_ADDRESS)
    login(known, OWNER, PASSWORD)
    log_out(known)
    for _ in range(5):
        login(known, OWNER, "guess guess", status=400)
    login(known, OWNER, PASSWORD, status=429)
    # Its guesses slowed nobody else: another browser logs in to the account at once.
    login(browser(site, "198.51.100.99"), OWNER, PASSWORD, status=303)


def test_the_device_cookie_is_declared_strictly_necessary(site, app):
    declared = get_cookie_registry(site.registry)[COOKIE]
    assert declared.category is Category.NECESSARY
    assert declared.httponly and declared.samesite == "Strict"
    assert declared.lifetime.days == 180
    for lang in ("nl", "fr", "en"):
        names = [code.text for code in app.get(f"/{lang}/cookies").html.select("table code")]
        assert COOKIE in names


# -- staff and the second factor ----------------------------------------------------------


@pytest.fixture
def strict(tmp_path):
    """A site that requires a second factor of staff (the default outside the tests)."""
    site = make_site(tmp_path, **{"shopcms.login.staff_second_factor": "true"})
    yield site
    site.close()


def test_staff_without_a_second_factor_cannot_reach_the_management_area(strict):
    admin = Browser(strict.wsgi)
    answer = login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, status=303)
    # Logged in, but sent to set up the second factor; management stays closed.
    assert answer.location.endswith("/nl/account/security")
    # The page says why (a notice), and offers the set-up.
    security = answer.follow()
    assert security.html.select_one("div.notice.info"), security.text
    assert "totp-start" in security.forms
    assert logged_in(admin)
    admin.get("/nl/manage/", status=403)
    admin.get("/nl/manage/customers", status=403)
    # Setting it up confirms this session: management opens.
    secret = turn_on_second_factor(strict, admin)
    admin.get("/nl/manage/", status=200)
    # From now on the password alone is not a login, and the code is.
    again = Browser(strict.wsgi)
    login(again, ADMIN_EMAIL, ADMIN_PASSWORD, status=200)
    again.get("/nl/manage/", status=403)
    done = second_step(again, code(strict, secret, 1))
    assert done.location.endswith("/nl/manage/")
    again.get("/nl/manage/", status=200)


def test_staff_who_turn_the_second_factor_off_lose_the_management_area(strict):
    admin = Browser(strict.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    secret = turn_on_second_factor(strict, admin)
    form = admin.get("/nl/account/security").forms["totp-off"]
    form["current"] = ADMIN_PASSWORD
    form["code"] = code(strict, secret, 1)
    form.submit("totp_off", status=303)
    admin.get("/nl/manage/", status=403)


def test_customers_need_no_second_factor(strict):
    strict.add_account("shopper@example.be")
    shopper = Browser(strict.wsgi)
    answer = login(shopper, "shopper@example.be", PASSWORD)
    assert not answer.location.endswith("/account/security")
    shopper.get("/nl/account/", status=200)


def test_failed_logins_keep_neither_the_address_nor_the_email(site, tmp_path):
    """The privacy statement: a keyed hash, counts and times; never the address itself."""
    guesser = browser(site, "203.0.113.177")
    for _ in range(3):
        login(guesser, "marker-7f3a@example.be", "guess guess", status=400)
    tree = site.read(
        lambda root: [c.state()[0] for c in root._p_jar.root()[ROOT_KEY].tree.values()]
    )
    assert tree == [3, 3]  # the account's and the address's
    stored = (tmp_path / "Data.fs").read_bytes()
    for marker in (b"203.0.113.177", b"marker-7f3a"):
        assert marker not in stored
