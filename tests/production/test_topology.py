"""The production topology at work: Debian's nginx with TLS (deploy/nginx/shopcms.conf) in
front of two shopcms processes on one ZEO server, spoken to over HTTPS as a browser would.

What it proves: HSTS and Secure cookies on HTTPS; Pyramid's Origin check, which applies only
to requests the app knows came over HTTPS; the visitor's own address seen by the shop (not
nginx's, not one the visitor made up); shared pages cached per scheme and host, so no page
carries another host's links; static files, gzip and HTTP/2 from nginx; and a checkout load
shared by both processes with every acknowledged order stored once.
"""

import re
import socket
import ssl

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.concurrency.test_checkout_race import PRODUCT, Customer, all_at_once, hidden

ALTERNATE = re.compile(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"')
LISTING = "/nl/products/"


class FromAddress(HTTPAdapter):
    """Connections made from a given local address (127.0.0.0/8 is all this machine)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(topology, address=None):
    http = requests.Session()
    http.trust_env = False  # REQUESTS_CA_BUNDLE would replace the certificate given here
    http.verify = topology.cert
    http.headers["Origin"] = topology.base
    if address:
        http.mount("https://", FromAddress(address))
    return http


@pytest.fixture
def trust_certificate(topology, monkeypatch):
    """requests.Session() anywhere (the race test's Customer) trusts the test's certificate."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", topology.cert)


def set_cookies(response):
    return response.raw.headers.getlist("Set-Cookie")


def add_to_cart(http, base):
    page = http.get(f"{base}/nl/products/{PRODUCT}", timeout=30).text
    return http.post(
        f"{base}/nl/cart",
        data={"csrf_token": hidden(page, "csrf_token"), "op": "add", "pid": hidden(page, "pid")},
        allow_redirects=False,
        timeout=30,
    )


def test_https_answers_carry_hsts_and_cookies_are_secure(topology):
    http = browser(topology)
    page = http.get(topology.base + LISTING, timeout=30)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    added = add_to_cart(http, topology.base)
    assert added.status_code == 303, added.text
    cookies = set_cookies(added)
    assert cookies, "adding to the cart starts a session"
    for cookie in cookies:
        attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "secure" in attributes, cookie
        assert "httponly" in attributes, cookie
    # Plain HTTP only redirects to HTTPS.
    plain = requests.get(
        f"http://127.0.0.1:{topology.nginx.http_port}{LISTING}", allow_redirects=False, timeout=30
    )
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://127.0.0.1{LISTING}"


def test_a_post_from_another_origin_is_refused_on_https(topology):
    http = browser(topology)
    assert add_to_cart(http, topology.base).status_code == 303
    cart = http.get(f"{topology.base}/nl/cart", timeout=30).text
    token = hidden(cart, "csrf_token")  # the session's own token: only the Origin differs
    assert not token.startswith("s.")

    def post(origin):
        data = {"csrf_token": token, "op": "add", "pid": hidden(cart, "pid")}
        return http.post(
            f"{topology.base}/nl/cart",
            data=data,
            headers={"Origin": origin, "Referer": f"{origin}/nl/cart"},
            allow_redirects=False,
            timeout=30,
        )

    for foreign in ("https://evil.example", f"http://127.0.0.1:{topology.nginx.https_port}"):
        refused = post(foreign)
        assert refused.status_code == 400, (foreign, refused.status_code)
        assert "This form has expired" in refused.text or "formulier" in refused.text
    assert post(topology.base).status_code == 303


@pytest.mark.parametrize("address", ["127.0.0.2", "127.0.0.3"])
def test_the_shop_sees_the_visitors_address_not_the_proxys(topology, address):
    http = browser(topology, address)
    # Whatever the visitor claims in X-Forwarded-For, nginx appends the address it saw, and
    # waitress trusts only that last one (trusted_proxy_count = 1).
    for claimed in ({}, {"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}):
        seen = http.get(f"{topology.base}/nl/test-seen", headers=claimed, timeout=30).json()
        assert seen["remote_addr"] == address  # what the statistics key visits on
        assert seen["client_addr"] == address  # what the login throttle counts
        assert seen["scheme"] == "https"
        assert seen["host_url"] == topology.base


def test_shared_pages_are_cached_per_scheme_and_host(topology):
    # Each process's cache gets the listing as rendered for another scheme and host, as if
    # another proxy (trusted: 127.0.0.1) had asked over plain HTTP.
    internal = {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "shop.internal:8080"}
    for shop in topology.shops:
        for _ in range(2):  # the second is answered by the cache
            direct = requests.get(shop.base + LISTING, headers=internal, timeout=30)
            assert direct.status_code == 200
            links = ALTERNATE.findall(direct.text)
            assert links and all(link.startswith("http://shop.internal:8080/") for link in links)
    for host, base in (
        (None, topology.base),
        (
            f"localhost:{topology.nginx.https_port}",
            f"https://localhost:{topology.nginx.https_port}",
        ),
    ):
        for _ in range(4):  # both processes answer some
            page = requests.get(
                topology.base + LISTING,
                headers={"Host": host} if host else {},
                verify=topology.cert,
                timeout=30,
            )
            assert page.status_code == 200
            links = ALTERNATE.findall(page.text)
            assert links and all(link.startswith(base + "/") for link in links), links


def test_static_files_gzip_and_http2_come_from_nginx(topology):
    css = requests.get(
        f"{topology.base}/static/style.css",
        headers={"Accept-Encoding": "gzip"},
        verify=topology.cert,
        timeout=30,
    )
    assert css.status_code == 200
    assert css.headers["Content-Encoding"] == "gzip"
    # nginx's `expires 7d` (the application's static view would say max-age=3600).
    assert css.headers["Cache-Control"] == "max-age=604800"
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    # No shop process was asked (the static location keeps no access log; a proxied request
    # would be logged with its upstream).
    assert not re.search(r"/static/\S+ .*upstream=\d", topology.nginx.access_log())
    # Pages come compressed by the application itself (shopcms.web.compression: brotli
    # when the client accepts it, as requests does with brotli installed; else gzip).
    page = requests.get(topology.base + LISTING, verify=topology.cert, timeout=30)
    assert page.headers["Content-Encoding"] in ("br", "gzip")
    context = ssl.create_default_context(cafile=topology.cert)
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", topology.nginx.https_port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_a_checkout_load_is_shared_by_both_processes(topology, trust_certificate, tmp_path):
    page = requests.get(f"{topology.base}/nl/products/{PRODUCT}", timeout=30).text
    pid = hidden(page, "pid")
    customers = [Customer(topology.base, pid) for _ in range(16)]
    answers = all_at_once([customer.place for customer in customers])
    assert [answer.status_code for answer in answers] == [303] * 16
    numbers = sorted(answer.headers["Location"].split("/")[-2] for answer in answers)
    assert len(set(numbers)) == 16
    assert all(a.headers["Location"].startswith(topology.base + "/") for a in answers)
    # Which process answered each checkout, from nginx's log (upstream=127.0.0.1:PORT).
    checkouts = re.compile(r'"POST /nl/checkout [^"]*" 303 .*? upstream=([\d.:]+)')
    log = topology.nginx.access_log(until=lambda log: len(checkouts.findall(log)) >= 16)
    served = checkouts.findall(log)
    ports = {shop.base.rsplit(":", 1)[1] for shop in topology.shops}
    by_process = {port: sum(s.endswith(":" + port) for s in served) for port in ports}
    assert sum(by_process.values()) == 16
    assert all(count > 0 for count in by_process.values()), by_process
    # Every acknowledged order is stored, once; no other order was placed.
    with topology.storage.root(tmp_path / "reader") as root:
        assert sorted(root["site"]["orders"].keys()) == numbers
