"""A guest (who ordered without an account) asks by mail for their data or its erasure:
staff find the orders by the email address, download their data and erase it."""

import json

from shopcms.mail import send_queued
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.orders.test_checkout import ADDRESS, add_to_cart, place

GUEST = ADDRESS["email"]


def guest_order(site, app, lang="fr"):
    add_to_cart(app, "mug-cafe", 1, lang)
    place(app, lang)
    return site.read(lambda root: list(root["orders"].values())[-1].number)


def desk(site):

    staff = Browser(site.wsgi)
    login(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    return staff


def find(staff, email):
    form = staff.get("/nl/manage/privacy/").forms["find"]
    form["email"] = email.upper()  # the address as the customer wrote it in the letter
    return form.submit("find", status=200)


def test_staff_find_export_and_erase_a_guests_orders(site, app, smtp):
    number = guest_order(site, app)
    staff = desk(site)
    found = find(staff, GUEST)
    assert number in found.html.select_one("#guest-orders").text
    exported = found.forms["guest-export"].submit(status=200)
    assert exported.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(exported.text)
    [order] = data["orders"]
    assert order["number"] == number
    assert order["delivery"]["street"] == ADDRESS["delivery.street"]

    # Still to be delivered: the address is needed, erasure waits.
    erase = found.forms["guest-erase"]
    erase["note"] = "request by mail of 2026-11-26"
    refused = erase.submit(status=409)
    assert number in refused.html.select_one("[role=alert]").text
    with site.edit() as root:
        root["orders"][number].transition(None, "cancel", actor="system:test")
    send_queued(site.registry)
    before = len(smtp.wait_for(1))

    erase = find(staff, GUEST).forms["guest-erase"]
    erase["note"] = "request by mail of 2026-11-26"
    erase.submit(status=303)

    def read(root):
        order = root["orders"][number]
        return order.contact, order.delivery, order.total, root["orders"].guest_orders(GUEST)

    contact, delivery, total, still = site.read(read)
    assert set(contact.values()) == {"erased"}
    assert delivery["street"] == "erased" and delivery["country"] == "BE"
    assert str(total) == "20.45" and still == []
    # The confirmation went to the address, in the language of the order.
    send_queued(site.registry)
    mail = smtp.wait_for(before + 1)[-1]
    assert mail.rcpt_tos == (GUEST,)
    assert mail.message["Subject"] == "Vos données personnelles chez Soft Cactus ont été effacées"
    # Found no more.
    assert find(staff, GUEST).html.select_one("#guest-orders") is None


def test_only_administrators_reach_the_guest_actions(site, app):
    guest_order(site, app)
    token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
    for path in ("/nl/manage/privacy/guest-export", "/nl/manage/privacy/guest-erase"):
        app.post(path, {"csrf_token": token, "email": GUEST, "note": "x" * 5}, status=403)
