"""The promotions desk: an editor creates and edits "CACTUS10" (10 % on the cacti from 30
euro) through the real forms; the customer then gets it in the cart; a customer may not
reach the desk; a bad form is explained in the editor's language."""

import csv
import io
import re
from decimal import Decimal

from tests.conftest import PASSWORD, login
from tests.promotions.helpers import CACTUS, add_to_cart, code_error, enter_code, make_promotion


def editor(site, app, lang="nl"):
    site.add_account("redacteur@example.be", roles=("editor",))
    login(app, "redacteur@example.be", PASSWORD, lang=lang)


def field(form, name):
    return form[name] if name in form.fields else None


def test_an_editor_creates_and_edits_cactus10(site, app):
    editor(site, app)
    listing = app.get("/nl/manage/promotions/")
    form = listing.click(href="/nl/manage/promotions/add").forms["promotion"]
    form["code"] = "cactus10"
    form["name_nl"] = "Cactusweek"
    form["name_fr"] = "Semaine du cactus"
    form["name_en"] = "Cactus week"
    form["kind"] = "percent"
    form["value"] = "10"
    form["scope"] = "categories"
    boxes = form.fields["checkbox"]
    boxes[[box._value for box in boxes].index("cacti")].checked = True
    form["minimum"] = "30,00"
    form.submit("save", status=303)
    with site.edit() as root:
        promotion = root["promotions"].for_code("CACTUS10")
        assert promotion.code == "CACTUS10"
        assert (promotion.kind, promotion.value) == ("percent", Decimal("10"))
        assert (promotion.scope, promotion.targets) == ("categories", ("cacti",))
        assert promotion.minimum == Decimal("30.00")
        assert promotion.total_uses is None and not promotion.combinable
    listing = app.get("/nl/manage/promotions/")
    row = listing.html.select_one('tr[data-code="CACTUS10"]')
    assert "Cactusweek" in row.get_text() and row.select_one(".uses").get_text() == "0"
    edit = listing.click(href="/nl/manage/promotions/cactus10/edit").forms["promotion"]
    assert edit["value"].value == "10" and edit["minimum"].value == "30.00"
    edit["total_uses"] = "100"
    edit.submit("save", status=303)
    assert site.read(lambda root: root["promotions"]["cactus10"].total_uses) == 100
    # The code works in the cart: 2 x 18.50 = 37.00, from 30 euro.
    add_to_cart(app, CACTUS, 2)
    enter_code(app, "CACTUS10")
    text = app.get("/nl/cart").html.select_one(".cart-discount").get_text(strip=True)
    assert text == "−\xa0€\xa03,70"


def test_the_desks_form_is_explained_in_the_editors_language(site, app):
    editor(site, app, lang="fr")
    form = app.get("/fr/manage/promotions/add").forms["promotion"]
    form["code"] = "x"
    page = form.submit("save", status=400)
    assert "Utilisez 3 à 32 lettres, chiffres ou tirets." in page.html.get_text()
    form = page.forms["promotion"]
    form["code"] = "PROMO"
    for lang in ("nl", "fr", "en"):
        form[f"name_{lang}"] = "Promo"
    form["value"] = "120"
    page = form.submit("save", status=400)
    message = page.html.select_one("#promotion-value-error").get_text(strip=True)
    assert message == "Un pourcentage supérieur à 0 et au plus 100."
    assert site.read(lambda root: len(root["promotions"])) == 0


def test_a_customer_may_not_reach_the_desk(site, app):
    site.add_account("klant@example.be")
    login(app, "klant@example.be", PASSWORD)
    app.get("/nl/manage/promotions/", status=403)
    app.get("/nl/manage/promotions/add", status=403)


def test_a_deleted_code_no_longer_applies(site, app):
    editor(site, app)
    form = app.get("/nl/manage/promotions/add").forms["promotion"]
    for name, value in {
        "code": "WEG",
        "name_nl": "Weg",
        "name_fr": "Parti",
        "name_en": "Gone",
    }.items():
        form[name] = value
    form["value"] = "5"
    form.submit("save", status=303)
    app.get("/nl/manage/promotions/").forms["delete-weg"].submit("delete", status=303)
    assert site.read(lambda root: len(root["promotions"])) == 0
    add_to_cart(app, CACTUS, 1)
    assert code_error(enter_code(app, "weg", status=400)) == "De code WEG bestaat niet."


