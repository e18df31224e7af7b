"""Shared pages: their skeletons come from memory, filled for each visitor; visitors without
any cookie start no session and carry a stateless CSRF token that works only from this
site; any change of the content shows at once."""

import time
from datetime import UTC, datetime, timedelta

from webob import Request
from webtest import TestApp

from shopcms.web import dependencies
from shopcms.web.csrf import HOUR
from shopcms.web.pagecache import CHANGES_AT, Entry, SharedPageCache
from shopcms.web.personal import parse
from shopcms.web.sharing import ENVIRON_KEY
from tests.conftest import start_session, unmasked
from tests.privacy.test_cookie_banner import click_banner


def fresh(site, **environ):
    """A new visitor: no cookies at all."""
    return TestApp(site.wsgi, extra_environ=environ)


def cache(site):
    return site.page_cache


def cart_form(page):
    return [f for f in page.forms.values() if f.action == "/nl/cart"][0]


def test_visitors_without_cookies_share_one_cached_page_and_no_session(site):
    first = fresh(site).get("/nl/products/mug-cafe")
    assert "Set-Cookie" not in first.headers
    assert len(cache(site)) == 1
    second = fresh(site).get("/nl/products/mug-cafe")
    assert unmasked(second.body) == unmasked(first.body)
    assert second.body != first.body  # the same tokens, masked anew (BREACH)
    assert "Set-Cookie" not in second.headers
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert len(cache(site)) == 1


def test_the_shared_pages_form_works_from_this_site(site):
    visitor = fresh(site)
    fresh(site).get("/nl/products/mug-cafe")  # now cached
    page = visitor.get("/nl/products/mug-cafe")
    cart_form(page).submit(status=303)  # WebTest sends the Referer, as a browser does
    assert "Mok Café Cactus" in visitor.get("/nl/cart").text


def test_the_stateless_token_is_refused_from_another_site(site):
    page = fresh(site).get("/nl/products/mug-cafe")
    token = cart_form(page)["csrf_token"].value
    params = {"csrf_token": token, "op": "add", "pid": cart_form(page)["pid"].value, "qty": "1"}
    attacker = fresh(site, HTTP_ORIGIN="https://evil.example")
    response = attacker.post("/nl/cart", params, status=400)
    assert response.html.select_one("h1").text.strip()
    # Without Origin and Referer nothing proves where the form came from.
    fresh(site).post("/nl/cart", params, status=400)
    # With this site's origin it is accepted.
    fresh(site, HTTP_ORIGIN="http://localhost").post("/nl/cart", params, status=303)


def test_a_browser_with_a_session_must_use_the_sessions_token(site, app):
    page = fresh(site).get("/nl/products/mug-cafe")
    stateless = cart_form(page)["csrf_token"].value
    start_session(app)
    params = {"csrf_token": stateless, "op": "add", "pid": cart_form(page)["pid"].value}
    app.post("/nl/cart", params, headers={"Origin": "http://localhost"}, status=400)


def test_forged_and_expired_stateless_tokens_are_refused(site):
    policy = site.registry.shopcms_csrf
    page = fresh(site).get("/nl/products/mug-cafe")
    pid = cart_form(page)["pid"].value
    old = policy.stateless_token(now=0)  # issued in 1970
    hour, mac = policy.stateless_token()[2:].split(".")
    forged = f"s.{hour}.{'0' * len(mac)}"
    later = f"s.{int(hour) + 48}.{mac}"
    for token in (old, forged, later, "s.x.y", "s."):
        fresh(site, HTTP_ORIGIN="http://localhost").post(
            "/nl/cart", {"csrf_token": token, "op": "add", "pid": pid}, status=400
        )
    assert policy.valid_stateless(policy.stateless_token(now=1000 * HOUR), now=1023 * HOUR)
    assert not policy.valid_stateless(policy.stateless_token(now=1000 * HOUR), now=1025 * HOUR)


