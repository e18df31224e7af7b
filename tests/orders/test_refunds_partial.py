"""Partial and full refunds at the order desk, as the shop owner makes them (issue 17,
acceptance 3): chosen lines and quantities, the shipping, a reason; Mollie's refund API
for a card order (the fake of ``tests/mollie_server.py`` records each call), a SEPA
pain.001 file for a bank-transfer order (checked against the ISO 20022 XSD with
xmlschema), stock back where the goods come back, ``OrderRefunded`` notified once and the
mail sent through a real SMTP server (aiosmtpd).

One site for the module (each test makes its own orders), to keep it fast.
"""

import subprocess
import sys
from decimal import Decimal

import pytest
import transaction
from ZODB.POSException import ConflictError

from shopcms.mail import send_queued
from shopcms.orders.api import OrderRefunded
from shopcms.orders.payments import sepa
from shopcms.orders.payments.mollie.client import amount
from shopcms.privacy.export import export_guest, to_json
from shopcms.web.clock import now
from shopcms.web.layout import format_money
from tests.architecture.test_forms import check_refusal
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site
from tests.factories import make_order
from tests.mailserver import MailServer
from tests.mollie_server import FakeMollie
from tests.orders.refunding import confirm, refund_form, review

CUSTOMER_IBAN = ("An Peeters", "NL91 ABNA 0417 1643 00")
#: xmlschema in a process of its own: in this one, BTrees' zope.interface declarations on
#: ``collections.abc`` break xmlschema's class introspection (see ``payments.sepa``).
XSD_CHECK = "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])"


@pytest.fixture(scope="module")
def mollie():
    server = FakeMollie().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def smtp():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def events():
    """``{"committed": [(order number, Refund)], "conflict": {numbers}}``: the refunds
    notified in transactions that committed; an order number in ``conflict`` makes its
    next refund's transaction meet a ConflictError once (after Mollie was called)."""
    return {"committed": [], "conflict": set()}


@pytest.fixture(scope="module")
def site(tmp_path_factory, mollie, smtp, events):
    site = make_site(tmp_path_factory.mktemp("refunds"), **mollie.settings(), **smtp.settings())

    def subscriber(event):
        number = event.order.number
        if number in events["conflict"]:
            events["conflict"].discard(number)
            raise ConflictError("another request wrote the order")
        record = (number, event.refund)
        event.request.tm.get().addAfterCommitHook(
            lambda ok: ok and events["committed"].append(record)
        )

    site.registry.registerHandler(subscriber, (OrderRefunded,))
    yield site
    transaction.abort()
    site.close()


