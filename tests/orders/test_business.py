"""Business buyers: a company name and VAT number at checkout, on the order, in the mails,
at the order desk ("Confirm VAT number"), in the account's saved details, and in the
customer's data export and erasure.

VAT numbers are checked with python-stdnum (format and check digits); VIES cannot be
reached from the shop's server, so a number that passes is marked "not checked with VIES"
until staff confirm it.  The pages are read in English: the Dutch and French texts of
these messages come with the lead's translation.
"""

import json

import pytest

from shopcms.orders import business
from shopcms.orders.resources import ERASED
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.orders.test_checkout import (
    add_to_cart,
    checkout_form,
    fill,
    forms,
    orders,
    place_form,
)
from tests.outbox import queued

NL_COMPANY = "Cactus Trading BV"
NL_VAT = "NL004495445B01"


# -- the numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, compact",
    [
        ("NL004495445B01", "NL004495445B01"),
        ("nl 0044.95445.b01", "NL004495445B01"),
        ("BE 0428.759.497", "BE0428759497"),
        ("be0428759497", "BE0428759497"),
        ("DE 136 695 976", "DE136695976"),
        ("FR 40 303 265 045", "FR40303265045"),
        ("EL 094259216", "EL094259216"),
        ("GR094259216", "EL094259216"),  # Greece's VAT prefix is EL, not its ISO code
    ],
)
def test_valid_numbers_of_eu_countries_are_accepted_and_kept_compact(typed, compact):
    assert business.check(typed) == compact


@pytest.mark.parametrize(
    "typed, country, form",
    [
        ("NL004495446B01", "Netherlands", "NL999999999B99"),
        ("BE0428759498", "Belgium", "BE0999999999 / BE1999999999"),
        ("DE136695977", "Germany", "DE999999999"),
        ("EL094259217", "Greece", "EL999999999"),
    ],
)
def test_a_wrong_check_digit_is_refused_naming_the_form_of_that_countrys_numbers(
    typed, country, form
):
    with pytest.raises(business.VatNumberProblem) as refused:
        business.check(typed)
    message = refused.value.message
    assert message.mapping["country"] == country and message.mapping["format"] == form
    assert message.interpolate().startswith(f"The check digits of {typed} are not right")
    # In the customer's language too: the country's name is Babel's.
    with pytest.raises(business.VatNumberProblem) as refused:
        business.check(typed, "fr")
    french = ("Pays-Bas", "Belgique", "Allemagne", "Grèce")
    assert refused.value.message.mapping["country"] in french


def test_a_number_of_no_eu_country_or_of_the_wrong_form_is_refused():
    for typed in ("GB980780684", "CHE-123.456.788", "XI980780684", "123"):
        with pytest.raises(business.VatNumberProblem) as refused:
            business.check(typed)
        assert "not the VAT number of an EU country" in refused.value.message.interpolate()
    with pytest.raises(business.VatNumberProblem) as refused:
        business.check("NL12345")
    assert refused.value.message.interpolate().startswith(
        "NL12345 is not a VAT number of Netherlands: it has the form NL999999999B99"
    )


# -- the checkout ----------------------------------------------------------------------------


def business_checkout(app, company=NL_COMPANY, vat=NL_VAT, lang="en", tick=True, **extra):
    """The checkout form for one mug, delivered in Amsterdam, as a business (its box
    ticked unless ``tick`` is False), submitted: the review (or the refusal)."""
    add_to_cart(app, "mug-cafe", 1, lang)
    address = {
        "delivery.street": "Keizersgracht 1",
        "delivery.postcode": "1015 CJ",
        "delivery.city": "Amsterdam",
        "delivery.country": "NL",
    }
    form = fill(checkout_form(app, lang), **{**address, **extra})
    form["for_business"] = tick
    form["company"] = company
    form["vat_number"] = vat
    return form.submit(status="*")


def place(review):
    form = place_form(review)
    form["accept_terms"] = True
    return form.submit(status=303).follow()


