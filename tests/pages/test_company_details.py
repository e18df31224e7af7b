"""The company's details in one place (issue 17): the settings ``shopcms.company.*`` in every
page's footer, in the terms and the model withdrawal form through ``{company.NAME}``
placeholders (escaped, unknown names left visible and refused at save), and the readiness
check that names the details an invoice needs and are not set."""

import configparser
from pathlib import Path

import pytest
import transaction

from shopcms import main
from shopcms.orders.mail import mail_order
from shopcms.pages.placeholders import substitute, unknown
from shopcms.web.clock import now
from shopcms.web.company import Company
from tests.conftest import PASSWORD, Browser, Site, app_settings, login, make_site
from tests.factories import make_order
from tests.outbox import queued

COMPANY = {
    "shopcms.company.name": "onto object",
    "shopcms.company.legal_form": "bv",
    "shopcms.company.street": "Kerkstraat 1",
    "shopcms.company.postcode": "9000",
    "shopcms.company.city": "Gent",
    "shopcms.company.enterprise": "0123.456.749",
    "shopcms.company.vat": "BE0123456749",
    "shopcms.company.register": "RPR Gent",
    "shopcms.company.phone": "+32 9 123 45 67",
    "shopcms.company.email": "hello@example.be",
}


#: The test sites name the details an invoice needs (tests/conftest.py); here they are
#: left unset, as a new shop's production.ini has them, to show what is left out.
UNSET = {
    f"shopcms.company.{name}": ""
    for name in ("legal_form", "street", "postcode", "city", "enterprise", "vat", "register")
}


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path, **UNSET)
    yield site
    transaction.abort()
    site.close()


def footer(app, path="/nl/"):
    return app.get(path).html.select_one("footer address.company")


def reopened(site, folder, **settings):
    """The same database served again after a restart with other settings."""
    site.close()
    return Site(main({}, **app_settings(folder, **settings)))


def test_the_footer_shows_the_company_details_and_follows_the_settings(tmp_path):
    site = make_site(tmp_path, **COMPANY)
    try:
        app = Browser(site.wsgi)
        address = footer(app)
        lines = [" ".join(line.get_text().split()) for line in address.select(".company-line")]
        assert lines == [
            "Soft Cactus · onto object bv",
            "Kerkstraat 1, 9000 Gent",
            "Ondernemingsnr. 0123.456.749 · btw BE0123456749 · RPR Gent",
            "hello@example.be · +32 9 123 45 67",
        ]
        links = [a["href"] for a in address.select("a")]
        assert links == ["mailto:hello@example.be", "tel:+3291234567"]
        assert "TVA BE0123456749" in footer(app, "/fr/").get_text()
        product = app.get("/nl/products/mug-cafe")
        etag = product.headers["ETag"]

        # A move and no phone: one change in the settings, after a restart.
        moved = {**COMPANY, "shopcms.company.street": "Veldstraat 9", "shopcms.company.phone": ""}
        site = reopened(site, tmp_path, **moved)
        app = Browser(site.wsgi)
        text = footer(app).get_text(" ", strip=True)
        assert "Veldstraat 9, 9000 Gent" in text and "Kerkstraat" not in text
        assert "+32" not in text and not footer(app).select('a[href^="tel:"]')
        # A browser holding the page with the old footer gets the new one, not a 304.
        again = app.get("/nl/products/mug-cafe", headers={"If-None-Match": etag})
        assert again.status_int == 200 and "Veldstraat 9" in again.text
    finally:
        site.close()


def test_an_empty_detail_is_left_out_of_the_footer(app):
    # The test sites set no address, numbers or phone: only the defaults show.
    lines = [" ".join(line.get_text().split()) for line in footer(app).select(".company-line")]
    assert lines == ["Soft Cactus · onto object bvba", "info@softcactus.be"]


def terms_text(app, lang):
    return app.get(f"/{lang}/terms").html.select_one("article.page").get_text(" ", strip=True)


