"""The production server (``shopcms.web.serving``): waitress whose event loop answers the
pages the page cache holds for visitors it serves by their session alone (anonymous,
with a cart, a customer's login).  So those pages are answered even while every worker
thread is busy, with the bytes the threads would give; a page to render, a staff login, a
notice to show and a POST wait for a thread; a connection's requests are
answered in their order.  Each test runs a real waitress server with one worker thread,
kept busy by a request the test holds."""

import http.client
import socket
import threading

import pytest
from webtest import TestApp

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, login, start_session, unmasked
from tests.liveserver import serving

KEPT = "/nl/products/mug-cafe"
OTHER = "/nl/products/echinocactus-grusonii"


class Holding:
    """The site's application, except that a POST to ``/held`` keeps its thread until
    released (a POST: the loop never answers one)."""

    def __init__(self, wsgi):
        self.wsgi, self.registry = wsgi, wsgi.registry
        self.entered, self.released = threading.Event(), threading.Event()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] != "/held" or environ["REQUEST_METHOD"] != "POST":
            return self.wsgi(environ, start_response)
        self.entered.set()
        self.released.wait(30)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"released"]


def get(base, path, headers=None, timeout=10, method="GET"):
    """``(status, body)`` of a GET (or ``method``) on its own connection."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Pending:
    """A GET (or ``method``) sent from a thread of its own: :attr:`done` once answered."""

    def __init__(self, base, path, headers=None, method="GET"):
        self.done, self.answer = threading.Event(), None

        def run():
            self.answer = get(base, path, headers, timeout=60, method=method)
            self.done.set()

        threading.Thread(target=run, daemon=True).start()


@pytest.fixture
def busy(site):
    """``(base URL, holding app)``: a server with one worker thread, that thread held."""
    app = Holding(site.wsgi)
    with serving(app, threads=1) as base:
        get(base, KEPT)  # rendered by the thread, kept by the cache
        held = Pending(base, "/held", method="POST")
        assert app.entered.wait(10)
        try:
            yield base, app
        finally:
            app.released.set()
            assert held.done.wait(10)


def test_a_kept_page_is_answered_while_every_thread_is_busy(site, busy):
    base, app = busy
    status, body = get(base, KEPT, timeout=5)
    assert status == 200
    assert "Mok Café Cactus" in body.decode()
    assert not app.released.is_set()
    # The same page as a thread gives once it is free.
    app.released.set()
    assert unmasked(get(base, KEPT)[1]) == unmasked(body)


def test_a_visitor_with_consent_cookies_is_served_on_the_loop_too(site, busy):
    base, _app = busy
    status, body = get(base, KEPT, {"Cookie": "cookie_consent=garbled"}, timeout=5)
    assert status == 200
    assert "Mok Café Cactus" in body.decode()


@pytest.mark.parametrize(
    "path, headers",
    [
        (OTHER, {}),  # not kept: it must be rendered
        (KEPT, {"Cookie": "session=abc"}),  # a session cookie that is none of ours
        (KEPT, {"Authorization": "Basic eDp5"}),
    ],
    ids=["page-to-render", "invalid-session", "credentials"],
)
def test_what_the_loop_does_not_answer_waits_for_a_thread(site, busy, path, headers):
    base, app = busy
    waiting = Pending(base, path, headers)
    assert not waiting.done.wait(1.5)  # the loop did not render it meanwhile
    app.released.set()
    assert waiting.done.wait(30)
    assert waiting.answer[0] in (200, 401)


def cookie_header(app):
    return "; ".join(f"{name}={value}" for name, value in app.cookies.items())


def test_a_visitor_with_a_cart_is_served_on_the_loop(site, busy):
    # A session that is no login, its notice ("added to your cart") already shown.
    base, app = busy
    shopper = TestApp(site.wsgi)
    start_session(shopper)
    shopper.get(KEPT)
    cookie = {"Cookie": cookie_header(shopper)}
    status, body = get(base, KEPT, cookie, timeout=5)
    assert status == 200
    assert not app.released.is_set()
    app.released.set()
    assert unmasked(get(base, KEPT, cookie)[1]) == unmasked(body)


def test_a_customers_login_is_served_on_the_loop(site, busy):
    base, app = busy
    site.add_account("klant@example.be")
    customer = TestApp(site.wsgi)
    login(customer, "klant@example.be", PASSWORD)
    customer.get(KEPT)  # whatever notice the login left, shown
    cookie = {"Cookie": cookie_header(customer)}
    status, body = get(base, KEPT, cookie, timeout=5)
    assert status == 200
    assert not app.released.is_set()
    app.released.set()
    thread_body = get(base, KEPT, cookie)[1]
    assert unmasked(thread_body) == unmasked(body)
    assert unmasked(body) != unmasked(get(base, KEPT)[1])  # not the anonymous page


def test_a_staff_login_and_a_waiting_notice_wait_for_a_thread(site, busy):
    base, app = busy
    staff, shopper = TestApp(site.wsgi), TestApp(site.wsgi)
    login(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    start_session(shopper)  # its notice is still to be shown
    waiting = [Pending(base, KEPT, {"Cookie": cookie_header(who)}) for who in (staff, shopper)]
    assert not any(pending.done.wait(1.5) for pending in waiting)
    app.released.set()
    assert all(pending.done.wait(30) for pending in waiting)
    assert [pending.answer[0] for pending in waiting] == [200, 200]


def test_a_post_waits_for_a_thread(site, busy):
    base, app = busy
    waiting = Pending(base, KEPT, {"Content-Length": "0"}, method="POST")
    assert not waiting.done.wait(1.5)
    app.released.set()
    assert waiting.done.wait(30)


def test_pipelined_requests_are_answered_in_their_order(site):
    """One write with three requests: a page to render, a kept page, a page to render."""
    with serving(site.wsgi, threads=2) as base:
        get(base, KEPT)
        host, port = base.removeprefix("http://").split(":")
        paths = [OTHER, KEPT, "/nl/products/opuntia-microdasys"]
        raw = "".join(f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n" for p in paths)
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(raw.encode())
            stream = sock.makefile("rb")
            titles = []
            for _path in paths:
                status = stream.readline()
                assert status.startswith(b"HTTP/1.1 200"), status
                length = 0
                while (line := stream.readline()) != b"\r\n":
                    name, _colon, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                body = stream.read(length).decode()
                titles.append(body[body.index("<title>") : body.index("</title>")])
    assert "Schoonmoedersstoel" in titles[0]
    assert "Mok Café Cactus" in titles[1]
    assert "Konijnenoortjes" in titles[2]


def test_behind_the_proxy_the_loop_answers_the_page_of_the_forwarded_address(site):
    """The proxy's headers are read as the server's middleware reads them: the page kept
    for https://shop.example is the one answered, with its links."""
    app = Holding(site.wsgi)
    proxy = {
        "trusted_proxy": "127.0.0.1",
        "trusted_proxy_headers": "x-forwarded-proto x-forwarded-host",
        "clear_untrusted_proxy_headers": True,
    }
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop.example"}
    with serving(app, threads=1, **proxy) as base:
        get(base, KEPT, forwarded)
        held = Pending(base, "/held", method="POST")
        assert app.entered.wait(10)
        try:
            status, body = get(base, KEPT, forwarded, timeout=5)
            assert status == 200
            assert 'href="https://shop.example/' in body.decode()
            # Another address is another page: not kept yet, so it waits.
            plain = Pending(base, KEPT)
            assert not plain.done.wait(1.5)
        finally:
            app.released.set()
        assert held.done.wait(10) and plain.done.wait(30)
        assert 'href="https://shop.example/' not in plain.answer[1].decode()
