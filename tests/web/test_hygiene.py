"""Hostile and malformed input is refused cleanly (issue 12, D2 and D6, acceptance 2).

Every reproduction of the issue answers 400 (a name with control characters: the form
again, with its message) or falls back to the page's default (a redirect target that is not
a clean path on this site), and nothing is logged as an error: no traceback.
"""

import logging

import pytest
from webtest import TestApp

from shopcms.web import errors, malformed
from shopcms.web.forms.types import Text, refused_character
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser
from tests.orders.test_checkout import (
    add_to_cart,
    checkout_form,
    fill,
    orders,
    place_form,
    review,
)

HEADINGS = {
    "nl": "De aanvraag kon niet worden verwerkt",
    "fr": "La demande n'a pas pu être traitée",
    "en": "The request could not be handled",
}


@pytest.fixture
def quiet(caplog):
    """Fails the test if anything was logged as an error (a traceback) while it ran."""
    caplog.set_level(logging.WARNING)
    yield caplog
    errors_logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors_logged] == []


def assert_bad_request(response, lang="nl"):
    assert response.status_int == 400, response.status
    assert response.content_type == "text/html"
    assert response.html.select_one("html")["lang"] == lang
    assert response.html.select_one("h1").text == HEADINGS[lang]
    assert response.html.select_one("header .logo") is not None  # the site's own layout


# -- D2: control characters in the checkout name -------------------------------------------


@pytest.mark.parametrize("name", ["Evil\r\nBcc: x", "J\x0bReply-To: x", "Evil\x0bX", "\x00"])
def test_a_name_with_control_characters_is_a_form_error(site, app, quiet, name):
    add_to_cart(app, "mug-cafe", 1)
    page = fill(checkout_form(app), name=name).submit(status=400)
    message = page.html.select_one("#checkout-contact-name-error").text
    assert "U+00" in message  # names the character: "(U+000B)"
    summary = page.html.select_one(".error-summary[role=alert]")
    assert [a["href"] for a in summary.select("a")] == ["#checkout-contact-name"]
    assert orders(site) == []


def test_a_name_cannot_be_slipped_into_the_last_step(site, app, quiet):
    add_to_cart(app, "mug-cafe", 1)
    form = place_form(review(app))
    form["accept_terms"] = True
    form["name"].force_value("Evil\x0bX")  # the review's hidden copy of the details
    response = form.submit(status=400)
    assert "U+000B" in response.text
    assert orders(site) == []


def test_an_odd_hidden_value_is_refused_with_a_summary(site, app, quiet):
    add_to_cart(app, "mug-cafe", 1)
    form = fill(checkout_form(app))
    form["step"].force_value("review\x00")
    response = form.submit(status=400)
    summary = response.html.select_one(".error-summary[role=alert]")
    assert summary.text.strip() == "Er klopte iets niet in de aanvraag."


@pytest.mark.parametrize(
    "text, multiline, refused",
    [
        ("Jan Peeters", False, None),
        ("Zoë Ñúñez-O'Brien 李", False, None),
        ("Jan\u00a0Peeters", False, None),  # a non-breaking space is honest text
        ("👩\u200d💻", False, None),  # the zero-width joiner of emoji sequences
        ("Line one\r\nline\ttwo", True, None),
        ("hyphen\u00adated", True, None),
        ("hyphen\u00adated", False, "\u00ad"),
        ("Line one\nline two", False, "\n"),
        ("tab\there", False, "\t"),
        ("\x85next line", True, "\x85"),  # C1
        ("\x7f", False, "\x7f"),
        ("gnp\u202eexe.txt", False, "\u202e"),  # right-to-left override
        ("a\u2066b", True, "\u2066"),  # bidi isolate
        ("zero\u200bwidth", False, "\u200b"),
        ("\ufeffbom", False, "\ufeff"),
        ("line\u2028separator", True, "\u2028"),
        ("private\ue000", False, "\ue000"),
        ("non\ufffecharacter", False, "\ufffe"),
        ("tag\U000e0041", False, "\U000e0041"),
    ],
)
def test_the_characters_refused(text, multiline, refused):
    assert refused_character(text, multiline) == refused


def test_text_is_limited_in_length():
    import colander

    node = colander.SchemaNode(Text())
    assert node.deserialize("x" * 1000) == "x" * 1000
    with pytest.raises(colander.Invalid):
        node.deserialize("x" * 1001)
    long_text = colander.SchemaNode(Text(multiline=True))
    assert len(long_text.deserialize("x\n" * 5000)) == 10_000


# -- D6: bytes that are not UTF-8 -------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_a_path_that_is_not_utf8_is_a_400_in_its_language(app, quiet, lang):
    assert_bad_request(app.get(f"/{lang}/%ff", status=400), lang)
    assert_bad_request(app.get(f"/{lang}/products/%c3%28", status=400), lang)


def test_outside_the_language_tree_the_browser_language_is_used(app, quiet):
    response = app.get("/%ff", headers={"Accept-Language": "fr"}, status=400)
    assert_bad_request(response, "fr")