def test_a_business_buys_with_its_vat_number_shown_on_the_review_the_order_and_the_mails(site, app):
    review = business_checkout(app, vat="nl 0044.95445.b01")
    assert review.status_code == 200
    card = review.html.select_one("#business-buyer")
    assert card.select_one(".buyer-company").text == NL_COMPANY
    assert card.select_one(".buyer-vat").text == f"VAT number: {NL_VAT}"
    assert "Not checked with VIES" in card.select_one(".vat-status").text

    confirmation = place(review)
    [order] = orders(site)
    assert (order.buyer_company, order.buyer_vat, order.buyer_vat_status) == (
        NL_COMPANY,
        NL_VAT,
        "format",
    )
    card = confirmation.html.select_one("#business-buyer")
    assert card.select_one(".buyer-vat").text == f"VAT number: {NL_VAT}"
    assert "Not checked with VIES" in card.select_one(".vat-status").text

    [(_to, mail)] = queued(site)
    line = f"Company: {NL_COMPANY}, VAT number {NL_VAT}"
    assert line in mail.get_body(("plain",)).get_content()
    assert line in mail.get_body(("html",)).get_content()


def test_a_wrong_check_digit_is_refused_next_to_the_field_and_nothing_is_placed(site, app):
    refused = business_checkout(app, vat="NL004495446B01")
    assert refused.status_code == 400
    field = refused.html.select_one("#checkout-business-vat-number")
    assert field["aria-invalid"] == "true"
    message = refused.html.select_one(f"#{field['aria-describedby'].split()[0]}").text
    assert "The check digits of NL004495446B01 are not right" in message
    assert "NL999999999B99" in message
    links = [a["href"] for a in refused.html.select(".error-summary a")]
    assert "#checkout-business-vat-number" in links
    assert orders(site) == []


def test_a_vat_number_needs_a_company_name(site, app):
    refused = business_checkout(app, company="")
    assert refused.status_code == 400
    field = refused.html.select_one("#checkout-business-company")
    assert field["aria-invalid"] == "true"
    assert "a VAT number goes with it" in refused.html.select_one(".error-summary").text


def test_the_vat_number_must_be_of_the_billing_addresss_country(site, app):
    # A Belgian number for an invoice to Amsterdam: refused, saying why.
    refused = business_checkout(app, vat="BE0428759497")
    assert refused.status_code == 400
    field = refused.html.select_one("#checkout-business-vat-number")
    assert field["aria-invalid"] == "true"
    text = refused.html.select_one(".error-summary").text
    assert "one of Belgium" in text and "address in Netherlands" in text
    # With a billing address in Belgium it is the right one; typed without its prefix, it
    # gets Belgium's.
    add_to_cart(app, "mug-cafe", 1, "en")
    form = fill(checkout_form(app, "en"))  # delivered in Gent
    form["separate_billing"] = True
    for name, value in (("street", "Rue Neuve 1"), ("postcode", "1000"), ("city", "Brussel")):
        next(f for f in form.fields[name] if f.id == f"checkout-billing-{name}").value = value
    next(f for f in form.fields["country"] if f.id == "checkout-billing-country").value = "BE"
    form["for_business"] = True
    form["company"] = "Onto Object BV"
    form["vat_number"] = "0428.759.497"
    review = form.submit(status=200)
    assert "BE0428759497" in review.html.select_one("#business-buyer").text
    place(review)
    order = next(o for o in orders(site) if o.buyer_vat)
    assert order.buyer_vat == "BE0428759497"


def test_without_its_box_the_business_part_is_not_read(site, app):
    review = business_checkout(app, tick=False)
    assert review.status_code == 200
    assert review.html.select_one("#business-buyer") is None
    place(review)
    [order] = orders(site)
    assert (order.buyer_company, order.buyer_vat, order.buyer_vat_status) == (None, None, None)


