"""The carrier and tracking number given with "Mark shipped": kept on the order, shown on
its desk page, and the shipped mail (on a real SMTP server) names the carrier and links to
its tracking page; a carrier that is not on the list is refused and nothing changes."""

import pytest

from shopcms.mail import send_queued
from shopcms.orders.tracking import CARRIERS, tracking_url
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order
from tests.outbox import queued


@pytest.fixture
def desk(site):
    site.add_account("desk@example.be", roles=("orders",))
    desk = Browser(site.wsgi)
    login(desk, "desk@example.be", PASSWORD, lang="en")
    return desk


def paid_order(site, **kw):
    with site.edit() as root:
        return make_order(root, lang="en", state="paid", **kw).number


def order_of(site, number, func):
    return site.read(lambda root: func(root["orders"][number]))


def shipped_mails(site):
    return [mail for _to, mail in queued(site) if "is on its way" in mail["Subject"]]


def ship_form(desk, number):
    return desk.get(f"/en/manage/orders/{number}").forms["transition-ship"]


def test_the_shipped_mail_carries_the_carrier_and_the_tracking_link(site, smtp, desk):
    number = paid_order(site, delivery={"postcode": "9000", "country": "BE"})
    form = ship_form(desk, number)
    assert [value for value, *_ in form["carrier"].options] == ["", *CARRIERS]
    form["carrier"] = "PostNL"
    form["tracking_number"] = " 3s abcd-1234567 "  # as copied from a label
    form.submit(status=303)

    url = "https://jouw.postnl.nl/track-and-trace/3SABCD1234567-BE-9000"
    tracking = order_of(site, number, lambda order: (order.state, order.tracking))
    assert tracking == (
        "shipped",
        {"carrier": "PostNL", "number": "3SABCD1234567", "url": url},
    )
    page = desk.get(f"/en/manage/orders/{number}")
    assert page.html.select_one("#after-sale a[href]")["href"] == url

    sent = send_queued(site.registry).sent
    [mail] = [m for m in smtp.wait_for(sent) if "is on its way" in m.message["Subject"]]
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert "Carrier: PostNL, tracking number 3SABCD1234567." in text
    assert f"Follow your parcel: {url}" in text
    assert f'href="{url}"' in html
    assert "Carrier: <strong>PostNL</strong>" in html


def test_an_unknown_carrier_is_refused_and_nothing_changes(site, desk):
    number = paid_order(site)
    form = ship_form(desk, number)
    form["carrier"].force_value("UPS")
    form["tracking_number"] = "1Z999AA10123456784"
    page = form.submit(status=400)
    assert page.html.select_one("#transition-ship-carrier")["aria-invalid"] == "true"
    assert order_of(site, number, lambda order: (order.state, order.tracking)) == ("paid", None)
    assert shipped_mails(site) == []


@pytest.mark.parametrize(
    ("carrier", "number", "field"),
    [
        ("DHL", "", "tracking-number"),
        ("", "JJD000390007123456", "carrier"),
        ("DPD", "12", "tracking-number"),
    ],
)
def test_a_carrier_needs_its_number_and_a_number_its_carrier(site, desk, carrier, number, field):
    order = paid_order(site)
    form = ship_form(desk, order)
    form["carrier"] = carrier
    form["tracking_number"] = number
    page = form.submit(status=400)
    assert page.html.select_one(f"#transition-ship-{field}")["aria-invalid"] == "true"
    assert order_of(site, order, lambda o: o.state) == "paid"


def test_shipping_without_a_tracking_number_still_works(site, desk):
    number = paid_order(site)
    ship_form(desk, number).submit(status=303)
    assert order_of(site, number, lambda order: (order.state, order.tracking)) == (
        "shipped",
        None,
    )
    [mail] = shipped_mails(site)
    assert "Carrier:" not in mail.get_body(("plain",)).get_content()


def test_each_carrier_links_to_its_public_tracking_page(site):
    class Order:
        lang = "fr"
        delivery = {"country": "NL", "postcode": "1012 AB"}

    urls = {name: tracking_url({}, name, "AB12/34", Order()) for name in CARRIERS}
    assert urls == {
        "bpost": "https://track.bpost.cloud/btr/web/#/search?itemCode=AB12%2F34&lang=fr",
        "PostNL": "https://jouw.postnl.nl/track-and-trace/AB12%2F34-NL-1012AB",
        "DPD": "https://tracking.dpd.de/status/fr_BE/parcel/AB12%2F34",
        "GLS": "https://gls-group.com/BE/en/parcel-tracking?match=AB12%2F34",
        "DHL": "https://www.dhl.com/be-fr/home/tracking/tracking-parcel.html?submit=1"
        "&tracking-id=AB12%2F34",
    }
    # A setting replaces a pattern that changed at the carrier.
    settings = {"shopcms.tracking.dhl": "https://dhl.example/{number}"}
    assert tracking_url(settings, "DHL", "X1", Order()) == "https://dhl.example/X1"