def test_single_use_codes_are_generated_and_exported_as_csv(site, app):
    make_promotion(site, "KERST", minimum=Decimal("10"))
    editor(site, app)
    form = app.get("/nl/manage/promotions/").click(href="/nl/manage/promotions/kerst/generate")
    form = form.forms["generate"]
    form["count"] = "5"
    form.submit("generate", status=303)
    listing = app.get("/nl/manage/promotions/")
    assert listing.html.select_one('tr[data-code="KERST"] .batch-count').get_text() == "5"
    assert len(listing.html.select("tbody tr")) == 1  # the codes are not listed one by one
    answer = app.get("/nl/manage/promotions/kerst/codes.csv")
    assert answer.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["code", "used", "valid_until"]
    codes = [row[0] for row in rows[1:]]
    assert len(set(codes)) == 5 and all(re.fullmatch(r"KERST-[2-9A-Z]{8}", c) for c in codes)
    # Each code works once, with the rules of KERST.
    add_to_cart(app, CACTUS, 1)
    enter_code(app, codes[0])
    with site.edit() as root:
        single = root["promotions"].for_code(codes[0])
        assert (single.total_uses, single.minimum, single.value) == (1, Decimal("10"), 10)
        single.take_use("email:iemand@example.be")
    page = enter_code(app, codes[1].lower(), status=303)
    assert page.status_int == 303
    refused = enter_code(app, codes[0], status=400)
    assert code_error(refused) == f"De code {codes[0]} is opgebruikt."
    form = app.get("/nl/manage/promotions/kerst/generate").forms["generate"]
    form["count"] = "5000"
    assert "Van 1 tot 1000." in form.submit("generate", status=400).html.get_text()


def test_an_editor_creates_an_automatic_promotion_without_a_code(site, app):
    editor(site, app)
    form = app.get("/nl/manage/promotions/add").forms["promotion"]
    for lang, name in (("nl", "Cactusweek"), ("fr", "Semaine du cactus"), ("en", "Cactus week")):
        form[f"name_{lang}"] = name
    form["value"] = "10"
    form["scope"] = "products"
    form["products"] = CACTUS
    refused = form.submit("save", status=400)  # neither a code nor automatic
    assert refused.html.select_one("#promotion-code-error") is not None
    form = refused.forms["promotion"]
    form["automatic"] = True
    form["kind"] = "free_shipping"
    refused = form.submit("save", status=400)
    assert "Een automatische promotie geeft een percentage of een bedrag korting." in refused.text
    assert refused.html.select_one("#promotion-kind-error") is not None
    form = refused.forms["promotion"]
    form["kind"] = "percent"
    form["minimum"] = "30"
    refused = form.submit("save", status=400)
    # Its start is the Omnibus reference's end; the codes' limits are not for it.
    assert refused.html.select_one("#promotion-valid-from-error") is not None
    assert "Enkel voor kortingscodes: laat het leeg." in refused.text
    form = refused.forms["promotion"]
    form["minimum"] = ""
    form["valid_from"] = "2026-01-01T00:00"
    form.submit("save", status=303)
    (promotion,) = site.read(lambda root: root["promotions"].automatic())
    assert (promotion.code, promotion.__name__, promotion.value) == ("", "auto.1", Decimal("10"))
    row = app.get("/nl/manage/promotions/").html.select_one('tr[data-code=""]')
    assert "automatisch" in row.get_text() and "Cactusweek" in row.get_text()
    price = app.get(f"/nl/products/{CACTUS}").html.select_one(".price.reduced ins")
    assert price.get_text() == "€\xa016,65"  # 18.50 less 10 %


def test_an_automatic_promotions_form_shows_only_what_applies_to_it(site, app):
    """Editing an automatic promotion: no use limits, minimum or combination (they would be
    ignored), no free shipping to switch to, and its start stays required."""
    editor(site, app)
    form = app.get("/nl/manage/promotions/add").forms["promotion"]
    for lang in ("nl", "fr", "en"):
        form[f"name_{lang}"] = "Potten"
    form["automatic"] = True
    form["value"] = "15"
    form["valid_from"] = "2026-01-01T00:00"
    form.submit("save", status=303)
    edit = app.get("/nl/manage/promotions/auto.1/edit").forms["promotion"]
    absent = ("total_uses", "uses_per_customer", "minimum", "combinable", "code")
    assert [name for name in absent if name in edit.fields] == []
    assert [option[0] for option in edit["kind"].options] == ["percent", "amount"]
    edit["value"] = "20"
    edit["valid_from"] = ""
    refused = edit.submit("save", status=400)
    assert refused.html.select_one("#promotion-valid-from-error") is not None
    assert site.read(lambda root: root["promotions"]["auto.1"].value) == Decimal("15")
    # A posted kind the form does not offer (tampering) is refused, not stored.
    form = refused.forms["promotion"]
    form["valid_from"] = "2026-01-01T00:00"
    form["kind"].force_value("free_shipping")
    form.submit("save", status=400)
    form["kind"] = "amount"
    form["value"] = "2,50"
    form.submit("save", status=303)
    promotion = site.read(lambda root: root["promotions"]["auto.1"])
    assert (promotion.kind, promotion.value, promotion.minimum) == ("amount", Decimal("2.50"), None)
