"""Disclosure to third parties: the payment provider's request and the carrier's file go
through ``shopcms.privacy.disclosures``, which records each on the order (and logs it
without personal values); the customer's export lists them."""

import csv
import io
import json
import logging
from datetime import UTC, datetime

import pytest
import transaction

from shopcms.orders.resources import Order
from shopcms.privacy import disclosures
from shopcms.privacy.disclosures import CARRIER_COLUMNS, CARRIER_FIELDS, Disclosure
from shopcms.tree.database import get_database
from tests.conftest import PASSWORD, Browser, login, make_site
from tests.factories import CONTACT, DELIVERY, make_order
from tests.orders.test_payments_mollie import checkout

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)


# -- the payment provider -------------------------------------------------------------------


@pytest.fixture
def mollie_site(tmp_path, mollie):
    site = make_site(tmp_path, **mollie.settings())
    yield site
    transaction.abort()
    site.close()


def test_the_payment_request_is_recorded_with_the_fields_it_sent(mollie_site, mollie, caplog):
    caplog.set_level(logging.INFO, logger="shopcms.privacy.disclosures")
    checkout(Browser(mollie_site.wsgi), payment="bancontact")
    [(_method, _path, body)] = mollie.requests

    def read(root):
        [order] = root["orders"].values()
        return order.number, order.disclosures

    number, [record] = mollie_site.read(read)
    assert (record.recipient, record.purpose, record.actor) == ("mollie", "order_fulfilment", None)
    # Exactly what was sent, by name: amount, description, URLs, method, locale, metadata.
    assert record.fields == disclosures.field_names(body)
    assert set(record.fields) == {
        "amount.currency",
        "amount.value",
        "description",
        "locale",
        "metadata.order",
        "method",
        "redirectUrl",
        "webhookUrl",
    }
    [line] = [r.getMessage() for r in caplog.records if r.name == "shopcms.privacy.disclosures"]
    assert line.startswith(f"disclosure: order {number} to mollie for order_fulfilment: ")
    # The log names fields, never the customer's values.
    for value in ("Jan Peeters", "jan@example.be", "Kerkstraat", "470"):
        assert value not in line


# -- the carrier ----------------------------------------------------------------------------


@pytest.fixture
def desk(site):
    userid = site.add_account("desk@example.be", roles=("orders",))
    app = Browser(site.wsgi)
    login(app, "desk@example.be", PASSWORD)
    app.userid = userid
    return app


def carrier_csv(app):
    return app.get("/nl/manage/orders/").forms["carrier-csv"].submit()


def test_each_order_in_the_carrier_file_records_a_disclosure(site, desk, caplog):
    caplog.set_level(logging.INFO, logger="shopcms.privacy.disclosures")
    with site.edit() as root:
        paid = [make_order(root, state="paid").number for _ in range(2)]
        make_order(root, state="shipped")  # not in the file: records nothing
        make_order(root)  # placed: neither
    response = carrier_csv(desk)
    rows = list(csv.reader(io.StringIO(response.text)))
    assert (
        rows[0]
        == list(CARRIER_COLUMNS)
        == [
            "order",
            "name",
            "street",
            "postcode",
            "city",
            "country",
            "phone",
        ]
    )
    assert [row[0] for row in rows[1:]] == paid

    def records(root):
        return {number: order.disclosures for number, order in root["orders"].items()}

    recorded = site.read(records)
    for number in paid:
        [record] = recorded[number]
        assert record.recipient == "carrier" and record.purpose == "order_fulfilment"
        assert record.fields == CARRIER_FIELDS and record.actor == desk.userid
    assert sorted(n for n, found in recorded.items() if found) == sorted(paid)
    logged = [r.getMessage() for r in caplog.records if r.name == "shopcms.privacy.disclosures"]
    assert [line.split(" to ")[0] for line in logged] == [f"disclosure: order {n}" for n in paid]
    for value in (*CONTACT.values(), *DELIVERY.values()):
        if value not in ("BE",):
            assert all(value not in line for line in logged), value

    # A second file records a second disclosure: each time data leaves, it is listed.
    carrier_csv(desk)
    assert len(site.read(records)[paid[0]]) == 2


def test_the_carrier_file_is_never_made_by_a_get(site, desk):
    with site.edit() as root:
        make_order(root, state="paid")
    before = get_database(site.registry).lastTransaction()
    desk.get("/nl/manage/orders/carrier.csv", status=404)
    assert get_database(site.registry).lastTransaction() == before
    token = desk.get("/nl/manage/orders/").forms["carrier-csv"]["csrf_token"].value
    assert token
    desk.post("/nl/manage/orders/carrier.csv", {}, status=400)  # no CSRF token: refused
    for role in ("customer", "editor"):
        site.add_account(f"{role}@example.be", roles=(role,))
        other = Browser(site.wsgi)
        login(other, f"{role}@example.be", PASSWORD)
        token = other.get("/nl/").html.select_one('input[name="csrf_token"]')["value"]
        other.post("/nl/manage/orders/carrier.csv", {"csrf_token": token}, status=403)


def test_the_customers_export_lists_what_went_to_the_carrier(site, desk):
    userid = site.add_account("buyer@example.be")
    with site.edit() as root:
        number = make_order(root, customer=userid, state="paid").number
    carrier_csv(desk)
    buyer = Browser(site.wsgi)
    login(buyer, "buyer@example.be", PASSWORD, lang="en")
    data = json.loads(buyer.get("/en/account/export.json").text)
    [listed] = data["disclosures"]
    assert (listed["order"], listed["recipient"], listed["by"]) == (number, "carrier", "staff")
    assert listed["fields"] == list(CARRIER_FIELDS)
    page = buyer.get("/en/account/export")
    [row] = page.html.select("table.disclosures tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert cells[1:4] == ["The carrier", number, "Delivering your order"]
    assert "delivery.street" in cells[4] and "contact.phone" in cells[4]


# -- the module's contract ------------------------------------------------------------------


def test_a_disclosure_names_a_declared_recipient_and_purpose_and_some_fields():
    order = Order.__new__(Order)  # an order stored before disclosures existed
    order.number = "2026-000042"
    assert order.disclosures == ()
    for recipient, purpose, fields in (
        ("google", "order_fulfilment", ("name",)),
        ("carrier", "selling", ("name",)),
        ("carrier", "order_fulfilment", ()),
    ):
        with pytest.raises(ValueError):
            disclosures.disclose(order, recipient, fields, purpose, NOW)
    assert "disclosures" not in order.__dict__
    record = disclosures.disclose(order, "carrier", ["name"], "order_fulfilment", NOW, "u1")
    assert order.disclosures == (Disclosure(NOW, "carrier", "order_fulfilment", ("name",), "u1"),)
    assert record is order.disclosures[0]
    assert Order.disclosures == ()  # the class default is never changed


def test_field_names_flatten_the_request():
    data = {"amount": {"currency": "EUR", "value": "1.00"}, "method": "x", "metadata": {}}
    assert disclosures.field_names(data) == ("amount.currency", "amount.value", "method")