@pytest.fixture(scope="module")
def admin(site):
    browser = Browser(site.wsgi)
    login(browser, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    return browser


# -- helpers -------------------------------------------------------------------------------


def card_order(site, mollie, items=(("mug-cafe", 2), ("aloe-vera", 1))):
    """An English guest's order paid by card through (the fake) Mollie and its webhook:
    ``(number, payment id)``."""
    with site.edit() as root:
        order = make_order(root, lang="en", items=items, payment_method="creditcard")
        number, total = order.number, order.total
    payment = mollie.create(
        {
            "amount": amount(total),
            "description": f"Soft Cactus order {number}",
            "metadata": {"order": number},
            "method": "creditcard",
            "redirectUrl": "http://localhost/",
        },
        "test",
    )
    with site.edit() as root:
        root["orders"][number].add_payment_id(payment["id"])
    mollie.set_status(payment["id"], "paid")
    Browser(site.wsgi).post("/en/mollie-webhook", {"id": payment["id"]}, status=200)
    assert order_value(site, number, lambda order: order.state) == "paid"
    return number, payment["id"]


def order_value(site, number, read):
    return site.read(lambda root: read(root["orders"][number]))


def stock(site, name="mug-cafe"):
    return site.read(lambda root: root["products"][name].stock)


def refund_calls(mollie, payment_id):
    path = f"/v2/payments/{payment_id}/refunds"
    return [r for r in mollie.requests if r[0] == "POST" and r[1] == path]


def mails_about(smtp, site, number):
    """Send what is queued; the refund mails about order ``number`` received so far."""
    send_queued(site.registry)
    subject = f"Refund for your order {number}"
    return [m.message for m in smtp.received if m.message["Subject"] == subject]


def money(value):
    return format_money(Decimal(value), "en")


def valid_pain001(tmp_path, data):
    """Check ``data`` against the pain.001.001.03 XSD sepaxml ships, with xmlschema."""
    path = tmp_path / "pain001.xml"
    path.write_bytes(data)
    check = [sys.executable, "-c", XSD_CHECK, str(sepa.XSD), str(path)]
    return subprocess.run(check, capture_output=True, text=True, check=False)


# -- card orders: Mollie -----------------------------------------------------------------


def test_a_partial_card_refund_calls_mollie_once_and_mails(site, mollie, smtp, admin, events):
    number, payment_id = card_order(site, mollie)
    unit = order_value(site, number, lambda order: order.lines[0]["unit_price"])
    before = stock(site)
    page = review(admin, number, {0: 1}, reason="One mug arrived broken")
    assert page.html.select_one("tr.refund-total td").text.strip() == money(unit)
    assert "A partial refund: the order keeps its status." in page.text
    done = confirm(page).follow()
    assert f"{money(unit)} of order {number} refunded" in done.text

    # The same confirmation sent again (a double click, a replayed POST): nothing more.
    again = confirm(page).follow()
    assert "This refund was made already" in again.text
    [made] = mollie.refunds[payment_id]
    assert made["amount"] == amount(unit) and len(refund_calls(mollie, payment_id)) == 1
    [refund] = order_value(site, number, lambda order: order.refunds)
    assert mollie.refund_keys[-1] == f"shopcms-refund-{refund.id}"
    assert (refund.lines, refund.shipping, refund.total) == (((0, 1, unit),), 0, unit)
    assert (refund.means, refund.reference) == ("provider", made["id"])
    assert refund.reason == "One mug arrived broken"

    # The order stays paid; its history says what happened; the mug is back in stock.
    entry = order_value(site, number, lambda order: order.workflow_history[-1])
    assert (entry.transition, entry.from_state, entry.to_state) == (
        "partial-refund",
        "paid",
        "paid",
    )
    assert order_value(site, number, lambda order: order.state) == "paid"
    assert stock(site) == before + 1
    assert "Partial refund" in admin.get(f"/en/manage/orders/{number}").text

    # Invoicing hears of it once, with the amounts; the customer gets the mail.
    assert [(n, r.total, r.lines) for n, r in events["committed"] if n == number] == [
        (number, unit, ((0, 1, unit),))
    ]
    [mail] = mails_about(smtp, site, number)
    text = mail.get_body(("plain",)).get_content()
    assert f"We refund {money(unit)} (VAT included) for order {number}." in text
    assert "One mug arrived broken" in text and "back to the card or account" in text


def test_a_conflict_replayed_by_pyramid_retry_refunds_once(site, mollie, smtp, admin, events):
    number, payment_id = card_order(site, mollie)
    events["conflict"].add(number)
    confirm(review(admin, number, {1: 1}))
    assert number not in events["conflict"]  # the first attempt met the conflict
    # Mollie was asked twice with one key, and refunded once.
    calls = refund_calls(mollie, payment_id)
    assert len(calls) == 2 and calls[0][2] == calls[1][2]
    assert mollie.refund_keys[-1] == mollie.refund_keys[-2]
    assert len(mollie.refunds[payment_id]) == 1
    assert len(order_value(site, number, lambda order: order.refunds)) == 1
    assert [n for n, _r in events["committed"]].count(number) == 1
    assert len(mails_about(smtp, site, number)) == 1


def test_never_more_than_paid_minus_refunded(site, mollie, admin):
    number, payment_id = card_order(site, mollie)
    total = order_value(site, number, lambda order: order.total)
    too_many = review(admin, number, {0: 3}, status=400)
    assert "At most 2 can still be refunded." in too_many.text
    check_refusal(too_many, "refund form")  # the summary leads to the field, described
    nothing = review(admin, number, {}, status=400)
    assert "Choose at least one product or the shipping cost to refund." in nothing.text

    tampered = review(admin, number, {0: 1}).forms["refund-confirm"]
    tampered["line_0"].force_value("5")  # the confirmation's hidden quantity
    assert "Something in the request was not right" in tampered.submit("refund", status=400)
    confirm(review(admin, number, {0: 1}))
    assert "At most 1 can still be refunded." in review(admin, number, {0: 2}, status=400).text

    # The rest, shipping included: the order is refunded, to the cent.
    page = review(admin, number, None, shipping=True, reason="Everything back")
    assert "Everything paid is refunded: the order becomes refunded." in page.text
    confirm(page)
    refunds = order_value(site, number, lambda order: order.refunds)
    assert sum(r.total for r in refunds) == total
    assert sum(Decimal(r["amount"]["value"]) for r in mollie.refunds[payment_id]) == total
    assert mollie.get(payment_id)["amountRemaining"]["value"] == "0.00"
    assert order_value(site, number, lambda order: order.state) == "refunded"
    assert refund_form(admin.get(f"/en/manage/orders/{number}")) is None
    late = page.forms["refund-confirm"]
    late["refund_id"].force_value("y" * 22)
    assert "Nothing is left to refund" in late.submit("refund", status=409).text
    assert len(mollie.refunds[payment_id]) == 2


# -- bank transfer orders: pain.001 --------------------------------------------------------


def test_a_transfer_refund_gives_a_valid_pain001_and_stock_back_when_returned(
    site, admin, smtp, tmp_path
):
    with site.edit() as root:
        order = make_order(root, lang="en", items=(("mug-cafe", 2),), state="shipped")
        number, total, unit = order.number, order.total, order.lines[0]["unit_price"]
    before = stock(site)
    # Shipped and not back: the stock stays.
    confirm(review(admin, number, {0: 1}, goods=False, account=CUSTOMER_IBAN))
    assert stock(site) == before
    # The other mug came back, and the shipping is refunded: everything is.
    confirm(review(admin, number, {0: 1}, shipping=True, goods=True, account=CUSTOMER_IBAN))
    assert stock(site) == before + 1
    assert order_value(site, number, lambda order: order.state) == "refunded"
    first, second = order_value(site, number, lambda order: order.refunds)
    assert (first.means, first.reference) == ("transfer", f"REFUND-{number}-1")
    assert second.total == total - unit

    # Each refund's file, from the order page: valid, for the right account and amount.
    page = admin.get(f"/en/manage/orders/{number}")
    links = [a["href"] for a in page.html.select("a.refund-file")]
    assert len(links) == 2
    data = admin.get(links[-1]).body  # newest first: the first refund
    assert valid_pain001(tmp_path, data).returncode == 0, valid_pain001(tmp_path, data).stderr
    text = data.decode()
    assert f"<MsgId>REFUND-{number}-1</MsgId>" in text
    assert f'<InstdAmt Ccy="EUR">{unit}</InstdAmt>' in text
    assert "<IBAN>NL91ABNA0417164300</IBAN>" in text and "<IBAN>BE71096123456769</IBAN>" in text
    # A broken file is refused by the same check (the check itself works).
    broken = text.replace("<NbOfTxs>1</NbOfTxs>", "<NbOfTxs>one</NbOfTxs>", 1).encode()
    assert valid_pain001(tmp_path, broken).returncode != 0

    # The batch of every pending transfer: one file, then marked as given to the bank.
    listing = admin.get("/en/manage/orders/refund-transfers")
    assert "2 refunds waiting to be paid by transfer" in listing.text
    batch = admin.get(listing.html.select_one("a.transfers-file")["href"]).body
    assert valid_pain001(tmp_path, batch).returncode == 0
    assert f"<CtrlSum>{total}</CtrlSum>" in batch.decode()
    listing.forms["transfers-sent"].submit("sent", status=303)
    assert "0 refunds waiting" in admin.get("/en/manage/orders/refund-transfers").text
    admin.get("/en/manage/orders/refund-transfers.xml", status=404)

    # Erasing the customer's data erases the accounts paid to (the transfers are sent).
    with site.edit() as root:
        root["orders"][number].anonymise(now(site.registry), "system:test")
    kept = site.read(lambda root: [t.iban for t in root["orders"].refund_transfers.values()])
    assert "NL91ABNA0417164300" not in kept

    # Two mails, each about its refund, saying how the money comes back.
    mails = mails_about(smtp, site, number)
    assert len(mails) == 2
    assert "by bank transfer" in mails[-1].get_body(("plain",)).get_content()


def test_order_desk_staff_without_refund_orders_get_403(site, admin):
    with site.edit() as root:
        number = make_order(root, lang="en", state="paid").number
    confirm(review(admin, number, {0: 1}, account=CUSTOMER_IBAN))
    site.add_account("desk@example.be", roles=("orders",))
    desk = Browser(site.wsgi)
    login(desk, "desk@example.be", PASSWORD, lang="en")
    page = desk.get(f"/en/manage/orders/{number}")
    assert refund_form(page) is None and page.html.select("a.refund-file") == []
    assert page.html.select_one("table.refund-list") is not None  # they see what was done
    [refund] = order_value(site, number, lambda order: order.refunds)
    desk.get(f"/en/manage/orders/{number}/refund-transfer?id={refund.id}", status=403)
    desk.get("/en/manage/orders/refund-transfers", status=403)
    token = page.html.select_one('input[name="csrf_token"]')["value"]
    post = {"csrf_token": token, "refund_id": "z" * 22, "step": "confirm", "reason": "r"}
    desk.post(f"/en/manage/orders/{number}/refund", {**post, "line_0": "0"}, status=403)
    assert len(order_value(site, number, lambda order: order.refunds)) == 1
    # The workflow's "refund" asked for directly refunds what is left through a provider
    # only: a transfer needs the form's IBAN.
    token = admin.get(f"/en/manage/orders/{number}").html.select_one('input[name="csrf_token"]')
    transition = {"csrf_token": token["value"], "transition": "refund"}
    refused = admin.post(f"/en/manage/orders/{number}/transition", transition, status=409)
    assert "needs the customer's IBAN: use the refund form" in refused.text

    # The customer's data export shows the refund (staff named as "staff" only).
    def export(root):
        return export_guest(root, "jan@example.be", now(site.registry), site.registry)

    data = site.read(export)
    [exported] = [order for order in data["orders"] if order["number"] == number]
    assert [(r["total"], r["means"], r["actor"]) for r in exported["refunds"]] == [
        (refund.total, "transfer", "staff")
    ]
    assert refund.id in to_json(data)


def test_the_form_starts_from_the_withdrawn_lines_and_the_account_that_paid(site, admin):
    """ "Goods received" on a withdrawal leads here with ``?line-N=QTY``; a transfer order
    paid from a bank statement line names the account to pay back."""
    with site.edit() as root:
        order = make_order(
            root, lang="en", items=(("mug-cafe", 2), ("aloe-vera", 1)), state="shipped"
        )
        order.payer_iban, order.payer_name = "NL91ABNA0417164300", "An Peeters"
        number = order.number
    form = refund_form(admin.get(f"/en/manage/orders/{number}?line-0=2&line-1=9"))
    assert form["line_0"].value == "2"
    assert form["line_1"].value == "0"  # more than was bought: not taken
    assert (form["holder"].value, form["iban"].value) == ("An Peeters", "NL91ABNA0417164300")
