"""Every writer of the stock sends the alerts: the desk's stock form, a script or an order
giving stock back; a hidden product's alerts wait until it is shown again; a deleted
product's go with it."""

from shopcms.stockalerts import alerts
from shopcms.stockalerts.mail import BACK
from shopcms.web.clock import now
from tests.outbox import intents
from tests.stockalerts.helpers import OUT, stored
from tests.stockalerts.test_back_in_stock import editor


def subscribe(site, *addresses):
    """Confirmed alerts of OUT for ``addresses`` (in French), as a logged-in customer's."""
    with site.edit() as root:
        pid = root["products"][OUT].pid
        for address in addresses:
            alerts.ask(root["stockalerts"], pid, address, "fr", now(site.registry), account="c")


def mailed(site):
    return sorted(i["address"] for i in intents(site) if i["kind"] == BACK)


def test_the_desks_stock_form_and_an_order_giving_stock_back_send_the_alerts(site):
    subscribe(site, "first@example.be")
    desk = editor(site)
    form = desk.get(f"/nl/manage/products/{OUT}/edit").forms["stock-adjust"]
    form["adjust"] = "3"
    form.submit("change", status=303)
    assert mailed(site) == ["first@example.be"] and stored(site) == {}

    subscribe(site, "second@example.be")
    with site.edit() as root:
        root["products"][OUT].set_stock(0)
    with site.edit() as root:  # as a cancelled order or a refund gives stock back
        root["products"][OUT].adjust_stock(1)
    assert mailed(site) == ["first@example.be", "second@example.be"]
    assert stored(site) == {}


def test_a_hidden_products_alerts_wait_until_it_is_shown_and_go_with_it(site):
    subscribe(site, "patient@example.be")
    with site.edit() as root:
        root["products"][OUT].publish(False)
        root["products"][OUT].set_stock(2)
    assert mailed(site) == [] and stored(site) == {"patient@example.be": True}
    with site.edit() as root:
        root["products"][OUT].publish(True)
    assert mailed(site) == ["patient@example.be"] and stored(site) == {}

    with site.edit() as root:
        root["products"][OUT].set_stock(0)
    subscribe(site, "orphan@example.be")
    with site.edit() as root:
        root["products"].remove_product(OUT)
        assert len(root["stockalerts"].alerts) == 0
