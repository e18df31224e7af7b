"""The checkout, the confirmation page's "Pay now", the providers' webhooks and the order
desk's refunds use payment methods only through the ``PaymentMethod`` interface: a provider
that exists only in the tests (``tests/orders/fake_provider.py``) works through them all,
on a site where Mollie is not configured."""

import pytest
import transaction

from shopcms.orders.payments import catalogue, webhooks
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login, make_site
from tests.orders.fake_provider import PAGE
from tests.orders.refunding import refund_in_full
from tests.orders.test_checkout import add_to_cart, checkout_form, fill, forms, place_form


@pytest.fixture
def site(tmp_path):
    site = make_site(
        tmp_path,
        **{
            "pyramid.includes": "tests.web.testviews tests.orders.fake_provider",
            "shopcms.payments": "fakepay transfer",
        },
    )
    yield site
    transaction.abort()
    site.close()


def the_order(site):
    def read(root):
        [order] = root["orders"].values()
        history = [(e.transition, e.actor, e.comment) for e in order.workflow_history]
        return order.number, order.access_key, order.state, order.payment_ids, history

    return site.read(read)


def test_a_provider_of_the_tests_works_through_the_interface(site, app):
    fake = catalogue(site.registry)["fakepay"]
    assert "mollie-webhook" not in webhooks(site.registry)  # no Mollie on this site

    # The checkout offers it first and sends the customer to its page.
    add_to_cart(app, "mug-cafe")
    form = fill(checkout_form(app))
    assert form["payment"].value == "fakepay"
    review = form.submit(status=200)
    assert "FakePay" in review.html.select_one(".cards").text
    place = place_form(review)
    place["accept_terms"] = True
    to_provider = place.submit(status=303)
    number, key, state, [reference], _history = the_order(site)
    assert to_provider.location == PAGE + reference
    assert fake.calls == [("start", number)]

    # Back without paying: "Pay now" asks the method again.
    page = app.get(f"/nl/order/{number}/{key}")
    [pay] = [f for f in forms(page) if (f.action or "").endswith("/pay")]
    assert pay.submit(status=303).location == PAGE + reference
    assert fake.calls[-1] == ("resume", number)

    # Its webhook: answered by the method, exempt from the CSRF check like Mollie's.
    webhook = Browser(site.wsgi, extra_environ={"HTTP_ORIGIN": "https://pay.example.test"})
    webhook.post("/nl/fake-webhook", {"ref": "nonsense"}, status=400)
    webhook.post("/nl/fake-webhook", {"ref": reference}, status=200)
    app.get("/nl/fake-webhook", status=404)
    app.post("/nl/mollie-webhook", {"id": "tr_Whatever1"}, status=404)
    _number, _key, state, _ids, history = the_order(site)
    assert state == "paid" and history[-1][:2] == ("pay", "system:fake")
    assert pay_forms(app, number, key) == []  # nothing left to pay

    # A refund at the order desk goes through the method.
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    done = refund_in_full(admin, number, "Returned").follow()
    assert "the provider pays it back" in done.text
    assert the_order(site)[4][-1] == ("refund", admin_id(site), "Returned fake refund 1")
    assert fake.calls[-1][:2] == ("refund", number)
    assert fake.calls[-1][3].startswith("shopcms-refund-")


def pay_forms(app, number, key):
    page = app.get(f"/nl/order/{number}/{key}")
    return [f for f in forms(page) if (f.action or "").endswith("/pay")]


def admin_id(site):
    return site.read(lambda root: root["customers"].find(ADMIN_EMAIL).__name__)
