"""The customer's account pages: orders, addresses, payment methods, preferences, and that
another customer can reach none of them (acceptance 5 for these URLs)."""

import pytest

from shopcms.accounts.evolve import accounts_preferences_and_tokens
from shopcms.orders.payments.saved import SavedPaymentMethod
from shopcms.privacy import ledger
from shopcms.privacy.account_data import give_account_data
from shopcms.privacy.purposes import ACCOUNT_DATA
from shopcms.privacy.vault import get_vault
from shopcms.web.clock import now
from tests.accounts.markup import forms_of
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order

A_EMAIL, B_EMAIL = "anna@example.be", "bert@example.be"
ACCOUNT_PAGES = ("", "orders", "addresses", "payment-methods", "preferences")


def customer(site, email):
    """A logged-in TestApp for a new customer, and the account id."""
    userid = site.add_account(email)
    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    return app, userid


def token(page):
    return page.html.select_one("input[name=csrf_token]")["value"]


def keep_details(site, userid):
    """The customer consents to keeping account data (as the checkout box does)."""
    with site.edit() as root:
        account = root["customers"][userid]
        give_account_data(account.preferences, root, "nl", now(site.registry), "checkout")


def preferences(site, userid, read):
    return site.read(lambda root: read(root["customers"][userid].preferences))


@pytest.fixture
def anna(site):
    return customer(site, A_EMAIL)


@pytest.fixture
def bert(site):
    return customer(site, B_EMAIL)


def seed_anna(site, userid):
    """Anna's order, two addresses and a saved card: ``(number, address ids, method id)``."""
    keep_details(site, userid)
    with site.edit() as root:
        number = make_order(root, customer=userid, state="paid").number
        prefs = root["customers"][userid].preferences
        first = prefs.add_address("Anna", "Annastraat 7", "2000", "Antwerpen", "BE")
        second = prefs.add_address("Anna", "Rue d'Anna 9", "1000", "Bruxelles", "BE")
        method = prefs.add_payment_method(
            SavedPaymentMethod(
                id="a1b2c3d4e5f6",
                provider="mollie",
                method="creditcard",
                brand="Visa",
                last4="4242",
                expiry="08/30",
                sealed_token=get_vault(site.registry).seal("mdt_AnnasMandate1"),
                customer_ref="cst_AnnasCustomer",
            )
        )
    return number, (first["id"], second["id"]), method.id


def anna_snapshot(site, userid):
    def read(root):
        prefs = root["customers"][userid].preferences
        return (
            [dict(a) for a in prefs.addresses],
            prefs.default_address,
            [m.id for m in prefs.payment_methods],
            prefs.phone,
            prefs.language,
            len(prefs.consents),
        )

    return site.read(read)


# -- every page is private and needs the login ---------------------------------------------


@pytest.mark.parametrize("page", ACCOUNT_PAGES)
def test_account_pages_need_a_login_and_are_never_cached(site, app, page):
    anonymous = app.get(f"/nl/account/{page}", status=403)
    assert anonymous.html.select_one("form#login") is not None
    logged_in, _userid = customer(site, A_EMAIL)
    answer = logged_in.get(f"/nl/account/{page}", status=200)
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_overview_links_to_every_account_page(site, anna):
    app, _userid = anna
    page = app.get("/fr/account/")
    links = {a["href"] for a in page.html.select("main a")}
    for target in (
        "orders",
        "addresses",
        "payment-methods",
        "preferences",
        "security",
        "privacy",
        "export",
    ):
        assert f"/fr/account/{target}" in links
    assert A_EMAIL in page.text


# -- orders --------------------------------------------------------------------------------


def test_orders_lists_the_customers_own_orders_with_their_status(site, anna, bert):
    app, anna_id = anna
    _app_b, bert_id = bert
    with site.edit() as root:
        older = make_order(root, customer=anna_id, state="shipped").number
        newer = make_order(root, customer=anna_id, items=(("mug-cafe", 2),)).number
        theirs = make_order(root, customer=bert_id).number
        guest = make_order(root).number
        total = root["orders"][newer].total
    page = app.get("/nl/account/orders")
    rows = page.html.select("table.orders tbody tr")
    assert [row["data-number"] for row in rows] == [newer, older]
    assert theirs not in page.text and guest not in page.text
    first = rows[0]
    assert first.select_one(".state").text.strip() == "Geplaatst"
    assert rows[1].select_one(".state").text.strip() == "Verzonden"
    assert first.select_one(".total").text.replace("\xa0", " ").strip() in (
        f"€ {total:.2f}".replace(".", ","),
        f"{total:.2f} €".replace(".", ","),
    )
    detail = app.get(f"/nl/account/orders/{newer}")
    assert newer in detail.html.select_one("h1").text
    assert "Kerkstraat 1" in detail.text  # the delivery address of the order


