"""The customer's rights on their account: all their data (readable and JSON), and deleting
the account (issue 6, acceptance 3 and 4)."""

import json
from datetime import datetime
from decimal import Decimal

from shopcms.mail import send_queued
from shopcms.orders.resources import ERASED
from shopcms.privacy.erasure import purge_history
from shopcms.tree.database import get_database
from shopcms.web.security import user_principal
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order
from tests.privacy.markers import (
    LIST_PRODUCTS,
    database_file,
    found_in_database,
    plant,
)


def logged_in(site, email, lang="fr"):
    app = Browser(site.wsgi)
    login(app, email, PASSWORD, lang=lang)
    return app


def last_transaction(site):
    return get_database(site.registry).lastTransaction()


def order_facts(site, numbers):
    """What erasure must not change: per order its totals, lines, VAT, state, payment."""

    def read(root):
        return {
            number: (
                order.total,
                order.lines,
                tuple(order.vat_by_rate),
                order.shipping,
                order.state,
                order.payment_reference,
                order.delivery.get("country"),
            )
            for number in numbers
            for order in [root["orders"][number]]
        }

    return site.read(read)


def stock(site):
    return site.read(lambda root: {n: p.stock for n, p in root["products"].items()})


# -- the export ---------------------------------------------------------------------------


def test_the_json_export_holds_every_kind_of_personal_data(site):
    planted = plant(site)
    app = logged_in(site, planted.email)
    response = app.get("/fr/account/export.json")

    assert response.content_type == "application/json"  # UTF-8, as JSON always is
    assert response.body.decode("utf-8") == response.text
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="softcactus-data-')
    assert response.headers["Cache-Control"] == "no-store"
    missing = [kind for kind, marker in planted.markers.items() if marker not in response.text]
    assert missing == []
    # The saved payment method as shown, never its token (in clear or sealed).
    assert planted.token not in response.text and "sealed" not in response.text

    data = json.loads(response.text)
    assert data["account"]["email"] == planted.email
    assert data["preferences"]["language"] == "fr"
    assert [c["purpose"] for c in data["consents"]] == ["account_data", "personalisation"]
    assert {(c["policy_revision"], c["policy_hash"]) for c in data["consents"]} == {planted.policy}
    assert planted.policy[0].startswith("privacy:fr:") and len(planted.policy[1]) == 64
    lists = {
        name: [item["product"] for item in items] for name, items in data["shop_lists"].items()
    }
    assert lists == {
        "cart": [LIST_PRODUCTS[0]],
        "wishlist": [LIST_PRODUCTS[1]],
        "compare": [LIST_PRODUCTS[2]],
    }
    assert data["shop_lists"]["cart"][0]["quantity"] == 2
    assert [order["number"] for order in data["orders"]] == planted.orders
    first = data["orders"][0]
    # Machine-readable: amounts as exact decimal strings, moments in ISO 8601.
    assert Decimal(first["total"]) == sum(Decimal(line["total"]) for line in first["lines"]) + (
        Decimal(first["shipping"]["cost"])
    )
    assert isinstance(first["total"], str)
    assert datetime.fromisoformat(first["created"]).tzinfo is not None
    assert [entry["action"] for entry in first["history"]] == ["placed", "pay", "ship", "deliver"]
    # The disclosures: the account's own (the payment provider's customer) and the order's.
    assert [(d["recipient"], d["order"]) for d in data["disclosures"]] == [
        ("mollie", None),
        ("mollie", planted.orders[0]),
    ]
    assert data["disclosures"][0]["fields"] == ["email", "name"]


def test_the_readable_export_holds_every_marker_in_the_customers_language(site):
    planted = plant(site, lang="fr")
    app = logged_in(site, planted.email)
    page = app.get("/fr/account/export")
    assert page.html.html["lang"] == "fr"
    assert page.headers["Cache-Control"] == "no-store"
    missing = [kind for kind, marker in planted.markers.items() if marker not in page.text]
    assert missing == []
    assert planted.token not in page.text
    main = page.html.select_one("main").get_text(" ", strip=True)
    for revision_id_or_hash in planted.policy:
        assert revision_id_or_hash in main
    assert page.html.select_one("h1").get_text(strip=True) == "Toutes vos données"
    recipients = {
        row["data-recipient"] for row in page.html.select("table.disclosures tr[data-recipient]")
    }
    assert recipients == {"mollie"}
    assert page.html.select_one("#export-json")["href"] == "/fr/account/export.json"
    # Dutch, when asked in Dutch.
    dutch = app.get("/nl/account/export")
    assert dutch.html.select_one("h1").get_text(strip=True) == "Al uw gegevens"


def test_exporting_writes_nothing(site):
    planted = plant(site)
    app = logged_in(site, planted.email)
    before = last_transaction(site)
    app.get("/fr/account/export")
    app.get("/fr/account/export.json")
    assert last_transaction(site) == before


def test_each_customer_exports_only_their_own_data(site):
    planted = plant(site)
    site.add_account("other@example.be")
    other = logged_in(site, "other@example.be")
    export = other.get("/fr/account/export.json").text
    assert [m for m in planted.strings if m in export] == []
    assert json.loads(export)["orders"] == []
    # Nothing after the view name reaches another account either.
    other.get(f"/fr/account/export.json/{planted.userid}", status=404)
    # Not logged in: the login form, not data.
    anonymous = Browser(site.wsgi).get("/fr/account/export.json", status=403)
    assert "login" in anonymous.forms and planted.email not in anonymous.text


# -- deleting the account -----------------------------------------------------------------


def delete_form(app, lang="fr"):
    return app.get(f"/{lang}/account/delete").forms["delete"]


