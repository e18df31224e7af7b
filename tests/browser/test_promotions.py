"""Issue 19, acceptance 1, tried as new users would in a real browser: an editor logs in,
finds "Promoties" in the desk's sidebar and creates the code CACTUS10 (10 % on the cacti
from an order of 30 euro, a name per language); a French-speaking guest first tries it on
a cart of one cactus (under 30 euro) and is told why it does not apply (a 400), then adds
a mug (21 %), enters "cactus10" and sees the discount on the cactus (6 %) with the 6 % VAT
reduced and the 21 % VAT untouched, on the cart, the checkout, the review and the
confirmation; the order desk sees the code and marks the transfer received, which issues
the invoice; the invoice's PDF (its first page kept as a screenshot) shows the code's line
at 6 % and each rate's base and VAT as paid.  A screenshot of each step.  Last, the
code's line is checked in French typography (a narrow no-break space before the colon)
everywhere it was shown.

Expected amounts are computed with Decimal from the seed catalogue's prices (checked
against the product pages) and the shipping cost the cart shows, never written out.
Its own shop (``shop``), so the code does not leak into the other browser tests' site.
"""

import re
import tomllib
from decimal import ROUND_HALF_UP, Decimal

import pypdfium2

from tests.browser.conftest import ROOT, SCREENSHOTS, open_page
from tests.browser.test_smoke import expect
from tests.conftest import PASSWORD

EDITOR = "promoties@example.be"
ORDER_DESK = "balie@example.be"
CACTUS = "echinocactus-grusonii"
MUG = "mug-cafe"
NAMES = {"nl": "Cactusweek", "fr": "Semaine du cactus", "en": "Cactus week"}
MINIMUM = Decimal("30")
PERCENT = Decimal("10")
CENT = Decimal("0.01")


def seed_product(name):
    """``(price, VAT rate, categories)`` of product ``name`` in the seed catalogue."""
    with open(ROOT / "content" / "products" / "products.toml", "rb") as seed:
        products = tomllib.load(seed)["product"]
    product = next(p for p in products if p["name"] == name)
    return Decimal(product["price"]), Decimal(product["vat"]), product["categories"]


def flat(text):
    """``text`` with its (narrow) no-break spaces as spaces and runs of space as one."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def spaced(text):
    """``text`` with runs of ordinary white space as one space; its no-break spaces kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def euro(text):
    """The amount of a French money text (``"1 234,50 €"``, ``"− 3,70 €"``) as a Decimal."""
    digits = re.sub(r"[^0-9,]", "", text)
    return Decimal(digits.replace(",", "."))


def fr_money(amount):
    """``amount`` as the French pages write it (after :func:`flat`): ``3,70 €``."""
    return f"{amount:.2f} €".replace(".", ",")


