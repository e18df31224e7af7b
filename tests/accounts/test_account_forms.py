"""The forms of accounts: one deform form system, ids that never meet, labels tied to their
own form's fields, and every refused form answered with 400 and its error summary (linked
to the fields, each marked invalid and described by its message)."""

import pyotp
import pytest
import transaction

from tests.accounts.markup import (
    assert_error_summary,
    assert_ids_unique,
    assert_labels_point_into_their_forms,
)
from tests.accounts.test_account_pages import customer, keep_details, seed_anna
from tests.accounts.test_account_security import turn_on_second_factor
from tests.accounts.test_registration import link_in, local, mails_to, register
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.factories import make_order

SECURITY = "/nl/account/security"
GUEST = "gast@example.be"


def well_formed(page):
    assert_ids_unique(page)
    assert_labels_point_into_their_forms(page)


@pytest.fixture
def staff(site, app):
    site.add_account("staff@example.be", roles=("editor",))
    login(app, "staff@example.be", PASSWORD)
    return app


@pytest.fixture
def admin(site):
    app = Browser(site.wsgi)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    return app


# -- ids and labels ------------------------------------------------------------------------


def test_the_security_page_keeps_the_ids_of_its_forms_apart(site, staff):
    page = staff.get(SECURITY)
    assert {"change-password", "change-email", "totp-start"} <= set(page.forms)
    well_formed(page)
    # Each form's fields carry its formid: the two password fields are two fields.
    assert page.html.select_one("#change-password-current") is not None
    assert page.html.select_one("#change-email-current") is not None
    refused = page.forms["change-password"].submit("change_password", status=400)
    well_formed(refused)
    setup = staff.get(SECURITY).forms["totp-start"].submit("totp_start", status=200)
    assert "totp-on" in setup.forms
    well_formed(setup)
    turn_on_second_factor(site, staff)
    page = staff.get(SECURITY)
    assert "totp-off" in page.forms
    well_formed(page)


def test_pages_with_a_form_per_item_keep_their_ids_apart(site, admin):
    app, userid = customer(site, "anna@example.be")
    seed_anna(site, userid)
    for path in ("addresses", "payment-methods", "preferences", "privacy", "delete"):
        well_formed(app.get(f"/nl/account/{path}"))
    well_formed(Browser(site.wsgi).get("/nl/login"))
    well_formed(admin.get("/nl/manage/customers/"))
    with site.edit() as root:
        make_order(root, contact={"email": GUEST})
    form = admin.get("/nl/manage/privacy/").forms["find"]
    form["email"] = GUEST
    found = form.submit("find", status=200)
    assert {"find", "guest-export", "guest-erase"} <= set(found.forms)
    well_formed(found)


def test_the_keep_consent_offer_is_a_form_of_its_own(site):
    app, _userid = customer(site, "anna@example.be")
    for page in ("addresses", "payment-methods", "preferences"):
        form = app.get(f"/nl/account/{page}").forms["keep-details"]
        assert form.action == "/nl/account/keep-details"
        assert form["page"].value == page
    back = form.submit("keep", status=303)
    assert back.location.endswith("/nl/account/preferences")
    assert "keep-details" not in back.follow().forms


# -- refused forms: 400 with the error summary ----------------------------------------------


def submit(page, formid, button, **values):
    form = page.forms[formid]
    for name, value in values.items():
        form[name] = value
    return form.submit(button, status=400)


def test_login_register_and_the_link_forms(site, app):
    assert_error_summary(
        submit(app.get("/nl/login"), "login", "login"), "login", ["email", "password"]
    )
    assert_error_summary(
        submit(app.get("/nl/register"), "register", "register", email="nope"),
        "register",
        ["email", "password"],
    )
    for path, formid in (("/nl/reset", "reset"), ("/nl/verify/resend", "resend")):
        assert_error_summary(submit(app.get(path), formid, "send"), formid, ["email"])

    register(app, "new@example.be")
    page = Browser(site.wsgi).get(local(link_in(mails_to(site, "new@example.be")[0])))
    assert_error_summary(submit(page, "token", "confirm"), "token", ["password"])
    wrong = submit(page, "token", "confirm", password="not the password")
    assert_error_summary(wrong, "token", ["password"])

    site.add_account("forgot@example.be")
    ask = app.get("/nl/reset").forms["reset"]
    ask["email"] = "forgot@example.be"
    ask.submit("send", status=200)
    page = app.get(local(link_in(mails_to(site, "forgot@example.be")[-1])))
    refused = submit(page, "new-password", "save", password="short")
    assert_error_summary(refused, "new-password", ["password"])
    assert refused.forms["new-password"]["token"].value == page.forms["new-password"]["token"].value


def test_the_second_step_of_a_login(site, staff):
    secret = turn_on_second_factor(site, staff)
    browser = Browser(site.wsgi)
    asked = login(browser, "staff@example.be", PASSWORD, status=200)
    # The form shown by the login itself carries the new session's token: usable as it is.
    refused = submit(asked, "login-code", "login", code="12")
    assert_error_summary(refused, "login-code", ["code"])
    form = refused.forms["login-code"]
    form["code"] = pyotp.TOTP(secret).at(site.registry.shopcms_clock(), counter_offset=1)
    assert form.submit("login", status=303).location.endswith("/nl/manage/")