def test_deleting_the_account_erases_everything_but_the_anonymous_orders(site, smtp):
    planted = plant(site, lang="fr")
    facts, stock_before = order_facts(site, planted.orders), stock(site)
    earlier = send_queued(site.registry).sent  # the mails about the orders
    smtp.wait_for(earlier)
    # The scan sees what it looks for: every marker is in the database file now.
    assert found_in_database(site, planted.strings) == planted.strings
    app = logged_in(site, planted.email)

    page = app.get("/fr/account/delete")
    kept = page.html.select_one(".orders-kept").get_text(strip=True)  # the orders that stay
    assert kept == "Cela concerne 2 commandes."
    form = page.forms["delete"]
    form["password"] = "not the password"
    refused = form.submit("delete", status=400)
    assert site.read(lambda root: root["customers"].find(planted.email)) is not None
    form = refused.forms["delete"]
    form["password"] = PASSWORD
    done = form.submit("delete", status=200)
    deleted = done.html.select_one("#account-deleted")
    assert "Nous conservons vos 2 commandes pour la comptabilité" in deleted.get_text(" ")
    assert done.html.select_one("a.login") is not None  # logged out
    assert "Set-Cookie" in done.headers

    # The customer cannot log in; the old session is gone too.
    login(Browser(site.wsgi), planted.email, PASSWORD, lang="fr", status=400)
    assert "login" in app.get("/fr/account/export", status=403).forms

    # The orders stay for the accounts, unchanged but for the personal fields.
    assert order_facts(site, planted.orders) == facts
    assert stock(site) == stock_before

    def orders(root):
        return [root["orders"][number] for number in planted.orders]

    for order in site.read(orders):
        assert order.customer is None
        assert set(order.contact.values()) == {ERASED}
        assert {k: v for k, v in order.delivery.items() if k != "country"} == dict.fromkeys(
            set(order.delivery) - {"country"}, ERASED
        )
        assert order.billing is None or set(order.billing.values()) - {"BE"} == {ERASED}
        last = order.workflow_history[-1]
        assert (last.transition, last.actor) == ("erase", "customer")
        assert all(entry.actor != planted.userid for entry in order.workflow_history)

    def leftovers(root):
        catalog = root.catalog
        principal = user_principal(planted.userid)
        return (
            planted.userid in root["customers"],
            planted.email in root["customers"].by_email,
            planted.userid in root["orders"].by_customer,
            principal in catalog["allowed"]._fwd_index
            and len(catalog["allowed"]._fwd_index[principal]),
        )

    assert site.read(leftovers) == (False, False, False, False)

    # The confirmation goes to the old address, in the customer's language: until it has
    # left, the outbox holds that address.
    assert send_queued(site.registry).sent == 1
    mail = smtp.wait_for(earlier + 1)[-1]
    assert mail.rcpt_tos == (planted.email,)
    assert mail.message["Subject"] == "Votre compte Soft Cactus a été supprimé"
    text = mail.message.get_body(("plain",)).get_content()
    assert planted.email in text and "vos 2 commandes pendant 10 ans" in text

    # After a pack no earlier revision remains: no marker anywhere in the database file.
    purge_history(get_database(site.registry))
    assert found_in_database(site, [*planted.erasable, planted.token]) == []
    # The invoice keeps its buyer's name and address (legal obligation, 10 years).
    assert found_in_database(site, planted.on_invoices) == planted.on_invoices
    assert not database_file(site).with_name("Data.fs.old").exists()


def test_an_order_still_to_deliver_holds_the_deletion_back(site):
    planted = plant(site, state="paid")
    app = logged_in(site, planted.email)
    page = app.get("/fr/account/delete")
    assert "delete" not in page.forms
    refusal = page.html.select_one("#erasure-refused").get_text(" ", strip=True)
    assert planted.orders[0] in refusal
    token = page.html.select_one('input[name="csrf_token"]')["value"]
    app.post("/fr/account/delete", {"csrf_token": token, "password": PASSWORD}, status=409)
    assert site.read(lambda root: root["customers"].find(planted.email)) is not None


def test_deleting_needs_the_form_token_and_the_password(site):
    site.add_account("leaving@example.be")
    app = logged_in(site, "leaving@example.be", lang="nl")
    app.post("/nl/account/delete", {"password": PASSWORD}, status=400)  # no CSRF token
    form = delete_form(app, "nl")
    form.submit("delete", status=400)  # no password
    assert site.read(lambda root: root["customers"].find("leaving@example.be")) is not None


def test_a_customer_without_orders_is_deleted_whole(site):
    userid = site.add_account("brief@example.be")
    app = logged_in(site, "brief@example.be", lang="en")
    form = delete_form(app, "en")
    form["password"] = PASSWORD
    done = form.submit("delete")
    assert "Your account has been deleted" in done.text
    assert site.read(lambda root: userid in root["customers"]) is False


def test_staff_cannot_delete_their_own_account_here(site):
    site.add_account("boss@example.be", roles=("admin",))
    app = logged_in(site, "boss@example.be", lang="en")
    page = app.get("/en/account/delete")
    assert "delete" not in page.forms and page.html.select_one("#erasure-refused")


def test_orders_without_a_catalog_entry_are_still_found(site):
    """The erasure finds a customer's orders by the orders' own lookup too."""
    userid = site.add_account("two@example.be")
    with site.edit() as root:
        order = make_order(root, customer=userid, state="delivered")
        root.catalog.unindex_resource(order)
        number = order.number
    app = logged_in(site, "two@example.be", lang="en")
    form = delete_form(app, "en")
    form["password"] = PASSWORD
    form.submit("delete")
    assert site.read(lambda root: root["orders"][number].contact["name"]) == ERASED
