"""Locale negotiation, per-language values with fallback, and localized paths."""

import pytest
from pyramid import testing
from pyramid.request import Request

from shopcms.web.i18n import (
    negotiate_locale_name,
    parse_languages,
    pick,
)


@pytest.fixture
def registry():
    config = testing.setUp(settings={"shopcms.languages": "nl fr en"})
    config.include("shopcms.web.i18n")
    yield config.registry
    testing.tearDown()


def make_request(registry, path="/", matchdict=None, cookie=None, accept=None, locale=None):
    headers = {}
    if cookie:
        headers["Cookie"] = f"language={cookie}"
    if accept:
        headers["Accept-Language"] = accept
    request = Request.blank(path, headers=headers)
    request.registry = registry
    request.matchdict = matchdict or {}
    if locale:
        request.locale_name = locale
    return request


def test_url_language_wins(registry):
    request = make_request(registry, matchdict={"lang": "en"}, cookie="fr", accept="nl")
    assert negotiate_locale_name(request) == "en"


def test_cookie_then_header_then_default(registry):
    assert negotiate_locale_name(make_request(registry, cookie="fr", accept="en")) == "fr"
    assert negotiate_locale_name(make_request(registry, accept="en-GB,fr;q=0.5")) == "en"
    assert negotiate_locale_name(make_request(registry, accept="de")) == "nl"
    assert negotiate_locale_name(make_request(registry)) == "nl"


def test_unknown_values_never_become_the_locale(registry):
    request = make_request(registry, cookie="../../etc", accept="xx")
    assert negotiate_locale_name(request) == "nl"


def test_pick_falls_back_in_configured_order(registry):
    values = {"fr": "Bonjour", "en": "Hello"}
    assert pick(values, make_request(registry, locale="en")) == ("en", "Hello")
    assert pick(values, make_request(registry, locale="nl")) == ("fr", "Bonjour")
    assert pick({}, make_request(registry, locale="nl")) == (None, None)
    assert pick(values, make_request(registry, locale="nl"), fallback=False) == (None, None)


def test_the_switcher_and_hreflang_keep_the_page_and_its_query(app):
    page = app.get("/fr/products/", {"q": "cactus", "sort": "price"})
    switcher = {a["hreflang"]: a["href"] for a in page.html.select("nav.languages a")}
    assert switcher["nl"] == "/nl/language?next=/nl/products/%3Fq%3Dcactus%26sort%3Dprice"
    assert switcher["fr"] == "/fr/products/?q=cactus&sort=price"  # the current language
    # hreflang names canonical pages: the listing in each language, not the search.
    alternates = {link["hreflang"]: link["href"] for link in page.html.select("link[hreflang]")}
    assert alternates["en"] == "http://localhost/en/products/"
    assert page.html.select_one("link[rel=canonical]")["href"] == "http://localhost/fr/products/"
    # A page that is not a folder has no trailing slash in any language.
    about = app.get("/fr/pages/about")
    assert about.html.select_one('nav.languages a[hreflang="en"]')["href"] == (
        "/en/language?next=/en/pages/about"
    )


def test_languages_setting():
    assert parse_languages("fr en") == ("fr", "en")
    assert parse_languages("") == ("nl", "fr", "en")