def test_a_changed_product_shows_at_once(site):
    assert "13,50" in fresh(site).get("/nl/products/mug-cafe").text
    assert "13,50" in fresh(site).get("/nl/products/?category=gifts").text
    with site.edit() as root:
        mug = root["products"]["mug-cafe"]
        mug.set_price("11.00", mug.vat_rate)
        mug.changed()
    assert "11,00" in fresh(site).get("/nl/products/mug-cafe").text
    assert "11,00" in fresh(site).get("/nl/products/?category=gifts").text


def test_a_hidden_product_is_gone_from_the_cache_at_once(site):
    fresh(site).get("/nl/products/mug-cafe", status=200)
    with site.edit() as root:
        root["products"]["mug-cafe"].set_visibility(False)
    fresh(site).get("/nl/products/mug-cafe", status=404)


def test_a_cached_page_answers_its_validator_with_304(site):
    page = fresh(site).get("/nl/products/mug-cafe")
    again = fresh(site).get(
        "/nl/products/mug-cafe", headers={"If-None-Match": page.headers["ETag"]}, status=304
    )
    assert again.body == b""
    assert again.headers["ETag"] == page.headers["ETag"]


def test_visitors_with_state_see_their_own_page(site):
    visitor = fresh(site)
    fresh(site).get("/nl/products/")  # cached for visitors without cookies
    page = visitor.get("/nl/products/mug-cafe")
    cart_form(page).submit(status=303)
    listing = visitor.get("/nl/products/")
    assert listing.html.select_one(".cart-link .count").text == "(1)"
    assert fresh(site).get("/nl/products/").html.select_one(".cart-link .count") is None


def test_only_shared_pages_are_kept(site):
    fresh(site).get("/nl/login")  # a page with a session: never shared
    fresh(site).get("/nl/products/no-such-thing", status=404)
    fresh(site, HTTP_AUTHORIZATION="Basic eDp5").get("/nl/products/mug-cafe")
    assert len(cache(site)) == 0


def test_the_cache_is_bounded_in_bytes(site):
    pages = cache(site)
    fresh(site).get("/nl/products/", {"q": "a"})
    size = pages.size  # a skeleton: without its parts
    pages.clear()
    pages.max_bytes = int(size * 3.5)
    for query in ("a", "b", "c", "d", "e"):
        fresh(site).get("/nl/products/", {"q": query})
    assert len(pages) == 3
    assert pages.size <= pages.max_bytes


def test_entries_expire(site):
    cache(site).max_age = -1  # already expired when stored
    fresh(site).get("/nl/products/mug-cafe")
    fresh(site).get("/nl/products/mug-cafe")
    assert len(cache(site)) <= 1


def test_a_visitor_with_cookies_is_served_from_the_skeleton(site):
    visitor = fresh(site)
    click_banner(visitor, visitor.get("/nl/products/"), "accept")
    pages = cache(site)
    fresh(site).get("/nl/products/mug-cafe")  # the skeleton, kept
    kept, hits = len(pages), pages.hits
    page = visitor.get("/nl/products/mug-cafe")
    assert pages.hits == hits + 1 and not pages.declined
    assert page.html.select_one("#cookie-banner") is None  # their choice is made
    assert "ETag" not in page.headers and page.headers["Cache-Control"] == "no-store"
    assert int(page.headers["Content-Length"]) == len(page.body)
    # Without cookies: the banner, and the validators.
    anonymous = fresh(site).get("/nl/products/mug-cafe")
    assert anonymous.html.select_one("#cookie-banner") is not None
    assert anonymous.headers["ETag"]
    assert len(pages) == kept


def test_a_visitor_who_missed_gets_a_skeleton_kept_for_everyone(site):
    visitor = fresh(site)
    start_session(visitor)
    visitor.get("/nl/cart")  # shows the notice
    kept = len(cache(site))
    page = visitor.get("/nl/products/?category=gifts")
    assert page.html.select_one(".cart-link .count").text == "(1)"
    assert len(cache(site)) == kept + 1
    cart_count = (
        fresh(site).get("/nl/products/?category=gifts").html.select_one(".cart-link .count")
    )
    assert cart_count is None