def test_the_business_part_is_labelled_and_explained_and_needs_no_script(site, app):
    add_to_cart(app, "mug-cafe", 1, "en")
    page = app.get("/en/checkout")
    part = page.html.select_one("fieldset.business-buyer")
    assert part.legend.text.strip() == "Buying for a business"
    for name in ("business-for-business", "business-company", "business-vat-number"):
        control = part.select_one(f"#checkout-{name}")
        assert part.select_one(f"label[for=checkout-{name}]") is not None, name
        assert not control.has_attr("required"), name  # optional, also without JavaScript
    help_id = part.select_one("#checkout-business-vat-number")["aria-describedby"]
    assert "billing address" in part.select_one(f"#{help_id}").text
    [script] = [s["src"] for s in page.html.select("script[src]") if "checkout" in s["src"]]
    assert "fieldset.business-buyer" in app.get(script).text


# -- the order desk ---------------------------------------------------------------------------


def admin(site):
    app = Browser(site.wsgi)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    return app


def test_staff_confirm_the_vat_number_and_the_history_says_who(site, app):
    place(business_checkout(app))
    [order] = orders(site)
    staff = admin(site)
    page = staff.get(f"/en/manage/orders/{order.number}")
    panel = page.html.select_one("#business-buyer")
    assert panel.select_one(".buyer-company").text == NL_COMPANY
    assert panel.select_one(".vies-unchecked").text == "not checked with VIES"
    form = page.forms["confirm-vat"]
    form["comment"] = "VIES consultation WAPIAAAAXYZ"
    done = form.submit("confirm", status=303).follow()
    assert done.html.select_one("#business-buyer .vies-confirmed") is not None
    assert "confirm-vat" not in done.forms  # nothing left to confirm
    row = done.html.select("table.history tbody tr")[0]  # newest first
    cells = [cell.get_text(strip=True) for cell in row.select("td")]
    assert cells[1:3] == [ADMIN_EMAIL, "VAT number confirmed"]
    assert cells[4] == "VIES consultation WAPIAAAAXYZ"
    [order] = orders(site)
    assert order.buyer_vat_status == "confirmed"
    entry = order.workflow_history[-1]
    assert entry.transition == "confirm-vat" and entry.actor != "customer"
    assert site.read(lambda root: root["customers"][entry.actor].email) == ADMIN_EMAIL
    # A second click (a retry) changes nothing: 409, one entry.
    form.submit("confirm", status=409)
    assert [e.transition for e in orders(site)[0].workflow_history].count("confirm-vat") == 1
    # The "payment received" mail names the company too.
    pay = done.forms["transition-pay"]
    pay.submit("run", status=303)
    paid = queued(site)[-1][1]
    assert paid["Subject"].startswith("Payment received")
    assert f"Company: {NL_COMPANY}, VAT number {NL_VAT}" in paid.get_body(("plain",)).get_content()


def test_only_staff_confirm_and_only_with_the_forms_token(site, app):
    place(business_checkout(app))
    [order] = orders(site)
    staff = admin(site)
    token = staff.get(f"/en/manage/orders/{order.number}").forms["confirm-vat"]["csrf_token"]
    staff.post(f"/en/manage/orders/{order.number}/confirm-vat", {"comment": ""}, status=400)
    customer_id = site.add_account("buyer@example.nl")
    customer = Browser(site.wsgi)
    login(customer, "buyer@example.nl", PASSWORD)
    with site.edit() as root:  # the order is even the customer's own
        root["orders"][order.number].customer = customer_id
    customer.post(
        f"/en/manage/orders/{order.number}/confirm-vat",
        {"csrf_token": token.value, "comment": ""},
        status=403,
    )
    assert orders(site)[0].buyer_vat_status == "format"


# -- the account ------------------------------------------------------------------------------


