"""Saved payment methods through Mollie (customers, mandates, recurring payments), against
the fake Mollie of ``tests/mollie_server.py``.

The webhook calls Mollie would make are replayed with WebTest, as in test_payments_mollie.
"""

import logging

import pytest
import transaction
from cryptography.fernet import Fernet
from pyramid.paster import get_app

from shopcms import cli
from shopcms.orders.payments.saved import SavedPaymentMethod
from shopcms.privacy.account_data import give_account_data, withdraw_account_data
from shopcms.privacy.vault import get_vault
from shopcms.tree.database import get_database, site_transaction
from shopcms.web.clock import now
from tests.cli.test_cli import INI
from tests.conftest import PASSWORD, Browser, login, make_site
from tests.mollie_server import MollieError
from tests.orders.test_checkout import field, fill_in, forms
from tests.orders.test_payments_mollie import card_like, database_strings

DETAILS = {
    "name": "Anna Peeters",
    "phone": "+32 470 12 34 56",
    "delivery.street": "Kerkstraat 1",
    "delivery.postcode": "9000",
    "delivery.city": "Gent",
}


@pytest.fixture
def site(tmp_path, mollie):
    site = make_site(tmp_path, **mollie.settings())
    yield site
    transaction.abort()
    site.close()


def customer(site, email):
    userid = site.add_account(email)
    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    return app, userid


def checkout_form(app):
    page = app.get("/nl/products/mug-cafe")
    [cart] = [f for f in forms(page) if f.action == "/nl/cart"]
    cart.submit(status=303)
    page = app.get("/nl/checkout")
    return [f for f in forms(page) if f.action == "/nl/checkout"][0]


def buy(app, payment, keep=False, fill=DETAILS):
    """Check out one mug paying with ``payment``; the answer to placing the order (303)."""
    form = fill_in(checkout_form(app), fill)
    form["payment"] = payment
    if keep:
        form["keep_details"] = True
    review = form.submit(status=200)
    [place] = [f for f in forms(review) if f.fields.get("step") and f["step"].value == "place"]
    place["accept_terms"] = True
    return place.submit(status=303)


def webhook(app, payment_id, expect=200):
    return Browser(app.app).post("/nl/mollie-webhook", {"id": payment_id}, status=expect)


def latest_order(site, userid):
    def read(root):
        order = root["orders"].of_customer(userid)[0]
        return order.number, order.state, order.payment_ids, order.payment_method

    return site.read(read)


def saved_methods(site, userid):
    return site.read(lambda root: list(root["customers"][userid].preferences.payment_methods))


def mandate_of(site, saved):
    return get_vault(site.registry).open(saved.sealed_token)


def pay_and_save(app, site, mollie, userid, payment="creditcard"):
    """Buy with ``payment`` ticking "save", pay on the provider's page, the webhook comes:
    the SavedPaymentMethod kept."""
    placed = buy(app, payment, keep=True)
    _number, _state, [payment_id], _method = latest_order(site, userid)
    assert placed.location == f"{mollie.base_url}/checkout/{payment_id}"
    mollie.set_status(payment_id, "paid")  # the customer paid on Mollie's page
    webhook(app, payment_id)
    [saved] = saved_methods(site, userid)
    return saved


