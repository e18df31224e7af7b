"""Issue 6, acceptance 1, as a new customer meets it: register, confirm by the mail the
SMTP server receives, check out with "save my details" ticked, and find the address and
the card offered at the next checkout; a second customer who does not tick the box has
nothing kept (read from the database)."""

import re
from urllib.parse import urlsplit

import pytest
import transaction

from shopcms.mail import send_queued
from shopcms.privacy import ledger
from shopcms.privacy.purposes import ACCOUNT_DATA
from tests.accounts.markup import forms_of
from tests.conftest import PASSWORD, Browser, make_site
from tests.orders.test_saved_payment_methods import DETAILS, buy, latest_order, webhook


@pytest.fixture
def site(tmp_path, mollie, smtp):
    site = make_site(tmp_path, **mollie.settings(), **smtp.settings())
    yield site
    transaction.abort()
    site.close()


def register_and_confirm(site, smtp, email):
    app = Browser(site.wsgi)
    form = app.get("/nl/register").forms["register"]
    form["email"], form["password"] = email, PASSWORD
    form.submit("register", status=200)
    send_queued(site.registry)
    [mail] = [m for m in smtp.wait_for(len(smtp.received) or 1) if email in m.rcpt_tos]
    link = re.search(
        r"https?://\S+/nl/verify\?token=\S+", mail.message.get_body(("plain",)).get_content()
    ).group(0)
    parts = urlsplit(link)
    confirm = app.get(f"{parts.path}?{parts.query}").forms["token"]
    confirm["password"] = PASSWORD
    assert confirm.submit("confirm", status=303).location.endswith("/nl/account/")
    return app, site.read(lambda root: root["customers"].find(email).__name__)


def kept(site, userid):
    def read(root):
        prefs = root["customers"][userid].preferences
        return (
            [(a["street"], a["city"]) for a in prefs.addresses],
            prefs.phone,
            [(m.brand, m.last4) for m in prefs.payment_methods],
            ledger.given(prefs, ACCOUNT_DATA),
            len(prefs.consents),
        )

    return site.read(read)


def test_register_save_details_and_find_them_at_the_next_checkout(site, mollie, smtp):
    anna, userid = register_and_confirm(site, smtp, "anna@example.be")
    placed = buy(anna, "creditcard", keep=True)
    _number, _state, [payment_id], _method = latest_order(site, userid)
    assert placed.location == f"{mollie.base_url}/checkout/{payment_id}"
    mollie.set_status(payment_id, "paid")  # paid on Mollie's page
    webhook(anna, payment_id)
    addresses, phone, methods, consent, events = kept(site, userid)
    assert addresses == [(DETAILS["delivery.street"], DETAILS["delivery.city"])]
    assert phone == DETAILS["phone"] and consent and events == 1
    [(brand, last4)] = methods
    assert re.fullmatch(r"\d{4}", last4)

    # The next checkout offers the saved address and the saved card.
    page = anna.get("/nl/products/mug-cafe")
    [cart] = [f for f in forms_of(page) if f.action == "/nl/cart"]
    cart.submit(status=303)
    checkout = anna.get("/nl/checkout")
    street = checkout.html.select_one("form#checkout input#checkout-delivery-street")
    assert street["value"] == DETAILS["delivery.street"]
    offered = " ".join(o.text for o in checkout.html.select("form.checkout label"))
    assert last4 in offered

    # A second customer who does not tick the box has nothing kept.
    bert, bert_id = register_and_confirm(site, smtp, "bert@example.be")
    buy(bert, "transfer", keep=False)
    assert kept(site, bert_id) == ([], "", [], False, 0)
    assert latest_order(site, bert_id)[1] == "placed"