def test_an_order_page_answers_404_for_anything_but_the_customers_own(site, anna):
    app, anna_id = anna
    with site.edit() as root:
        number = make_order(root, customer=anna_id).number
        guest = make_order(root).number
    app.get(f"/nl/account/orders/{guest}", status=404)
    app.get("/nl/account/orders/2020-999999", status=404)
    app.get(f"/nl/account/orders/{number}/extra", status=404)
    app.get(f"/nl/account/orders/{number}", status=200)


def test_step_3_builds_the_order_lookup_by_customer_for_older_databases(site, anna):
    app, anna_id = anna
    with site.edit() as root:
        numbers = [make_order(root, customer=anna_id).number for _ in range(2)]
        make_order(root)  # a guest's
    with site.edit() as root:
        del root["orders"].by_customer  # as in a database of generation 2
    with site.edit() as root:
        accounts_preferences_and_tokens(root, site.registry)
    page = app.get("/nl/account/orders")
    assert [row["data-number"] for row in page.html.select("tbody tr")] == numbers[::-1]


# -- addresses -----------------------------------------------------------------------------


def test_without_the_consent_addresses_are_not_kept_and_it_is_offered(site, anna):
    app, anna_id = anna
    page = app.get("/nl/account/addresses")
    offer = page.html.select_one("#keep-consent")
    assert offer is not None
    assert page.html.select_one("form.add-address") is None
    fields = {
        "csrf_token": token(page),
        "name": "Anna",
        "street": "Kerkstraat 1",
        "postcode": "9000",
        "city": "Gent",
        "country": "BE",
    }
    app.post("/nl/account/addresses", fields, status=400)
    assert preferences(site, anna_id, lambda p: list(p.addresses)) == []

    [keep] = [f for f in forms_of(page) if f.action == "/nl/account/keep-details"]
    back = keep.submit(status=303)
    assert back.location.endswith("/nl/account/addresses")
    event = preferences(site, anna_id, lambda p: ledger.latest(p, ACCOUNT_DATA))
    assert (event.granted, event.form) == (True, "account-addresses")
    assert event.policy_revision and event.policy_hash  # the privacy statement in force

    page = back.follow()
    assert page.html.select_one("#keep-consent") is None
    app.post("/nl/account/addresses", {**fields, "csrf_token": token(page)}, status=303)
    [saved] = preferences(site, anna_id, lambda p: [dict(a) for a in p.addresses])
    assert (saved["street"], saved["postcode"], saved["city"]) == ("Kerkstraat 1", "9000", "Gent")


def test_addresses_are_added_made_default_and_removed(site, anna):
    app, anna_id = anna
    keep_details(site, anna_id)
    page = app.get("/nl/account/addresses")
    form = [f for f in forms_of(page) if f.action == "/nl/account/addresses"][0]
    for name, value in {
        "name": "Anna",
        "street": "Kerkstraat 1",
        "postcode": "123",
        "city": "Gent",
    }.items():
        form[name] = value
    refused = form.submit(status=400)
    assert "vier cijfers" in refused.html.select_one("#address-postcode-error").text
    assert refused.html.select_one("input[name=street]")["value"] == "Kerkstraat 1"
    form = [f for f in forms_of(refused) if f.action == "/nl/account/addresses"][0]
    form["postcode"] = "9000"
    form.submit(status=303)
    form = app.get("/nl/account/addresses").forms["address"]
    form["name"], form["street"], form["postcode"], form["city"] = (
        "A",
        "Lei 2",
        "2000",
        "Antwerpen",
    )
    form.submit(status=303)
    first, second = preferences(site, anna_id, lambda p: [a["id"] for a in p.addresses])
    assert preferences(site, anna_id, lambda p: p.default_address) == first

    page = app.get("/nl/account/addresses")
    cards = page.html.select(".address-card")
    assert [c["data-id"] for c in cards] == [first, second]
    app.post(f"/nl/account/addresses/{second}/default", {"csrf_token": token(page)}, status=303)
    assert preferences(site, anna_id, lambda p: p.default_address) == second
    app.post(f"/nl/account/addresses/{second}/remove", {"csrf_token": token(page)}, status=303)
    assert preferences(site, anna_id, lambda p: (p.default_address, len(p.addresses))) == (
        first,
        1,
    )
    app.post(f"/nl/account/addresses/{first}/remove", status=400)  # no CSRF token


