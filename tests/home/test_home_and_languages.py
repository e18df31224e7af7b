"""Language-first URLs, negotiation at /, hreflang and the switcher (acceptance 1)."""

import pytest

WELCOME = {
    "nl": "Welkom bij Soft Cactus",
    "fr": "Bienvenue chez Soft Cactus",
    "en": "Welcome to Soft Cactus",
}


def test_root_redirects_to_dutch_by_default(app):
    response = app.get("/", status=302)
    assert response.location.endswith("/nl/")
    assert "Accept-Language" in response.headers["Vary"]


def test_root_follows_accept_language(app):
    response = app.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"}, status=302)
    assert response.location.endswith("/fr/")


def test_language_cookie_wins_over_accept_language(app):
    app.set_cookie("language", "en")
    response = app.get("/", headers={"Accept-Language": "fr"}, status=302)
    assert response.location.endswith("/en/")


def test_unknown_language_in_cookie_or_header_falls_back_to_dutch(app):
    app.set_cookie("language", "de")
    response = app.get("/", headers={"Accept-Language": "de, es"}, status=302)
    assert response.location.endswith("/nl/")


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_home_in_each_language(app, lang):
    response = app.get(f"/{lang}/", status=200)
    assert f'<html lang="{lang}"' in response.text
    assert WELCOME[lang] in response.text
    alternates = {
        link["hreflang"]: link["href"] for link in response.html.select("link[rel=alternate]")
    }
    assert alternates == {
        "nl": "http://localhost/nl/",
        "fr": "http://localhost/fr/",
        "en": "http://localhost/en/",
        "x-default": "http://localhost/",
    }


def test_switcher_keeps_the_visitor_on_the_same_page(app):
    response = app.get("/fr/privacy", status=200)
    switcher = response.html.select("nav.languages a")
    # The other languages' links remember the choice on the way (see test_cookie_banner).
    assert [a["href"] for a in switcher] == [
        "/nl/language?next=/nl/privacy",
        "/fr/privacy",
        "/en/language?next=/en/privacy",
    ]
    assert response.html.select_one('nav.languages a[aria-current="true"]')["href"] == "/fr/privacy"


def test_switching_language_keeps_the_search_the_visitor_was_on(app):
    results = app.get("/fr/products/", {"q": "cactus", "sort": "price"})
    link = results.html.select_one('nav.languages a[hreflang="en"]')["href"]
    landed = app.get(link, status=303)
    assert landed.location.endswith("/en/products/?q=cactus&sort=price")
    assert landed.follow().html.select_one("input[name=q]")["value"] == "cactus"


def test_visiting_a_language_sets_no_cookie(app):
    # Browsing stays cookie-free: the language is in the URL.
    response = app.get("/fr/")
    assert "Set-Cookie" not in response.headers


def test_policy_pages_are_served_in_their_language(app):
    assert "Privacyverklaring" in app.get("/nl/privacy").text
    assert "Déclaration de confidentialité" in app.get("/fr/privacy").text
    assert "Terms and conditions" in app.get("/en/terms").text


def test_missing_translation_falls_back_with_a_notice(site, app):
    with site.edit() as root:
        del root["pages"]["about"].revisions["fr"]
    response = app.get("/fr/pages/about")
    assert "Over Soft Cactus" in response.text  # the default language's text
    assert response.html.select_one("article.page")["lang"] == "nl"
    notice = response.html.select_one("p.language-notice")
    assert notice is not None and notice.get("lang") is None  # in the visitor's language
    assert app.get("/nl/pages/about").html.select_one("p.language-notice") is None