def test_a_card_saved_at_checkout_pays_the_next_order_without_the_providers_page(
    site, mollie, caplog
):
    caplog.set_level(logging.INFO)
    anna, userid = customer(site, "anna@example.be")
    saved = pay_and_save(anna, site, mollie, userid)

    # Name and email went to Mollie only now, to create its customer; the payment was the
    # "first" of that customer.
    posts = [(path, body) for method, path, body in mollie.requests if method == "POST"]
    assert [path for path, _body in posts] == ["/v2/customers", "/v2/payments"]
    created, first = posts[0][1], posts[1][1]
    assert (created["name"], created["email"]) == ("Anna Peeters", "anna@example.be")
    [customer_id] = mollie.customers
    assert (first["customerId"], first["sequenceType"]) == (customer_id, "first")
    assert latest_order(site, userid)[1] == "paid"

    # What is kept: what Mollie's mandate shows, the mandate id sealed.
    [mandate] = mollie.mandates[customer_id]
    assert (saved.provider, saved.method, saved.brand, saved.last4, saved.expiry) == (
        "mollie",
        "creditcard",
        "Mastercard",
        "4444",
        "11/29",
    )
    assert saved.customer_ref == customer_id
    assert mandate_of(site, saved) == mandate["id"]
    assert mandate["id"].encode() not in saved.sealed_token

    # A repeated webhook keeps nothing twice.
    webhook(anna, latest_order(site, userid)[2][0])
    assert len(saved_methods(site, userid)) == 1

    # The next checkout offers the saved card; paying with it charges the mandate at once.
    form = checkout_form(anna)
    [option] = form.html.select("label.saved-payment")
    assert "Mastercard •••• 4444 (11/29)" in option.text
    assert field(form, "delivery.street").value == "Kerkstraat 1"  # the address was kept as well
    placed = buy(anna, f"saved:{saved.id}", fill={})
    number, state, [recurring_id], method = latest_order(site, userid)
    assert placed.location.startswith(f"http://localhost/nl/order/{number}/")
    assert (state, method) == ("paid", "creditcard")
    body = mollie.requests[-1][2]
    assert (body["sequenceType"], body["customerId"], body["mandateId"]) == (
        "recurring",
        customer_id,
        mandate["id"],
    )
    assert "redirectUrl" not in body and "name" not in body and "email" not in body
    assert len(mollie.customers) == 1  # no second customer, no second disclosure
    disclosed = site.read(
        lambda root: [
            (d.recipient, d.purpose, d.fields) for d in root["customers"][userid].disclosures
        ]
    )
    assert disclosed == [("mollie", "account_data", ("email", "locale", "name"))]
    webhook(anna, recurring_id)  # Mollie's call afterwards changes nothing more
    assert latest_order(site, userid)[1] == "paid"
    assert mandate["id"] not in caplog.text


def test_bancontact_keeps_the_masked_account_and_a_direct_debit_settles_by_the_webhook(
    site, mollie
):
    anna, userid = customer(site, "anna@example.be")
    saved = pay_and_save(anna, site, mollie, userid, payment="bancontact")
    assert (saved.method, saved.brand, saved.last4, saved.expiry) == (
        "bancontact",
        "Bancontact",
        "BE•• •••• 7034",
        "",
    )
    buy(anna, f"saved:{saved.id}", fill={})
    number, state, [payment_id], _method = latest_order(site, userid)
    assert state == "placed"  # a direct debit takes days
    mollie.set_status(payment_id, "paid")
    webhook(anna, payment_id)
    assert latest_order(site, userid)[:2] == (number, "paid")


def test_a_second_customer_who_does_not_tick_the_box_has_nothing_kept(site, mollie):
    bert, userid = customer(site, "bert@example.be")
    buy(bert, "creditcard")
    [payment_id] = latest_order(site, userid)[2]
    mollie.set_status(payment_id, "paid")
    webhook(bert, payment_id)
    assert latest_order(site, userid)[1] == "paid"

    def kept(root):
        prefs = root["customers"][userid].preferences
        return list(prefs.addresses), prefs.phone, list(prefs.payment_methods), list(prefs.consents)

    assert site.read(kept) == ([], "", [], [])
    assert mollie.customers == {} and mollie.mandates == {}
    assert mollie.requests[0][2].get("sequenceType") is None  # an ordinary payment
    assert checkout_form(bert).html.select("label.saved-payment") == []


def test_a_revoked_mandate_leaves_the_order_to_be_paid_on_the_providers_page(site, mollie):
    anna, userid = customer(site, "anna@example.be")
    saved = pay_and_save(anna, site, mollie, userid)
    mollie.revoke_mandate(saved.customer_ref, mandate_of(site, saved))
    placed = buy(anna, f"saved:{saved.id}", fill={})
    number, state, payment_ids, _method = latest_order(site, userid)
    assert (state, payment_ids) == ("placed", ())
    page = placed.follow()
    [pay] = [f for f in forms(page) if (f.action or "").endswith("/pay")]
    assert pay.submit(status=303).location.startswith(f"{mollie.base_url}/checkout/")