def test_the_terms_and_their_model_form_take_the_details_from_the_settings(tmp_path):
    site = make_site(tmp_path, **COMPANY)
    try:
        app = Browser(site.wsgi)
        for lang, label in (
            ("nl", "ondernemingsnummer: 0123.456.749"),
            ("fr", "numéro d'entreprise : 0123.456.749"),
            ("en", "enterprise number: 0123.456.749"),
        ):
            text = terms_text(app, lang)
            assert label in text and "BE0123456749" in text and "RPR Gent" in text
            assert "{company." not in text
        model = [
            li.get_text(" ", strip=True)
            for li in app.get("/en/terms").html.select("article.page li")
            if li.get_text().startswith("To ")
        ]
        assert model == [
            "To onto object bv (Soft Cactus), Kerkstraat 1, 9000 Gent, hello@example.be:"
        ]

        def stored(root):
            revision = root["pages"]["terms"].in_force("en", now(site.registry))
            return revision.number, revision.body

        number, body = site.read(stored)
        assert "{company.enterprise}" in body and "0123.456.749" not in body

        site = reopened(site, tmp_path, **{**COMPANY, "shopcms.company.enterprise": "0987.654.321"})
        app = Browser(site.wsgi)
        assert "enterprise number: 0987.654.321" in terms_text(app, "en")
        # The same revision: a new number needs no new text.
        assert site.read(stored)[0] == number
    finally:
        site.close()


def test_an_unset_detail_leaves_its_list_item_out_of_the_terms(app):
    text = terms_text(app, "en")
    assert "enterprise number" not in text and "VAT number:" not in text
    assert "{company." not in text and "info@softcactus.be" in text


COMPANY_VALUES = Company.from_settings(
    {"shopcms.company.name": 'Evil <script>alert("x")</script> & Co', "shopcms.company.vat": ""}
)


def test_a_placeholder_is_escaped_and_an_unknown_name_stays_visible():
    html = (
        "<p>By <strong>{company.name}</strong>, IBAN {company.iban}.</p>"
        '<p><a href="mailto:{company.email}">write</a></p>'
        "<ul><li>VAT: {company.vat}</li><li>{company.brand}</li></ul>"
    )
    shown = substitute(html, COMPANY_VALUES)
    assert "<script>" not in shown
    assert "Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in shown
    assert "IBAN {company.iban}." in shown  # unknown: as written
    assert 'href="mailto:{company.email}"' in shown  # an address is never rewritten
    assert "<li>VAT" not in shown and "<li>Soft Cactus</li>" in shown  # empty item left out
    assert unknown("{company.iban} {company.vat} {company.iban} {company.Name}") == [
        "{company.iban}"
    ]


@pytest.fixture
def editor(site, app):
    site.add_account("editor@example.be", roles=("editor",))
    login(app, "editor@example.be", PASSWORD)
    return app


def test_the_editor_cannot_save_an_unknown_placeholder(site, editor):
    form = editor.get("/en/manage/pages/terms/edit?lang=en").forms["revision"]
    form["body"] = "Run by {company.name}, IBAN {company.iban}."
    response = form.submit("save", status=400)
    assert "Unknown company detail {company.iban}" in response.text
    assert site.read(lambda root: root["pages"]["terms"].draft("en")) is None
    form = response.forms["revision"]
    form["body"] = "Run by **{company.name}** ({company.brand})."
    preview = form.submit("preview", status=200).html.select_one(".preview .richtext")
    assert preview.get_text().strip() == "Run by onto object bvba (Soft Cactus)."


def test_the_readiness_check_names_the_missing_details(app, tmp_path):
    check = app.get("/readyz").json
    assert check["ready"] is True  # reported, not critical
    company = check["checks"]["company"]
    assert company["ok"] is False and company["critical"] is False
    for name in ("street", "postcode", "city", "enterprise", "vat"):
        assert f"shopcms.company.{name}" in company["detail"]
    assert "shopcms.company.name" not in company["detail"]


def test_the_readiness_check_passes_with_the_details_set(tmp_path):
    site = make_site(tmp_path, **COMPANY)
    try:
        check = Browser(site.wsgi).get("/readyz").json["checks"]["company"]
        assert check == {"ok": True, "critical": False, "detail": "complete"}
    finally:
        site.close()


def test_development_ini_has_every_detail_an_invoice_needs():
    """``make start`` (development.ini) passes the check: nothing to report."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(Path(__file__).parents[2] / "development.ini", encoding="utf-8")
    assert Company.from_settings(dict(ini["app:main"])).missing() == []


def test_the_order_mail_s_model_withdrawal_form_names_the_trader(tmp_path):
    site = make_site(tmp_path, **COMPANY)
    try:
        with site.edit() as root:
            mail_order(site.registry, make_order(root, lang="fr"), "order_placed")
        [(_to, message)] = queued(site)
        trader = "onto object bv (Soft Cactus), Kerkstraat 1, 9000 Gent, hello@example.be"
        text = message.get_body(("plain",)).get_content()
        assert f"- À l'attention de {trader}\u202f:" in text
        html = message.get_body(("html",)).get_content()
        assert f"À l'attention de {trader}\u202f:" in html.replace("&#39;", "'")
    finally:
        site.close()
