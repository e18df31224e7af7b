"""Anonymous connection statistics as the shop records them: through the real WSGI stack,
counted per visit and per page, kept only as daily totals in their own database.

Acceptance 4 (no address, network or User-Agent in any database after 2,000 requests of
200 visitors) and 5 (GET requests commit nothing; a flush is one transaction on the
statistics database and none on the main one) share one run of traffic (``traffic``).
"""

import ipaddress
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import transaction

from shopcms.privacy.consent import Choice, encode
from shopcms.statistics import get_recorder
from shopcms.statistics.report import open_statistics, report
from shopcms.web.cookies import Category
from shopcms.web.sessions import session_secret
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
PRODUCT = "mug-cafe"
#: No flush while the test runs unless it asks for one.
QUIET = {
    "shopcms.statistics.flush_interval": "3600",
    "shopcms.statistics.flush_events": "1000000",
}
EVER = (date(2000, 1, 1), date(2100, 1, 1))


def stats_site(folder, **settings):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    site = make_site(folder, **{**QUIET, **settings})
    get_recorder(site.registry).maintain = False  # no daily pack in the middle of a test
    return site


@pytest.fixture
def site(tmp_path):
    site = stats_site(tmp_path)
    yield site
    transaction.abort()
    site.close()


def consent(site, *allowed):
    """A consent cookie value: a choice made now that allows ``allowed``."""
    choice = Choice(frozenset(allowed), datetime.now(UTC), "")
    return encode(choice, session_secret(site.registry.settings))