def test_a_saved_method_cannot_be_used_by_another_customer(site, mollie):
    anna, anna_id = customer(site, "anna@example.be")
    saved = pay_and_save(anna, site, mollie, anna_id)
    bert, bert_id = customer(site, "bert@example.be")
    form = fill_in(checkout_form(bert), DETAILS)
    form["payment"].force_value(f"saved:{saved.id}")
    page = form.submit(status=400)
    assert page.html.select_one("label.saved-payment") is None
    assert site.read(lambda root: root["orders"].of_customer(bert_id)) == []


def test_removing_a_saved_card_forgets_it_here_and_at_mollie(site, mollie):
    anna, userid = customer(site, "anna@example.be")
    saved = pay_and_save(anna, site, mollie, userid)
    page = anna.get("/nl/account/payment-methods")
    [remove] = [f for f in forms(page) if f.action.endswith(f"/{saved.id}/remove")]
    remove.submit(status=303)
    assert saved_methods(site, userid) == []
    # The only method of that Mollie customer: the customer is deleted, its mandate with it.
    assert ("DELETE", f"/v2/customers/{saved.customer_ref}", None) in mollie.requests
    assert mollie.customers == {}
    assert checkout_form(anna).html.select("label.saved-payment") == []


def test_withdrawing_the_consent_forgets_the_card_here_and_at_mollie(site, mollie):
    anna, userid = customer(site, "anna@example.be")
    saved = pay_and_save(anna, site, mollie, userid)
    with site.edit() as root:
        prefs = root["customers"][userid].preferences
        withdraw_account_data(
            prefs, root, "nl", now(site.registry), "account-privacy", registry=site.registry
        )
    assert saved_methods(site, userid) == []
    assert saved.customer_ref not in mollie.customers


def test_consent_withdrawn_before_the_payment_completes_keeps_no_mandate(site, mollie):
    anna, userid = customer(site, "anna@example.be")
    buy(anna, "creditcard", keep=True)
    [payment_id] = latest_order(site, userid)[2]
    [customer_id] = mollie.customers
    with site.edit() as root:
        prefs = root["customers"][userid].preferences
        withdraw_account_data(prefs, root, "nl", now(site.registry), "account-privacy")
    mollie.set_status(payment_id, "paid")
    webhook(anna, payment_id)
    assert latest_order(site, userid)[1] == "paid"
    assert saved_methods(site, userid) == []
    assert customer_id not in mollie.customers  # told to forget the customer


def test_an_unpaid_first_payment_leaves_no_customer_at_mollie(site, mollie):
    anna, userid = customer(site, "anna@example.be")
    buy(anna, "creditcard", keep=True)
    [payment_id] = latest_order(site, userid)[2]
    mollie.set_status(payment_id, "canceled")
    webhook(anna, payment_id)
    assert mollie.customers == {} and saved_methods(site, userid) == []


def test_mollie_down_when_the_mandate_is_fetched_retries_the_whole_webhook(site, mollie):
    anna, userid = customer(site, "anna@example.be")
    buy(anna, "creditcard", keep=True)
    [payment_id] = latest_order(site, userid)[2]
    mollie.set_status(payment_id, "paid")
    real_get_mandate = mollie.mandate

    def unavailable(*args):
        raise MollieError(503, "Service Unavailable", "Try again later")

    mollie.mandate = unavailable
    try:
        webhook(anna, payment_id, expect=503)
    finally:
        mollie.mandate = real_get_mandate
    assert latest_order(site, userid)[1] == "placed"  # nothing of it was kept
    webhook(anna, payment_id)  # Mollie calls again
    assert latest_order(site, userid)[1] == "paid"
    assert len(saved_methods(site, userid)) == 1


