"""Compressed answers (``shopcms.web.compression``): HTML, CSS and SVG are compressed when the
client accepts it (acceptance 5), with the right headers; the rest is left alone.

The requests go through webob, not WebTest: WebTest decodes gzip (and refuses brotli) before
a test could see what was sent.
"""

import gzip
import re

import brotli
import pytest
from webob import Request

from shopcms.web.compression import CompressionLayer, chosen_encoding
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
#: Each answer masks the CSRF token anew: compared without it.
TOKEN = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]*(")')


def fetch(site, path, method="GET", cookies=None, **headers):
    if cookies:
        headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in cookies)
    return Request.blank(path, method=method, headers=headers).get_response(site.wsgi)


def vary(response):
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",")}


def decoded(response):
    encoding = response.headers.get("Content-Encoding")
    assert int(response.headers["Content-Length"]) == len(response.body)
    return DECODE[encoding](response.body) if encoding else response.body


def static_url(page, name):
    return next(link for link in re.findall(r'"(/static/[^"]+)"', page.text) if name in link)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_html_css_and_svg_are_compressed_when_the_client_accepts_it(site, app, encoding):
    plain_page = fetch(site, "/nl/products/mug-cafe")
    page = fetch(site, "/nl/products/mug-cafe", **{"Accept-Encoding": f"{encoding}, deflate"})
    assert page.headers["Content-Encoding"] == encoding and "accept-encoding" in vary(page)
    assert len(page.body) * 3 < len(plain_page.body)
    assert TOKEN.sub(rb"\1\2", decoded(page)) == TOKEN.sub(rb"\1\2", plain_page.body)

    css = static_url(plain_page, "style.css")
    for _ in range(2):  # compressed once and kept, the second time: the same bytes
        sheet = fetch(site, css, **{"Accept-Encoding": encoding})
        assert sheet.headers["Content-Encoding"] == encoding
        assert "immutable" in sheet.headers["Cache-Control"]
        assert decoded(sheet) == fetch(site, css).body

    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    chart = fetch(site, "/nl/manage/statistics/visits.svg", cookies=app.cookiejar)
    assert chart.content_type == "image/svg+xml" and "Content-Encoding" not in chart.headers
    squeezed = fetch(
        site,
        "/nl/manage/statistics/visits.svg",
        cookies=app.cookiejar,
        **{"Accept-Encoding": encoding},
    )
    assert squeezed.headers["Content-Encoding"] == encoding
    assert decoded(squeezed).startswith(b"<?xml") or b"<svg" in decoded(squeezed)[:400]


def test_a_client_that_accepts_nothing_gets_the_identity_with_vary(site):
    for accepted in (None, "identity", "br;q=0, gzip;q=0", "deflate"):
        headers = {"Accept-Encoding": accepted} if accepted is not None else {}
        page = fetch(site, "/nl/", **headers)
        assert "Content-Encoding" not in page.headers and "accept-encoding" in vary(page)
        assert page.body.startswith(b"<!DOCTYPE html>")


def test_small_answers_and_compressed_types_are_left_alone(site):
    home = fetch(site, "/nl/")
    icon = fetch(site, static_url(home, "favicon.svg"), **{"Accept-Encoding": "gzip"})
    assert len(icon.body) < 1024 and "Content-Encoding" not in icon.headers
    logo = fetch(site, "/static/logo.png", **{"Accept-Encoding": "gzip, br"})
    assert logo.content_type == "image/png"
    assert "Content-Encoding" not in logo.headers and "accept-encoding" not in vary(logo)