class Visitor:
    """One browser on one address; ``cookie``: the consent choice it carries, if any."""

    def __init__(self, site, address, agent, cookie=None, **headers):
        self.app = Browser(
            site.wsgi, extra_environ={"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent}
        )
        if cookie is not None:
            self.app.set_cookie("cookie_consent", cookie)
        self.headers = headers

    def get(self, path, status=200, headers=None):
        return self.app.get(path, headers={**self.headers, **(headers or {})}, status=status)


def counted(site, *visitors_args, allowed=True):
    """Visitors that chose to allow the statistics (or to refuse them)."""
    cookie = consent(site, Category.STATISTICS) if allowed else consent(site)
    return [Visitor(site, address, agent, cookie) for address, agent in visitors_args]


def flush(site):
    """End every visit and save (as when the server stops); the report over all days."""
    get_recorder(site.registry).flush(everything=True)
    with open_statistics(site.registry) as root:
        return report(root, *EVER)


def test_visits_page_views_browsers_devices_and_referring_sites(site):
    firefox, chrome, iphone, bot = counted(
        site,
        ("198.51.100.7", FIREFOX),
        ("198.51.100.99", CHROME),  # same network, another browser: another visitor
        ("2001:db8:1:2::5", IPHONE),
        ("66.249.66.1", GOOGLEBOT),
    )
    firefox.get("/nl/", headers={"Referer": "https://www.example.org/blog/post?id=4242"})
    firefox.get("/nl/products/", headers={"Referer": "http://localhost/nl/"})
    firefox.get(f"/nl/products/{PRODUCT}", headers={"Referer": "http://localhost/nl/products/"})
    chrome.get("/nl/")
    iphone.get("/en/", headers={"Referer": "https://m.facebook.com/story.php?id=77"})
    iphone.get("/en/privacy")
    for _ in range(4):
        bot.get("/nl/products/")

    result = flush(site)
    assert [(row.visits, row.pageviews) for row in result.days] == [(4, 10)]
    assert result.pages == {"home": 3, "products": 5, f"product:{PRODUCT}": 1, "privacy": 1}
    assert result.browsers == {"Firefox 132": 1, "Chrome 130": 1, "Safari 17": 1, "Googlebot": 1}
    assert result.devices == {"desktop": 2, "mobile": 1, "bot": 1}
    assert result.referrers == {"www.example.org": 1, "m.facebook.com": 1}
    assert result.connections == {"HTTP/1.0 no TLS direct": 4}
    assert sum(result.durations.values()) == 4
    stored = (Path(site.registry.settings["zodbconn.uri.statistics"][7:])).read_bytes()
    for secret in (b"/blog/post", b"4242", b"story.php", b"localhost"):
        assert secret not in stored


def test_the_connection_through_the_proxy(site):
    (visitor,) = counted(site, ("203.0.113.5", FIREFOX))
    # What waitress leaves for a request of the trusted proxy (production.ini).
    visitor.app.extra_environ.update(
        {
            "wsgi.url_scheme": "https",
            "HTTP_X_FORWARDED_FOR": "203.0.113.5",
            "HTTP_X_FORWARDED_PROTO": "https",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
    )
    visitor.get("/nl/")
    assert flush(site).connections == {"HTTP/1.1 TLS via proxy": 1}


def test_the_proxy_can_report_the_clients_http_version(tmp_path):
    site = stats_site(tmp_path, **{"shopcms.statistics.protocol_header": "X-Forwarded-Protocol"})
    try:
        (visitor,) = counted(site, ("203.0.113.5", FIREFOX))
        visitor.get("/nl/", headers={"X-Forwarded-Protocol": "HTTP/2.0"})
        (liar,) = counted(site, ("203.0.113.6", CHROME))
        liar.get("/nl/", headers={"X-Forwarded-Protocol": "<script>"})
        assert flush(site).connections == {
            "HTTP/2 no TLS direct": 1,
            "HTTP/1.0 no TLS direct": 1,
        }
    finally:
        site.close()


def test_who_refused_or_has_not_chosen_is_not_counted(site):
    allowed = consent(site, Category.STATISTICS)
    Visitor(site, "192.0.2.1", FIREFOX, consent(site)).get("/nl/")  # refused all
    Visitor(site, "192.0.2.2", FIREFOX, consent(site, Category.FUNCTIONAL)).get("/nl/")
    Visitor(site, "192.0.2.3", FIREFOX, allowed, **{"Sec-GPC": "1"}).get("/nl/")
    Visitor(site, "192.0.2.4", FIREFOX).get("/nl/")  # no choice yet: no statistics
    Visitor(site, "192.0.2.5", FIREFOX, "forged-value").get("/nl/")
    assert flush(site).visits == 0
    Visitor(site, "192.0.2.6", FIREFOX, allowed).get("/nl/")
    assert flush(site).visits == 1


def test_a_site_may_count_who_has_not_chosen_and_pages_from_the_shared_cache(tmp_path):
    site = stats_site(tmp_path, **{"shopcms.statistics.count_undecided": "true"})
    try:
        for address in ("192.0.2.10", "192.0.3.10", "192.0.4.10"):
            Visitor(site, address, FIREFOX).get(f"/nl/products/{PRODUCT}")
        assert len(site.page_cache) == 1  # the second and third came from memory
        Visitor(site, "192.0.5.10", FIREFOX, **{"Sec-GPC": "1"}).get(f"/nl/products/{PRODUCT}")
        Visitor(site, "192.0.6.10", FIREFOX, consent(site)).get("/nl/")
        result = flush(site)
        assert (result.visits, result.pages) == (3, {f"product:{PRODUCT}": 3})
    finally:
        site.close()


def test_a_site_may_count_every_visitor(tmp_path):
    site = stats_site(tmp_path, **{"shopcms.statistics.respect_refusal": "false"})
    try:
        Visitor(site, "192.0.2.1", FIREFOX, consent(site)).get("/nl/")
        Visitor(site, "192.0.2.2", CHROME, **{"Sec-GPC": "1"}).get("/nl/")
        assert flush(site).visits == 2
    finally:
        site.close()


def test_only_pages_shown_are_counted(site):
    (visitor,) = counted(site, ("192.0.2.1", FIREFOX))
    visitor.get("/", status=(302, 303))  # the language redirect
    visitor.get("/static/style.css")
    visitor.get(f"/nl/products/{PRODUCT}/image", status="*")
    visitor.get("/nl/no-such-page", status=404)
    visitor.app.post("/nl/login", {"email": "x@example.be"}, status=400)  # no CSRF token
    result = flush(site)
    assert (result.visits, result.pageviews, result.pages) == (0, 0, {})


def test_private_areas_are_counted_by_area_never_by_what_identifies(site):
    site.add_account("an@example.be")
    customer = Visitor(site, "192.0.2.1", FIREFOX, consent(site, Category.STATISTICS))
    login(customer.app, "an@example.be", PASSWORD)
    customer.get("/nl/account/")
    customer.get("/nl/account/privacy")
    staff = Visitor(site, "192.0.2.2", CHROME, consent(site, Category.STATISTICS))
    login(staff.app, ADMIN_EMAIL, ADMIN_PASSWORD)
    staff.get("/nl/manage/")
    result = flush(site)
    assert result.pages == {"login": 2, "account": 2, "manage": 1}
    stored = Path(site.registry.settings["zodbconn.uri.statistics"][7:]).read_bytes()
    assert b"an@example.be" not in stored


def test_visit_durations_are_bucketed_and_their_median_kept(site):
    clock = site.registry.shopcms_clock
    # Its 36 minutes within one day: a visit also ends at midnight (a new day's secret).
    clock.advance_to(12, site.registry.shopcms_timezone)
    short, long_, single = counted(
        site, ("192.0.2.1", FIREFOX), ("192.0.2.2", CHROME), ("192.0.2.3", IPHONE)
    )
    short.get("/nl/")
    long_.get("/nl/")
    single.get("/nl/")
    clock.advance(seconds=45)
    short.get("/nl/products/")
    clock.advance(seconds=255)
    long_.get("/nl/products/")
    # Back after more than 30 minutes without a page: a new visit.
    clock.advance(minutes=31)
    short.get("/nl/")
    result = flush(site)
    assert (result.visits, result.pageviews) == (4, 6)
    assert result.durations == {"30 s–1 min": 1, "3–10 min": 1, "0–10 s": 2}
    # 0, 0, 45 and 300 seconds: the median lies in the first second, interpolated.
    assert result.median_duration == pytest.approx(1.0)


def test_a_new_day_is_a_new_visit(site):
    clock = site.registry.shopcms_clock
    (visitor,) = counted(site, ("192.0.2.1", FIREFOX))
    visitor.get("/nl/")
    clock.advance(days=1)
    visitor.get("/nl/")
    result = flush(site)
    assert [(row.visits, row.pageviews) for row in result.days] == [(1, 1), (1, 1)]
    assert result.days[1].day - result.days[0].day == timedelta(days=1)


def flushes(site):
    """How many flushes of counts the statistics database holds (the day's secret and its
    visits are written by transactions of their own)."""
    storage = site.registry._zodb_databases["statistics"].storage
    return sum(t.description == b"shopcms: statistics flush" for t in storage.iterator())


def test_enough_page_views_are_saved_without_waiting_for_the_interval(tmp_path):
    site = stats_site(tmp_path, **{"shopcms.statistics.flush_events": "100"})
    try:
        before = flushes(site)
        (visitor,) = counted(site, ("192.0.2.1", FIREFOX))
        recorder = get_recorder(site.registry)
        for _ in range(250):
            visitor.get("/nl/")
        # The flusher is woken at 100 waiting page views; how many it then takes depends on
        # how fast this machine lets it run (one flush of all 250 or one per hundred), but
        # it leaves fewer than 100 waiting long before the hour-long interval.
        deadline = time.monotonic() + 30
        while flushes(site) == before or recorder.tally.events >= 100:
            assert time.monotonic() < deadline, "the flusher did not flush"
            time.sleep(0.05)
        # Never a flush per page view: at most one per 100.
        assert before + 1 <= flushes(site) <= before + 2
        assert flush(site).pageviews == 250
    finally:
        site.close()


def test_a_wake_up_without_enough_page_views_writes_nothing(tmp_path):
    # Page views that arrive while a flush takes the waiting ones wake the flusher again
    # (CI, stop 28: three flushes for 250 views); it must not then write what is left.
    site = stats_site(tmp_path, **{"shopcms.statistics.flush_events": "100"})
    try:
        (visitor,) = counted(site, ("192.0.2.1", FIREFOX))
        recorder = get_recorder(site.registry)
        for _ in range(5):
            visitor.get("/nl/")
        before = flushes(site)
        recorder._wake.set()  # as a page view during the last flush leaves it
        deadline = time.monotonic() + 2
        while recorder._wake.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # (what a flush would take)
        assert flushes(site) == before
        assert recorder.tally.events == 5  # still waiting for the interval or the hundred
    finally:
        site.close()


# -- acceptance 4 and 5: 2,000 requests of 200 visitors -------------------------------------

PATHS = (
    "/nl/",
    "/nl/products/",
    f"/nl/products/{PRODUCT}",
    "/nl/privacy",
    "/en/",
    "/en/products/",
    "/fr/",
    "/nl/cookies",
    "/nl/products/aloe-vera",
    "/en/terms",
)


def address(n):
    """200 addresses in 200 networks: IPv4 (198.18.0.0/15) and IPv6 (2001:db8::/32)."""
    if n % 2:
        return f"198.{18 + n % 2}.{n}.{(n * 37) % 250 + 2}"
    return f"2001:db8:{n:x}:{n * 7:x}::{n * 13:x}"


def agent(n):
    """200 different User-Agent headers of common browsers."""
    if n % 3 == 0:
        return f"Mozilla/5.0 (X11; Linux x86_64; rv:{100 + n}.0) Gecko/20100101 Firefox/{100 + n}.0"
    if n % 3 == 1:
        return (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{90 + n % 40}.0.{6000 + n}.{n} Safari/537.36"
        )
    return (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_{n % 9} like Mac OS X) AppleWebKit/605.1.15 "
        f"(KHTML, like Gecko) Version/17.{n % 9} Mobile/15E{n} Safari/604.1"
    )


def forms_of_the_address(n):
    """Every way the address or its network could have been written down."""
    ip = ipaddress.ip_address(address(n))
    network = ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False)
    texts = {str(ip), ip.exploded, str(network), str(network.network_address)}
    texts.add(network.network_address.exploded)
    if ip.version == 4:
        texts.add(".".join(str(ip).split(".")[:3]) + ".")
    return {text.encode() for text in texts}, {ip.packed, network.network_address.packed}