def test_the_database_holds_no_card_number_no_cvv_and_no_readable_mandate(
    tmp_path, mollie
):  # acceptance 8
    shop = make_site(tmp_path, **mollie.settings())
    try:
        anna, userid = customer(shop, "anna@example.be")
        saved = pay_and_save(anna, shop, mollie, userid)
        buy(anna, f"saved:{saved.id}", fill={})
        bancontact = make_bancontact_customer(shop, mollie)
        mandates = [mandate_of(shop, saved), mandate_of(shop, bancontact)]
        customer_ref = saved.customer_ref
    finally:
        transaction.abort()
        shop.close()
    data = (tmp_path / "Data.fs").read_bytes()
    for mandate_id in mandates:
        assert mandate_id.encode() not in data  # sealed: not readable without the key
    assert customer_ref.encode() in data  # the scan does see what is stored in clear
    assert mollie.card["number"].encode() not in data
    found = [text for text in database_strings(tmp_path / "Data.fs") if card_like(text)]
    assert found == []


def make_bancontact_customer(site, mollie):
    bert, userid = customer(site, "bert@example.be")
    return pay_and_save(bert, site, mollie, userid, payment="bancontact")


def test_saved_cards_are_offered_only_while_the_consent_stands(site, mollie):
    anna, userid = customer(site, "anna@example.be")
    saved = pay_and_save(anna, site, mollie, userid)
    with site.edit() as root:
        prefs = root["customers"][userid].preferences
        withdraw_account_data(prefs, root, "nl", now(site.registry), "account-privacy")
        # Kept by hand after the withdrawal (as a bug would): never offered without consent.
        prefs.add_payment_method(saved)
    assert checkout_form(anna).html.select("label.saved-payment") == []
    with site.edit() as root:
        prefs = root["customers"][userid].preferences
        give_account_data(prefs, root, "nl", now(site.registry), "account-payment-methods")
    assert len(checkout_form(anna).html.select("label.saved-payment")) == 1


# -- the vault's key rotation (shopcms new-vault-key, rotate-vault-key) ---------------------


def _site_of(ini_path):
    return get_app(ini_path, options={"shopcms_script": "true"}).registry


def test_rotating_the_vault_key_reseals_every_token_for_the_new_key(tmp_path, capsys):
    assert cli.main(["new-vault-key"]) == 0
    new_key = capsys.readouterr().out.strip()
    Fernet(new_key)  # a usable key
    assert cli.main(["new-vault-key"]) == 0
    assert capsys.readouterr().out.strip() != new_key
    old_key = INI.split("shopcms.vault.keys = ")[1].split()[0]

    def write_ini(keys):
        path = tmp_path / "test.ini"
        text = INI.format(dir=tmp_path / "var", pad="x" * 40)
        path.write_text(text.replace(old_key, " ".join(keys)))
        return str(path)

    ini = write_ini([old_key])
    assert cli.main(["init", ini]) == 0
    registry = _site_of(ini)
    try:
        with site_transaction(registry) as root:
            account = root["customers"].create("anna@example.be", "a long enough passphrase")
            keeper = get_vault(registry)
            account.preferences.add_payment_method(
                SavedPaymentMethod(
                    id="abc123abc123",
                    provider="mollie",
                    method="creditcard",
                    brand="Visa",
                    last4="4242",
                    expiry="08/30",
                    sealed_token=keeper.seal("mdt_Rotated1"),
                    customer_ref="cst_Rotated1",
                )
            )
            account.totp_secret = keeper.seal("JBSWY3DPEHPK3PXP")
    finally:
        get_database(registry).close()
    capsys.readouterr()

    ini = write_ini([new_key, old_key])
    assert cli.main(["rotate-vault-key", ini]) == 0
    assert "resealed 1 saved payment token(s) and 1 TOTP secret(s)" in capsys.readouterr().out

    registry = _site_of(write_ini([new_key]))  # the old key is gone
    try:
        with site_transaction(registry) as root:
            account = root["customers"].find("anna@example.be")
            keeper = get_vault(registry)
            [saved] = account.preferences.payment_methods
            assert keeper.open(saved.sealed_token) == "mdt_Rotated1"
            assert keeper.open(account.totp_secret) == "JBSWY3DPEHPK3PXP"
    finally:
        get_database(registry).close()

    # A value no configured key opens: the command says so and changes nothing.
    assert cli.main(["rotate-vault-key", write_ini([Fernet.generate_key().decode()])]) == 2
    assert "none of the configured keys" in capsys.readouterr().err