def vat_in(amount, rate):
    """The VAT contained in ``amount`` (VAT included) at ``rate`` %, rounded to the cent."""
    return (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_lines(page, selector):
    """``{rate: VAT}`` of the "dont TVA x %" rows ``selector`` finds."""
    found = {}
    for row in page.locator(selector).all():
        text = flat(row.inner_text())
        rate = Decimal(re.search(r"(\d+) %", text).group(1))
        found[rate] = euro(text.split("%", 1)[1])
    return found


def log_in(page, email):
    page.goto("/nl/login")
    page.fill("form#login input[name=email]", email)
    page.fill("form#login input[name=password]", PASSWORD)
    page.locator("form#login button[name=login]").click()
    page.wait_for_load_state()


def add_to_cart(page, product, price):
    page.goto(f"/fr/products/{product}")
    assert euro(page.locator("p.price.big").inner_text()) == price
    page.locator("form.add-to-cart button").click()
    page.wait_for_load_state()


def enter_code(page, code):
    """Enter ``code`` in the cart's form; the HTTP status of the form's answer."""
    form = page.locator("form#discount-code")
    form.locator("input[name=code]").fill(code)
    posted = lambda response: response.url.endswith("/cart-code")  # noqa: E731
    with page.expect_response(posted) as answer:
        form.locator("button[name=apply]").click()
    page.wait_for_load_state()
    return answer.value.status


def test_an_editor_creates_cactus10_and_a_customer_pays_with_it(
    shop, browser, browser_log, screenshot
):
    site, base = shop
    site.add_account(EDITOR, PASSWORD, roles=("editor",))
    site.add_account(ORDER_DESK, PASSWORD, roles=("orders",))
    cactus_price, cactus_rate, cactus_categories = seed_product(CACTUS)
    mug_price, mug_rate, mug_categories = seed_product(MUG)
    assert "cacti" in cactus_categories and "cacti" not in mug_categories
    assert cactus_rate != mug_rate  # two VAT rates, so "reduced per rate" means something
    assert cactus_price < MINIMUM <= cactus_price + mug_price

    # 1. The editor logs in, finds the promotions in the desk's sidebar, creates the code.
    editor = open_page(browser, browser_log, base, "nl-BE")
    log_in(editor, EDITOR)
    editor.goto("/nl/manage/")
    editor.locator("#desk-nav ul.desk-sections").get_by_role("link", name="Promoties").click()
    expect(editor.locator("h1")).to_have_text("Promoties")
    editor.get_by_role("link", name="Nieuwe kortingscode").click()
    form = editor.locator("form#promotion")
    form.locator("input[name=code]").fill("CACTUS10")
    for lang, name in NAMES.items():
        form.locator(f"input[name=name_{lang}]").fill(name)
    form.locator("select[name=kind]").select_option("percent")
    form.locator("input[name=value]").fill(str(PERCENT))
    form.locator("select[name=scope]").select_option("categories")
    form.get_by_label("Cactussen", exact=True).check()
    form.locator("input[name=minimum]").fill("30,00")
    screenshot(editor, "promotions--01-desk-new-code")
    form.locator("button[name=save]").click()
    editor.wait_for_load_state()
    expect(editor.get_by_role("status")).to_contain_text("De promotie CACTUS10 is bewaard.")
    row = editor.locator('tr[data-code="CACTUS10"]')
    expect(row).to_contain_text(NAMES["nl"])
    expect(row.locator(".uses")).to_have_text("0")
    screenshot(editor, "promotions--02-desk-list")

    # 2. A French-speaking guest tries the code on one cactus: under the minimum, refused.
    customer = open_page(browser, browser_log, base, "fr-BE")
    customer.goto("/fr/")
    customer.locator("#cookie-banner").get_by_role("button", name="Tout refuser").click()
    add_to_cart(customer, CACTUS, cactus_price)
    customer.goto("/fr/cart")
    assert enter_code(customer, "cactus10") == 400
    error = customer.locator("#discount-code-code-error")
    expect(error).to_be_visible()
    assert flat(error.inner_text()) == (
        f"Le code CACTUS10 est valable à partir d'une commande de {fr_money(MINIMUM)}."
    )
    expect(customer.locator("tr.discount")).to_have_count(0)
    screenshot(customer, "promotions--03-cart-under-minimum-fr")

    # 3. With a mug the goods pass the minimum; the code takes 10 % off the cactus only.
    add_to_cart(customer, MUG, mug_price)
    customer.goto("/fr/cart")
    shipping = euro(customer.locator("table.cart tr.shipping td").first.inner_text())
    before = vat_lines(customer, "table.cart tr.vat")
    cacti = cactus_price
    discount = (cacti * PERCENT / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    assert before == {
        mug_rate: vat_in(mug_price + shipping, mug_rate),
        cactus_rate: vat_in(cacti, cactus_rate),
    }
    assert enter_code(customer, "cactus10") == 303
    expect(customer.get_by_role("status")).to_contain_text("Le code CACTUS10 est appliqué.")
    line = customer.locator("table.cart tr.discount")
    expect(line).to_have_count(1)
    shown = {"cart": spaced(line.locator("th").inner_text())}
    assert "CACTUS10" in shown["cart"] and NAMES["fr"] in shown["cart"]
    assert euro(line.locator(".cart-discount").inner_text()) == discount
    assert shipping == euro(customer.locator("table.cart tr.shipping td").first.inner_text())
    total = cacti + mug_price - discount + shipping
    assert euro(customer.locator(".cart-total").inner_text()) == total
    after = vat_lines(customer, "table.cart tr.vat")
    vat = {
        mug_rate: vat_in(mug_price + shipping, mug_rate),
        cactus_rate: vat_in(cacti - discount, cactus_rate),
    }
    assert after == vat
    assert after[cactus_rate] < before[cactus_rate] and after[mug_rate] == before[mug_rate]
    screenshot(customer, "promotions--04-cart-code-applied-fr")

    # 4. The checkout: every summary carries the discount; the guest pays by transfer.
    customer.locator("a.checkout-link").click()
    expect(customer.locator(".summary-totals .discount")).to_contain_text(fr_money(discount))
    customer.fill("input[name=email]", "camille.lambert@example.be")
    customer.fill("input[name=name]", "Camille Lambert")
    customer.fill("input[name=phone]", "+32 470 12 34 56")
    customer.fill("#checkout-delivery-street", "Rue de la Station 12")
    customer.fill("#checkout-delivery-postcode", "5000")
    customer.fill("#checkout-delivery-city", "Namur")
    customer.check("input[name=payment][value=transfer]")
    screenshot(customer, "promotions--05-checkout-fr")
    customer.locator("form.checkout button[type=submit]").click()
    customer.wait_for_selector("form.place-order")
    reviewed = customer.locator("tr.discount")
    expect(reviewed).to_contain_text("CACTUS10")
    shown["review"] = spaced(reviewed.locator("td").first.inner_text())
    assert euro(reviewed.locator(".order-discount").inner_text()) == discount
    assert euro(customer.locator(".order-total").inner_text()) == total
    assert vat_lines(customer, "tr.vat") == vat
    customer.check("input[name=accept_terms]")
    screenshot(customer, "promotions--06-review-fr")
    customer.locator("form.place-order button[type=submit]").click()
    customer.wait_for_url(re.compile(r"/fr/order/\d{4}-\d{6}/"))
    number = customer.url.split("/order/")[1].split("/")[0]
    confirmed = customer.locator("tr.discount")
    expect(confirmed).to_contain_text(NAMES["fr"])
    shown["confirmation"] = spaced(confirmed.locator("td").first.inner_text())
    assert euro(customer.locator(".order-total").inner_text()) == total
    assert vat_lines(customer, "tr.vat") == vat
    screenshot(customer, "promotions--07-confirmation-fr")

    # 5. The order desk sees the code and marks the transfer received: the order is paid.
    desk = open_page(browser, browser_log, base, "nl-BE")
    log_in(desk, ORDER_DESK)
    desk.goto("/nl/manage/orders/")
    desk.get_by_role("link", name=number).click()
    expect(desk.locator("tr.discount")).to_contain_text("Kortingscode CACTUS10")
    assert euro(desk.locator(".order-discount").inner_text()) == discount
    desk.locator("#transition-pay button").click()
    expect(desk.get_by_role("status")).to_be_visible()
    screenshot(desk, "promotions--08-order-desk-paid")
    editor.goto("/nl/manage/promotions/")
    expect(editor.locator('tr[data-code="CACTUS10"] .uses')).to_have_text("1")

    # 6. The invoice (a PDF on the confirmation page) shows the code per VAT rate.
    customer.reload()
    downloads = customer.locator("section.invoice-downloads")
    expect(downloads).to_be_visible()
    screenshot(customer, "promotions--09-confirmation-invoice-fr")
    links = [a.get_attribute("href") for a in downloads.locator("a").all()]
    pdf = customer.context.request.get(next(link for link in links if ".pdf" in link))
    assert pdf.ok
    document = pypdfium2.PdfDocument(pdf.body())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(
        SCREENSHOTS / "test_an_editor_creates_cactus10_and_a_customer_pays_with_it"
        "--promotions--10-invoice-pdf.png"
    )
    raw = spaced("\n".join(page.get_textpage().get_text_range() for page in document))
    text = flat(raw)
    line = re.search(r"Code de réduction CACTUS10.*?Semaine du cactus", raw)
    assert line, text
    shown["invoice"] = line.group(0)
    # The code's line: one unit of minus the discount, at the cacti's rate.
    assert f"DISCOUNT -1 {fr_money(discount)} {cactus_rate} %" in text, text
    assert f"-{fr_money(discount)}" in text, text
    # Each rate's base and VAT are those paid: the cacti's reduced, the mug's as it was.
    paid = {mug_rate: mug_price + shipping, cactus_rate: cacti - discount}
    for rate, amount in vat.items():
        row = f"{rate} % {fr_money(paid[rate] - amount)} {fr_money(amount)} {fr_money(paid[rate])}"
        assert row in text, (row, text)
    assert f"Total TVAC {fr_money(total)}" in text, text
    assert f"Montant dû {fr_money(Decimal('0'))}" in text, text
    # The one answer that is not a 200: the code refused under the minimum, a 400.
    browser_log.assert_clean(allow=[("/fr/cart-code", 400)])

    # Last, so that it hides nothing above: the code's line in French typography, a narrow
    # no-break space before the colon, as the same invoice's shipping line has it.
    assert "Expédition\u202f: " in raw
    french = "Code de réduction CACTUS10\u202f: Semaine du cactus"
    assert shown == dict.fromkeys(("cart", "review", "confirmation", "invoice"), french)