@pytest.fixture(scope="module")
def traffic(tmp_path_factory):
    """200 visitors, 10 pages each; half of them with a consent cookie allowing statistics,
    half without any cookie (counted: ``count_undecided``) and served from the shared
    cache after the first of each page."""
    folder = tmp_path_factory.mktemp("traffic")
    site = stats_site(folder, **{"shopcms.statistics.count_undecided": "true"})
    databases = site.registry._zodb_databases
    main, statistics_db = databases[""], databases["statistics"]
    cookie = consent(site, Category.STATISTICS)
    before = main.lastTransaction(), statistics_db.lastTransaction()
    transactions_before = len(list(statistics_db.storage.iterator()))
    for n in range(200):
        visitor = Visitor(site, address(n), agent(n), cookie if n % 2 else None)
        for path in PATHS:
            visitor.get(path)
    after = main.lastTransaction(), statistics_db.lastTransaction()
    keys = list(get_recorder(site.registry).tally._visits)
    transactions = len(list(statistics_db.storage.iterator()))
    committed = get_recorder(site.registry).flush(everything=True)
    flushed = main.lastTransaction(), len(list(statistics_db.storage.iterator()))
    with open_statistics(site.registry) as root:
        result = report(root, *EVER)
    site.close()
    yield {
        "folder": folder,
        "before": before,
        "after": after,
        "flushed": flushed,
        "transactions": transactions,
        "transactions_before": transactions_before,
        "committed": committed,
        "report": result,
        "keys": keys,
    }


