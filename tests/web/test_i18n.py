"""Locale negotiation, per-language values with fallback, and localized paths."""

import pytest
from pyramid import testing
from pyramid.request import Request

from shopcms.web.i18n import (
    localized_path,
    negotiate_locale_name,
    parse_languages,
    pick,
    switch_path,
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


def test_localized_path_keeps_the_page(registry):
    request = make_request(registry, path="/fr/pages/about")
    request.path_info = "/fr/pages/about"
    assert localized_path(request, "nl") == "/nl/pages/about"
    request.path_info = "/"
    assert localized_path(request, "en") == "/en/"


def test_the_switcher_keeps_the_query_of_the_page(registry):
    request = make_request(registry, path="/fr/manage/pages/about/edit?lang=en&compare=nl")
    request.path_info = "/fr/manage/pages/about/edit"
    assert localized_path(request, "nl") == "/nl/manage/pages/about/edit?lang=en&compare=nl"
    assert switch_path(request, "nl") == (
        "/nl/language?next=/nl/manage/pages/about/edit%3Flang%3Den%26compare%3Dnl"
    )


def test_languages_setting():
    assert parse_languages("fr en") == ("fr", "en")
    assert parse_languages("") == ("nl", "fr", "en")