def test_the_forms_of_the_security_page(site, staff):
    page = staff.get(SECURITY)
    assert_error_summary(
        submit(page, "change-password", "change_password"),
        "change-password",
        ["current", "password"],
    )
    wrong = submit(
        page, "change-password", "change_password", current="not it", password="a new passphrase"
    )
    assert_error_summary(wrong, "change-password", ["current"])
    assert_error_summary(
        submit(page, "change-email", "change_email", email="nope"),
        "change-email",
        ["email", "current"],
    )
    same = submit(page, "change-email", "change_email", email="staff@example.be", current=PASSWORD)
    assert_error_summary(same, "change-email", ["email"])

    setup = staff.get(SECURITY).forms["totp-start"].submit("totp_start", status=200)
    assert_error_summary(submit(setup, "totp-on", "totp_on", code="abc"), "totp-on", ["code"])
    turn_on_second_factor(site, staff)
    page = staff.get(SECURITY)
    assert_error_summary(submit(page, "totp-off", "totp_off"), "totp-off", ["current", "code"])
    # A code of another secret: wrong, unless by a one in a million chance.
    code = pyotp.TOTP(pyotp.random_base32()).at(site.registry.shopcms_clock())
    wrong = submit(page, "totp-off", "totp_off", current=PASSWORD, code=code)
    assert_error_summary(wrong, "totp-off", ["code"])


def test_the_forms_of_the_account_pages(site):
    app, userid = customer(site, "anna@example.be")
    keep_details(site, userid)
    page = app.get("/nl/account/addresses")
    assert_error_summary(
        submit(page, "address", "save"), "address", ["name", "street", "postcode", "city"]
    )
    values = {"name": "Anna", "street": "Lei 2", "postcode": "20", "city": "Antwerpen"}
    assert_error_summary(submit(page, "address", "save", **values), "address", ["postcode"])
    page = app.get("/nl/account/preferences")
    # Each language is named in itself, and marked so for screen readers.
    options = page.html.select("#preferences-language option")
    assert [(o["value"], o["lang"]) for o in options] == [("nl", "nl"), ("fr", "fr"), ("en", "en")]
    assert_error_summary(
        submit(page, "preferences", "save", phone="call me"), "preferences", ["phone"]
    )
    page = app.get("/nl/account/delete")
    assert_error_summary(submit(page, "delete", "delete"), "delete", ["password"])
    wrong = submit(page, "delete", "delete", password="not my password")
    assert_error_summary(wrong, "delete", ["password"])


def test_the_forms_of_the_privacy_desk(site, admin):
    userid = site.add_account("klant@example.be")
    page = admin.get("/nl/manage/privacy/")
    assert_error_summary(submit(page, "find", "find", email="nope"), "find", ["email"])
    page = admin.get(f"/nl/manage/customers/{userid}/erase")
    assert_error_summary(submit(page, "erase", "erase"), "erase", ["note"])
    with site.edit() as root:
        make_order(root, contact={"email": GUEST})
    form = admin.get("/nl/manage/privacy/").forms["find"]
    form["email"] = GUEST
    found = form.submit("find", status=200)
    refused = submit(found, "guest-erase", "erase", note="x")
    assert_error_summary(refused, "guest-erase", ["note"])
    # The desk still shows what it found, with the address kept in the form.
    assert refused.html.select_one("#guest-orders") is not None
    assert refused.forms["guest-erase"]["email"].value == GUEST


def test_button_forms_whose_values_were_tampered_with_are_refused(site, admin):
    app, _userid = customer(site, "anna@example.be")
    keep = app.get("/nl/account/preferences").forms["keep-details"]
    keep["page"].force_value("security")
    keep.submit(status=400)
    with site.edit() as root:
        make_order(root, contact={"email": GUEST})
    form = admin.get("/nl/manage/privacy/").forms["find"]
    form["email"] = GUEST
    found = form.submit("find", status=200)
    export = found.forms["guest-export"]
    export["email"].force_value("not an address")
    export.submit(status=400)
    erase = found.forms["guest-erase"]
    erase["email"].force_value("not an address")
    erase["note"] = "request by mail"
    erase.submit(status=400)


# -- mailed links ---------------------------------------------------------------------------


def test_mailed_links_are_absolute_on_the_public_address(tmp_path):
    from tests.conftest import make_site

    site = make_site(tmp_path, **{"shopcms.public_url": "https://shop.example/"})
    try:
        app = Browser(site.wsgi)
        register(app, "far@example.be", lang="fr")
        link = link_in(mails_to(site, "far@example.be")[0])
        assert link.startswith("https://shop.example/fr/verify?token=")
        site.add_account("known@example.be")
        register(Browser(site.wsgi), "known@example.be")
        text = mails_to(site, "known@example.be")[0].get_body(("plain",)).get_content()
        assert "https://shop.example/nl/login" in text and "https://shop.example/nl/reset" in text
    finally:
        transaction.abort()
        site.close()