def test_the_2000_requests_are_all_counted(traffic):
    result = traffic["report"]
    assert (result.visits, result.pageviews) == (200, 2000)
    assert result.pages == {
        "home": 600,  # nl, en, fr
        "products": 400,
        f"product:{PRODUCT}": 200,
        "product:aloe-vera": 200,
        "privacy": 200,
        "cookies": 200,
        "terms": 200,
    }
    assert result.devices == {"desktop": 134, "mobile": 66}


def test_no_address_network_or_user_agent_is_in_any_database(traffic):
    files = [
        path
        for path in traffic["folder"].iterdir()
        if path.name.startswith(("Data.fs", "Statistics.fs"))
    ]
    assert {"Data.fs", "Statistics.fs"} <= {path.name for path in files}
    for path in files:
        stored = path.read_bytes()
        for n in range(200):
            texts, packed = forms_of_the_address(n)
            for text in texts | {agent(n).encode()}:
                assert text not in stored, (path.name, text)
            if path.name.startswith("Statistics.fs"):  # small: 4-6 bytes cannot match by chance
                for value in packed:
                    assert value not in stored, (path.name, n)
        # Nor a whole visit key (the day's set of visits keeps the first 16 bytes of each
        # until the day is over: tests/storage/test_shared_days.py).
        for key in traffic["keys"]:
            assert key not in stored
    assert len(traffic["keys"]) == 200


def test_get_requests_commit_only_the_days_secret_and_a_flush_is_two_transactions(traffic):
    main_before, analytics_before = traffic["before"]
    # 2,000 GETs: no commit in the main database, one in the statistics database (the day's
    # secret, made by the first page counted that day).
    assert traffic["after"][0] == main_before
    assert traffic["transactions_before"] + 1 == traffic["transactions"]
    main_after, transactions_after = traffic["flushed"]
    assert traffic["committed"] is True
    assert main_after == main_before  # the shared pages stay valid
    # The flush: the day's new visits claimed, then the counts.
    assert transactions_after == traffic["transactions"] + 2