def customer_with_business(site, vat=NL_VAT):
    """A logged-in customer who keeps their details, with a company and VAT number saved
    on the preferences page."""
    site.add_account("anna@example.nl")
    app = Browser(site.wsgi)
    login(app, "anna@example.nl", PASSWORD, lang="en")
    page = app.get("/en/account/preferences")
    assert "company" not in page.forms["preferences"].fields  # not without the consent
    page.forms["keep-details"].submit(status=303)
    form = app.get("/en/account/preferences").forms["preferences"]
    form["company"] = NL_COMPANY
    form["vat_number"] = vat
    return app, form.submit("save", status="*")


def test_the_saved_company_and_vat_number_prefill_the_checkout(site):
    app, saved = customer_with_business(site, vat="nl004495445b01")
    assert saved.status_code == 303
    form = app.get("/en/account/preferences").forms["preferences"]
    assert (form["company"].value, form["vat_number"].value) == (NL_COMPANY, NL_VAT)
    add_to_cart(app, "mug-cafe", 1, "en")
    checkout = checkout_form(app, "en")
    assert checkout["for_business"].checked
    assert (checkout["company"].value, checkout["vat_number"].value) == (NL_COMPANY, NL_VAT)


def test_the_account_refuses_a_wrong_vat_number_next_to_the_field(site):
    _app, refused = customer_with_business(site, vat="NL004495446B01")
    assert refused.status_code == 400
    field = refused.html.select_one("#preferences-vat-number")
    assert field["aria-invalid"] == "true"
    assert "NL999999999B99" in refused.html.select_one(".error-summary").text
    account = site.read(lambda root: root["customers"].find("anna@example.nl").preferences)
    assert (account.company, account.vat_number) == ("", "")


def test_withdrawing_the_consent_forgets_them(site):
    app, _saved = customer_with_business(site)
    page = app.get("/en/account/privacy")
    [withdraw] = [
        form
        for form in forms(page)
        if form.action.endswith("/account/consent")
        and form["purpose"].value == "account_data"
        and form["op"].value == "withdraw"
    ]
    withdraw.submit(status=303)
    preferences = site.read(lambda root: root["customers"].find("anna@example.nl").preferences)
    assert (preferences.company, preferences.vat_number) == ("", "")
    add_to_cart(app, "mug-cafe", 1, "en")
    assert checkout_form(app, "en")["company"].value == ""


# -- privacy ---------------------------------------------------------------------------------


def test_the_export_holds_them_and_the_erasure_removes_them_from_order_and_account(site):
    app, _saved = customer_with_business(site)
    place(business_checkout(app))
    [order] = orders(site)
    assert order.buyer_vat == NL_VAT

    export = json.loads(app.get("/en/account/export.json").text)
    assert export["preferences"]["company"] == NL_COMPANY
    assert export["preferences"]["vat_number"] == NL_VAT
    [exported] = export["orders"]
    assert (exported["buyer_company"], exported["buyer_vat"]) == (NL_COMPANY, NL_VAT)
    assert exported["buyer_vat_status"] == "format"
    own = app.get(f"/en/account/orders/{order.number}").html.select_one("#business-buyer")
    assert own.select_one(".buyer-vat").text == f"VAT number: {NL_VAT}"
    readable = app.get("/en/account/export")
    assert readable.html.select_one("#export-preferences .vat-number").text == NL_VAT
    assert readable.html.select_one("#export-orders .buyer-vat").text == NL_VAT

    # Shipped, the order no longer holds the erasure back.
    with site.edit() as root:
        root["orders"][order.number].transition(None, "pay", actor="system:test")
        root["orders"][order.number].transition(None, "ship", actor="system:test")
    form = app.get("/en/account/delete").forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete", status=200)
    [order] = orders(site)
    assert (order.buyer_company, order.buyer_vat) == (ERASED, ERASED)
    assert site.read(lambda root: root["customers"].find("anna@example.nl")) is None
    # The desk shows that they were erased, and offers nothing to confirm.
    page = admin(site).get(f"/en/manage/orders/{order.number}")
    assert page.html.select_one("#business-buyer .buyer-company").text == "(erased)"
    assert "confirm-vat" not in page.forms