# -- payment methods -----------------------------------------------------------------------


def test_payment_methods_show_brand_last_digits_and_expiry_and_can_be_removed(site, anna):
    app, anna_id = anna
    _number, _addresses, method_id = seed_anna(site, anna_id)
    page = app.get("/en/account/payment-methods")
    [card] = page.html.select(".payment-method")
    assert card.select_one("strong").text == "Visa •••• 4242 (08/30)"
    assert "mdt_" not in page.text and "cst_" not in page.text
    [remove] = [f for f in forms_of(page) if f.action.endswith(f"{method_id}/remove")]
    remove.submit(status=303)
    assert preferences(site, anna_id, lambda p: list(p.payment_methods)) == []


# -- preferences ---------------------------------------------------------------------------


def test_preferences_keep_the_language_and_the_phone_only_with_consent(site, anna):
    app, anna_id = anna
    page = app.get("/nl/account/preferences")
    assert page.html.select_one("input[name=phone]") is None
    assert page.html.select_one("#keep-consent") is not None
    fields = {"csrf_token": token(page), "language": "fr", "phone": "+32 470 99 88 77"}
    app.post("/nl/account/preferences", fields, status=303)
    assert preferences(site, anna_id, lambda p: (p.language, p.phone)) == ("fr", "")

    keep_details(site, anna_id)
    page = app.get("/nl/account/preferences")
    form = [f for f in forms_of(page) if f.action == "/nl/account/preferences"][0]
    assert form["language"].value == "fr"
    form["phone"] = "+32 470 99 88 77"
    form.submit(status=303)
    assert preferences(site, anna_id, lambda p: (p.language, p.phone)) == (
        "fr",
        "+32 470 99 88 77",
    )
    bad = {"csrf_token": token(page), "language": "de", "phone": "call me"}
    refused = app.post("/nl/account/preferences", bad, status=400)
    assert refused.html.select_one("#preferences-phone-error") is not None
    assert preferences(site, anna_id, lambda p: p.language) == "fr"


# -- another customer reaches nothing of Anna's (acceptance 5) ------------------------------


def test_another_customer_gets_404_on_every_url_of_anna_and_changes_nothing(site, anna, bert):
    app_a, anna_id = anna
    app_b, _bert_id = bert
    number, (first, second), method_id = seed_anna(site, anna_id)
    before = anna_snapshot(site, anna_id)
    csrf = token(app_b.get("/nl/account/addresses"))

    for url in (
        f"/nl/account/orders/{number}",
        f"/nl/account/addresses/{first}",
        f"/nl/account/payment-methods/{method_id}",
        f"/nl/account/preferences/{anna_id}",
        f"/nl/account/{anna_id}",
        f"/nl/account/{anna_id}/orders",
    ):
        app_b.get(url, status=404)
    for url in (
        f"/nl/account/addresses/{first}/remove",
        f"/nl/account/addresses/{second}/remove",
        f"/nl/account/addresses/{second}/default",
        f"/nl/account/payment-methods/{method_id}/remove",
    ):
        app_b.post(url, {"csrf_token": csrf}, status=404)
    # Bert's own pages show nothing of Anna's.
    for page in ACCOUNT_PAGES:
        text = app_b.get(f"/nl/account/{page}").text
        assert number not in text and "Annastraat" not in text and "4242" not in text
    assert anna_snapshot(site, anna_id) == before
    # ...while Anna reaches all of it.
    app_a.get(f"/nl/account/orders/{number}", status=200)
    assert "Annastraat 7" in app_a.get("/nl/account/addresses").text
    assert "4242" in app_a.get("/nl/account/payment-methods").text
