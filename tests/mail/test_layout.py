"""Every mail in the shop's layout: the wordmark and colours, the company's details in the
footer of both parts, and the recipient's language in ``Content-Language``; inline images
travel as related parts."""

import re

from bs4 import BeautifulSoup

from shopcms.mail import compose, send_queued
from tests.conftest import make_site
from tests.mail.test_mail import notice, queue, text_and_html

#: The company's details tests/conftest.py gives (an invoice needs them), left empty.
NO_DETAILS = {
    f"shopcms.company.{name}": ""
    for name in ("legal_form", "street", "postcode", "city", "enterprise", "vat", "register")
}
COMPANY = {
    **NO_DETAILS,
    "shopcms.company.address": "Kerkstraat 1, 9000 Gent",
    "shopcms.company.vat": "BE 0123.456.749",
    "shopcms.company.email": "hello@example.be",
}


def test_both_parts_carry_the_layout_and_the_company_details(tmp_path, smtp):
    site = make_site(tmp_path, **smtp.settings(), **COMPANY)
    try:
        queue(site, notice(site.registry, "Bonjour Zoë.", lang="fr"))
        assert send_queued(site.registry).sent == 1
    finally:
        site.close()
    [received] = smtp.wait_for(1)
    message = received.message
    assert message["Content-Language"] == "fr"
    text, html = text_and_html(message)
    page = BeautifulSoup(html, "html.parser")
    assert page.html["lang"] == "fr"
    assert page.title.text == "Un message de Soft Cactus"
    assert page.select_one(".wordmark").text == "Soft Cactus"
    assert "#2f6b4f" in page.select_one(".wordmark")["style"]  # the shop's green
    # The template's own content, once, inside the layout.
    content = page.select_one(".mail-content")
    assert content.h1.text == "Un message de Soft Cactus" and "Bonjour Zoë." in content.text
    assert len(page.select("body")) == 1 and len(page.select("h1")) == 1
    footer = page.select_one(".mail-footer").text
    lines = text.splitlines()
    signature = "\n".join(lines[lines.index("-- ") + 1 :])
    for detail in ("onto object bvba", "Kerkstraat 1, 9000 Gent", "BE 0123.456.749"):
        assert detail in footer and detail in signature
    assert "hello@example.be" in footer and "hello@example.be" in signature
    # The body comes first, as written.
    assert lines[0] == "Un message de Soft Cactus"


def test_content_language_is_the_recipients_whatever_the_request(site):
    for lang in ("nl", "fr", "en"):
        message = notice(site.registry, lang=lang)
        assert message["Content-Language"] == lang
        assert f'<html lang="{lang}">' in text_and_html(message)[1]


def test_an_empty_company_detail_is_left_out(tmp_path):
    site = make_site(tmp_path, **NO_DETAILS)
    try:
        text, html = text_and_html(notice(site.registry, lang="nl"))
    finally:
        site.close()
    footer = BeautifulSoup(html, "html.parser").select_one(".mail-footer")
    # No address or VAT number set: no empty line, no "btw" alone.
    assert list(footer.stripped_strings) == [
        "Soft Cactus · onto object bvba",
        "info@softcactus.be · softcactus.be",
    ]
    assert text.rstrip().endswith(
        "-- \nSoft Cactus · onto object bvba\ninfo@softcactus.be · softcactus.be"
    )


def test_an_inline_image_is_a_related_part_of_the_html(site):
    message = compose(
        site.registry,
        "shopcms.mail:templates/notice",
        lambda request: {"body": "QR"},
        lang="en",
        to="zoe@example.be",
        subject="A test",
        images={"pixel": b"\x89PNG\r\n\x1a\n fake"},
    )
    related = message.get_body(("related",))
    assert related is not None and related.get_content_type() == "multipart/related"
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert image["Content-Disposition"].startswith("inline")
    assert re.fullmatch(r"<pixel\.[0-9a-f.]+@softcactus\.be>", image["Content-ID"])