@pytest.mark.parametrize(
    "address",
    [
        "/nl/products/?q=%ff",
        "/nl/products/?sort=%ff",
        "/nl/products/?page=%ff",
        "/nl/products/?category=%ff",
        "/nl/products/?min=1&max=%fe%ff",
        "/nl/login?came_from=%ff",
        "/nl/language?next=%ff",
        "/nl/privacy/settings?next=%ff",
        "/nl/manage/?x=%80",
        "/nl/?%ff=1",
    ],
)
def test_a_query_that_is_not_utf8_is_a_400(app, quiet, address):
    assert_bad_request(app.get(address, status=400))


def test_a_form_body_that_is_not_utf8_is_a_400(app, quiet):
    form = app.get("/nl/login").forms["login"]
    token = form["csrf_token"].value
    body = f"csrf_token={token}&email=a%40b.be&password=%ff%fe&login=login".encode()
    response = app.post(
        "/nl/login", body, content_type="application/x-www-form-urlencoded", status=400
    )
    assert_bad_request(response)


def test_a_multipart_form_that_is_not_utf8_is_a_400(app, quiet):
    token = app.get("/nl/login").forms["login"]["csrf_token"].value
    boundary = "xyz"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n'
        ).encode()
        + b"\xff\xfe\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    response = app.request(
        "/nl/login",
        method="POST",
        body=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        status="*",
    )
    assert 400 <= response.status_int < 500


def test_an_unknown_method_is_a_405(app, quiet):
    response = app.request("/nl/", method="PROPFIND", status=405)
    assert response.headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert response.html.select_one("h1").text == HEADINGS["nl"]
    assert (
        app.request("/fr/login", method="DELETE", status=405).html.select_one("html")["lang"]
        == "fr"
    )


# -- D6: redirect targets that are not clean paths on this site ------------------------------


@pytest.mark.parametrize(
    "target", ["/%0a/x", "/%E3%80%82/evil", "/%E2%88%95%E2%88%95evil.example", "/%09/x", "//x"]
)
def test_the_language_switch_ignores_an_odd_target(app, quiet, target):
    response = app.get(f"/fr/language?next={target}", status=303)
    assert response.headers["Location"] == "http://localhost/fr/"


def test_a_login_with_an_odd_came_from_lands_on_the_default_page(app, quiet):
    form = app.get("/nl/login").forms["login"]
    form["email"] = ADMIN_EMAIL
    form["password"] = ADMIN_PASSWORD
    form["came_from"] = "/\u2215\u2215evil.example"
    response = form.submit("login", status=303)
    assert response.headers["Location"] == "http://localhost/nl/manage/"


def test_a_cart_change_with_an_odd_came_from_goes_to_the_cart(app, quiet):
    page = app.get("/nl/products/mug-cafe")
    form = next(f for key, f in page.forms.items() if isinstance(key, int) and "cart" in f.action)
    form["came_from"].force_value("/\n/x")
    response = form.submit(status=303)
    assert response.headers["Location"].startswith("http://localhost/nl/")
    assert "\n" not in response.headers["Location"]


# -- the error views cannot fail themselves ---------------------------------------------------


def test_an_error_page_that_cannot_be_rendered_is_still_an_answer(app, monkeypatch, caplog):
    def broken(*args, **kw):
        raise RuntimeError("the layout is broken")

    monkeypatch.setattr(errors, "render_to_response", broken)
    response = app.get("/fr/nexiste-pas", status=404)
    assert response.html.select_one("h1").text == "Page introuvable"
    assert response.html.select_one("html")["lang"] == "fr"
    assert "RuntimeError" not in response.text and "Traceback" not in response.text


def test_nothing_ends_in_the_servers_bare_500(site, caplog):
    """Even an exception that escapes Pyramid (here: the router itself) gets a page."""
    layer = site.wsgi
    while not isinstance(layer, malformed.MalformedRequestLayer):
        layer = layer.app  # the layers in front of it (shopcms.operations)

    class Broken:
        registry = site.registry

        def __call__(self, environ, start_response):
            raise RuntimeError("escaped")

    layer.app = Broken()
    response = TestApp(layer).get("/nl/", status=500)
    assert response.html.select_one("h1").text == "Er ging iets mis"
    assert "escaped" not in response.text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "no answer for GET '/nl/'"
    ]


# -- the versions of a policy page -------------------------------------------------------------


def test_a_policy_page_version_under_pages_keeps_its_version(app, quiet):
    response = app.get("/nl/pages/privacy/versions/1", status=301)
    assert response.headers["Location"] == "http://localhost/nl/privacy/versions/1"
    assert response.follow().status_int == 200
    listing = app.get("/fr/pages/privacy/versions", status=301)
    assert listing.headers["Location"] == "http://localhost/fr/privacy/versions"


def test_a_browser_without_cookies_gets_the_same_answers(site, quiet):
    # No session at all: the page cache is in the way for GETs; the layer is in front of it.
    browser = Browser(site.wsgi)
    assert_bad_request(browser.get("/nl/products/?q=%ff", status=400))
    assert_bad_request(browser.get("/nl/products/?q=%ff", status=400))