def test_visitors_it_cannot_serve_go_to_the_application(site):
    pages = cache(site)
    fresh(site).get("/nl/products/mug-cafe")
    visitor = fresh(site)
    start_session(visitor)  # a notice waits in the session
    page = visitor.get("/nl/products/mug-cafe")
    assert pages.declined["flash"] == 1
    assert page.html.select_one(".notice")
    fresh(site, HTTP_COOKIE="session=forged").get("/nl/products/mug-cafe")
    assert pages.declined["session-invalid"] == 1


def test_a_head_request_is_answered_without_body(site):
    fresh(site).get("/nl/products/mug-cafe")
    answer = fresh(site).head("/nl/products/mug-cafe")
    assert answer.body == b"" and answer.status_int == 200


def test_a_skeleton_holds_its_parts_and_tokens():
    pieces = parse(b"a\x00part:0\x00b\x00csrf\x00c")
    assert pieces == [b"a", 0, b"b", -1, b"c"]
    assert parse(b"a\x00nothing\x00b") is None
    assert parse(b"a\x00b") is None


class Watcher:
    def __init__(self):
        self.changed = frozenset()

    def poll(self):
        changed, self.changed = self.changed, frozenset()
        return changed


def entry():
    return Entry(float("inf"), "200 OK", [], [b"page"], (), (), "nl")


def test_entries_are_dropped_when_a_record_they_read_changes():
    watcher = Watcher()
    pages = SharedPageCache(None, watcher, max_bytes=2**20, max_age=300, registry=object())
    since = pages.invalidate()
    pages.put("a", entry(), frozenset({b"1", b"2"}), since)
    pages.put("b", entry(), frozenset({b"3"}), since)
    pages.put("unknown", entry(), None, since)
    watcher.changed = frozenset({b"9"})  # an order, say: another record
    pages.invalidate()
    assert pages.get("a") and pages.get("b") and not pages.get("unknown")
    watcher.changed = frozenset({b"2"})
    pages.invalidate()
    assert not pages.get("a") and pages.get("b")
    watcher.changed = dependencies.EVERYTHING
    pages.invalidate()
    assert len(pages) == 0 and pages.size == 0


def test_a_page_rendered_while_its_records_changed_is_not_kept():
    watcher = Watcher()
    pages = SharedPageCache(None, watcher, max_bytes=2**20, max_age=300, registry=object())
    since = pages.invalidate()  # the look-up that missed
    watcher.changed = frozenset({b"1"})
    pages.invalidate()  # another thread's look-up, while the page renders
    pages.put("a", entry(), frozenset({b"1"}), since)
    pages.put("b", entry(), frozenset({b"2"}), since)
    assert not pages.get("a") and pages.get("b")


def test_an_entry_expires_when_its_page_changes_by_itself():
    renders, changes_in = [], [3600]

    def app(environ, start_response):
        # A shared page with a version scheduled to take effect (shopcms.pages).
        renders.append(environ["PATH_INFO"])
        environ[ENVIRON_KEY] = True
        environ[CHANGES_AT] = datetime.now(UTC) + timedelta(seconds=changes_in[0])
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"the policy"]

    pages = SharedPageCache(app, Watcher(), max_bytes=2**20, max_age=300, registry=object())
    for _ in range(2):
        assert Request.blank("/nl/cookies").get_response(pages).body == b"the policy"
    assert len(renders) == 1  # kept: the change is an hour away
    changes_in[0] = 0.05
    Request.blank("/nl/terms").get_response(pages)
    Request.blank("/nl/terms").get_response(pages)
    assert len(renders) == 2  # kept until the change...
    time.sleep(0.06)
    Request.blank("/nl/terms").get_response(pages)
    assert len(renders) == 3  # ...and not a moment longer, though max_age is 300 s
