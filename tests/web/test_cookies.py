"""The cookie registry: declared cookies only, with their declared attributes."""

import itertools
import time
from http.cookies import SimpleCookie

import pytest
from pyramid import testing
from pyramid.events import NewResponse
from pyramid.response import Response

from shopcms.web.cookies import (
    Category,
    UndeclaredCookie,
    check_response_cookies,
    delete_cookie,
    set_cookie,
)


def make_config(**settings):
    config = testing.setUp(settings={"shopcms.session.cookie_name": "session", **settings})
    config.include("shopcms.web.cookies")
    return config


@pytest.fixture
def config():
    yield make_config(**{"shopcms.cookies.secure": "true", "shopcms.cookies.strict": "true"})
    testing.tearDown()


def test_every_cookie_has_a_category_purpose_and_reason(site):
    # What the packages of the application declare (web, privacy, products, reviews).
    cookies = site.registry.shopcms_cookies
    necessary = {c.name for c in cookies if c.category is Category.NECESSARY}
    assert necessary == {
        "session",
        "language",
        "cart",
        "wishlist",
        "compare",
        "cookie_consent",
        "device",
        "reviews_helpful",
    }
    assert {c.name for c in cookies if c.needs_consent} == {"recent", "known_visitor"}
    for cookie in cookies:
        assert cookie.purpose and cookie.reason


def test_set_cookie_uses_the_declaration(config):
    request = testing.DummyRequest(registry=config.registry)
    response = Response()
    set_cookie(request, response, "language", "fr")
    morsel = SimpleCookie(response.headers["Set-Cookie"])["language"]
    assert morsel.value == "fr"
    assert morsel["max-age"] == str(365 * 24 * 3600)
    assert morsel["httponly"] and morsel["secure"]
    assert morsel["samesite"] == "Lax"


def test_undeclared_names_cannot_be_set(config):
    request = testing.DummyRequest(registry=config.registry)
    with pytest.raises(KeyError):
        set_cookie(request, Response(), "tracker", "1")


def test_delete_cookie_expires_it(config):
    request = testing.DummyRequest(registry=config.registry)
    response = Response()
    delete_cookie(request, response, "language")
    assert "Max-Age=0" in response.headers["Set-Cookie"]


def test_strict_mode_raises_on_an_undeclared_cookie(config):
    request = testing.DummyRequest(registry=config.registry)
    response = Response()
    response.set_cookie("tracker", "1")
    with pytest.raises(UndeclaredCookie):
        check_response_cookies(NewResponse(request, response))


def test_lenient_mode_drops_only_the_undeclared_cookie():
    config = make_config()
    try:
        request = testing.DummyRequest(registry=config.registry)
        response = Response()
        response.set_cookie("tracker", "1")
        set_cookie(request, response, "language", "nl")
        check_response_cookies(NewResponse(request, response))
        headers = response.headers.getall("Set-Cookie")
        assert len(headers) == 1 and headers[0].startswith("language=nl")
    finally:
        testing.tearDown()


def test_a_cookie_cannot_be_declared_twice(config):
    with pytest.raises(ValueError):
        config.add_cookie("language", Category.NECESSARY, purpose="x", reason="y", lifetime=None)


@pytest.mark.parametrize(
    "header",
    [
        "a=b; c=d",
        "cookie_consent=20261207T112043Z|functional-statistics|cookies:nl:1.aYOp-_; recent=3.-Jg",
        "a=b;c=d",
        'a="x y"; b=1',
        "path=1; a=2",  # a name WebOb takes for an attribute
        "Max-Age=1; a=2",
        "a=b=c; a=2",  # the last of two wins
        "a=; b=",
        "$x=1; y=2",
        "\u00e9=1",
        "a=b ; c=d",
        "a=b,c=d",
        "a=%20b; c=\\012",
        "",
    ],
)
def test_the_page_caches_cookie_reading_is_webobs(header):
    # A page filled from its skeleton must see the cookies the full rendering sees.
    from webob.cookies import RequestCookies

    from shopcms.web.cookies import parsed

    assert parsed({"HTTP_COOKIE": header}) == dict(RequestCookies({"HTTP_COOKIE": header}))


def test_cookies_read_once_are_what_webob_finds_in_the_environ():
    from webob import Request

    from shopcms.web.cookies import parsed

    environ = {"HTTP_COOKIE": "a=1; b=2"}
    found = parsed(environ)
    assert Request(environ).cookies["b"] == "2" and parsed(environ) is found
    environ["HTTP_COOKIE"] = "a=3"  # a changed header is read again
    assert parsed(environ) == {"a": "3"} == dict(Request(environ).cookies)


#: Values of every kind: the site's own (written from the template) and values WebOb quotes.
VALUES = ("plain.signed-value_1|2:3=", "needs quoting; yes", "é", "a,b", "")


@pytest.mark.filterwarnings("ignore:Cookie value contains invalid bytes")
def test_set_cookie_writes_what_webob_writes(site):
    # The template (``web.cookies._template``) is WebOb's header without the value and date:
    # for every declared cookie, whatever the value, the header is the one WebOb writes.
    cookies = site.registry.shopcms_cookies
    request = testing.DummyRequest()
    request.registry = site.registry
    was = cookies.secure
    try:
        for secure, value, decl in itertools.product((False, True), VALUES, list(cookies)):
            cookies.secure = secure
            while True:
                ours, webobs = Response(), Response()
                second = int(time.time())
                set_cookie(request, ours, decl.name, value)
                webobs.set_cookie(
                    decl.name,
                    value,
                    max_age=int(decl.lifetime.total_seconds()) if decl.lifetime else None,
                    path=decl.path,
                    secure=secure,
                    httponly=decl.httponly,
                    samesite=decl.samesite,
                )
                if int(time.time()) == second:  # (the same expiry date)
                    break
            assert ours.headers.getall("Set-Cookie") == webobs.headers.getall("Set-Cookie")
    finally:
        cookies.secure = was