def test_revalidating_a_compressed_page_answers_304_with_its_weak_etag(site):
    page = fetch(site, "/nl/products/mug-cafe", **{"Accept-Encoding": "br"})
    etag = page.headers["ETag"]
    assert etag.startswith('W/"') and page.headers["Content-Encoding"] == "br"
    again = fetch(site, "/nl/products/mug-cafe", **{"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_int == 304 and again.body == b""
    assert again.headers["ETag"] == etag and "accept-encoding" in vary(again)
    # The identity has the same validator (strong, or already weak for a page whose forms
    # carry a masked token); its own revalidation still works.
    plain = fetch(site, "/nl/products/mug-cafe")
    assert plain.headers["ETag"].removeprefix("W/") == etag[2:]
    assert fetch(site, "/nl/products/mug-cafe", **{"If-None-Match": etag[2:]}).status_int == 304


def test_head_gets_the_headers_of_a_compressed_get(site):
    head = fetch(site, "/nl/login", method="HEAD", **{"Accept-Encoding": "gzip"})
    assert head.status_int == 200 and head.body == b""
    assert head.headers["Content-Encoding"] == "gzip" and "accept-encoding" in vary(head)
    assert "Content-Length" not in head.headers


def test_error_pages_are_compressed_too(site):
    missing = fetch(site, "/fr/nexiste-pas", **{"Accept-Encoding": "gzip"})
    assert missing.status_int == 404 and missing.headers["Content-Encoding"] == "gzip"
    assert "Page introuvable" in decoded(missing).decode()


@pytest.mark.parametrize(
    "header,with_brotli,without_brotli",
    [
        ("", None, None),
        ("gzip", "gzip", "gzip"),
        ("br", "br", None),
        ("gzip, deflate, br, zstd", "br", "gzip"),
        ("br;q=0, gzip", "gzip", "gzip"),
        ("GZIP;q=0.5", "gzip", "gzip"),
        ("*", "br", "gzip"),
        ("*;q=0, gzip", "gzip", "gzip"),
        ("br;q=0, *", "gzip", "gzip"),
        ("gzip;q=zero", None, None),
        ("identity", None, None),
    ],
)
def test_the_encoding_chosen(header, with_brotli, without_brotli):
    assert chosen_encoding(header) == with_brotli
    assert chosen_encoding(header, have_brotli=False) == without_brotli


TEXT = b"<p>" + b"Cactussen in alle maten en kleuren. " * 100 + b"</p>"


def answering(status="200 OK", headers=(), body=(TEXT,), lazy=False, write=None):
    """A WSGI app answering as told; ``lazy``: only when its body is iterated."""

    def app(environ, start_response):
        def answer():
            send = start_response(status, [("Content-Type", "text/html"), *headers])
            if write is not None:
                send(write)
            yield from body

        if lazy:
            return answer()
        chunks = answer()
        first = next(chunks, None)
        return [first, *chunks] if first is not None else []

    return app


def squeezed(app, **headers):
    layer = CompressionLayer(app)
    return Request.blank("/", headers={"Accept-Encoding": "gzip", **headers}).get_response(layer)


@pytest.mark.parametrize(
    "headers,status",
    [
        ([("Cache-Control", "no-transform")], "200 OK"),
        ([("Content-Encoding", "gzip")], "200 OK"),
        ([("Content-Range", "bytes 0-9/100")], "206 Partial Content"),
        ([], "204 No Content"),
    ],
)
def test_answers_that_must_not_be_transformed_are_passed_on(headers, status):
    body = () if status.startswith("204") else (TEXT,)
    answer = squeezed(answering(status, headers, body))
    assert answer.headers.get("Content-Encoding") == dict(headers).get("Content-Encoding")
    assert answer.body == b"".join(body)


def test_lazy_applications_and_write_calls_are_compressed_whole():
    for app in (answering(lazy=True), answering(body=(TEXT[500:],), write=TEXT[:500])):
        answer = squeezed(app)
        assert answer.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(answer.body) == TEXT
        assert answer.headers["Content-Length"] == str(len(answer.body))


def test_an_existing_vary_is_kept_and_named_once():
    answer = squeezed(answering(headers=[("Vary", "Cookie"), ("Vary", "accept-encoding")]))
    assert answer.headers.getall("Vary") == ["Cookie, accept-encoding"]
    star = squeezed(answering(headers=[("Vary", "*")]))
    assert star.headers.getall("Vary") == ["*"]


def test_a_304_says_what_the_200_would_have_said():
    app = answering("304 Not Modified", [("ETag", '"v1"')], ())
    assert squeezed(app).headers["ETag"] == 'W/"v1"'
    plain = Request.blank("/").get_response(CompressionLayer(app))
    assert plain.headers["ETag"] == '"v1"'
    for answer in (squeezed(app), plain):
        assert answer.status_int == 304 and answer.headers["Vary"] == "Accept-Encoding"
