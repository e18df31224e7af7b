"""Who did what in an order's history, as staff read it: the system's actors by a title in
the reader's language (``shopcms.web.actors``), never their ids; an erased order's
personal values and the erasure's own note in that language too."""

import pytest

from shopcms.orders.payments.mollie.settling import ACTOR as MOLLIE
from shopcms.orders.statements import ACTOR as BANK_IMPORT
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order


@pytest.fixture
def desk(site):
    site.add_account("desk@example.be", roles=("orders",))
    browser = Browser(site.wsgi)
    login(browser, "desk@example.be", PASSWORD)
    return browser


def history(page):
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.html.select("table.history tbody tr")
    ]


def paid_by(site, actor, comment=""):
    with site.edit() as root:
        order = make_order(root)
        order.transition(None, "pay", comment=comment, actor=actor)
        return order.number


def test_an_order_paid_through_mollie_names_mollie_not_its_id(site, desk):
    number = paid_by(site, MOLLIE, comment="Mollie payment tr_test1")
    page = desk.get(f"/en/manage/orders/{number}")
    assert [row[1] for row in history(page)] == ["Mollie (payment provider)", "Guest (no account)"]
    # In Dutch too: a title, never the stored id.
    dutch = desk.get(f"/nl/manage/orders/{number}")
    who = [row[1] for row in history(dutch)]
    assert who == ["Mollie (betaaldienst)", "Gast (geen account)"]
    assert "system:" not in dutch.html.select_one("table.history").get_text()


def test_an_order_paid_by_the_bank_import_says_so(site, desk):
    number = paid_by(site, BANK_IMPORT, comment="bank statement, line 4, 2026-03-02")
    page = desk.get(f"/en/manage/orders/{number}")
    assert history(page)[0][1] == "Bank statement import"
    # The comment the import wrote, through a message (its Dutch once the catalogs have it).
    assert history(page)[0][4] == "Bank statement, line 4, 2026-03-02"
    dutch = desk.get(f"/nl/manage/orders/{number}")
    assert "system:" not in dutch.html.select_one("table.history").get_text()


def test_a_staff_member_is_shown_by_their_address_and_an_unknown_actor_as_stored(site, desk):
    staff = site.add_account("someone@example.be", roles=("orders",))
    with site.edit() as root:
        order = make_order(root)
        order.transition(None, "pay", actor=staff)
        order.transition(None, "ship", actor="system:something-new")
        number = order.number
    who = [row[1] for row in history(desk.get(f"/nl/manage/orders/{number}"))]
    assert who[:2] == ["system:something-new", "someone@example.be"]


def test_an_erased_order_speaks_dutch_on_a_dutch_page(site, desk):
    with site.edit() as root:
        order = make_order(root)
        order.anonymise(order.created, "customer", "erased at the customer's request")
        number = order.number
    page = desk.get(f"/nl/manage/orders/{number}")
    main = page.html.select_one("main")
    contact = [dd.get_text(strip=True) for dd in main.select(".order-contact dd")[:3]]
    assert contact == ["(gewist)", "(gewist)", "(gewist)"]
    assert "(gewist)" in main.select_one("#delivery-address").get_text()
    assert history(page)[0][2] == "Persoonsgegevens gewist"
    note = main.select("table.history tbody tr td.comment")[0]
    # Its translation comes with the lead's catalogs ("Gewist op verzoek van de klant");
    # until then the message's own English, not the stored lower-case note.
    assert note.get_text(strip=True) in (
        "Gewist op verzoek van de klant",
        "Erased at the customer's request",
    )
    note.decompose()
    assert "erased" not in main.get_text().lower()
    listed = desk.get("/nl/manage/orders/").html.select_one(f'tr[data-number="{number}"]')
    assert listed.select_one(".customer").get_text(strip=True) == "(gewist)"
    # The actor and the erasure's note have titles of their own (English until the
    # catalogs translate them).
    english = history(desk.get(f"/en/manage/orders/{number}"))
    assert english[0][1] == "The customer"
    assert english[0][4] == "Erased at the customer's request"


def test_the_customers_own_export_names_mollie_too(site):
    userid = site.add_account("buyer@example.be")
    with site.edit() as root:
        order = make_order(root, customer=userid)
        order.transition(None, "pay", comment="Mollie payment tr_test2", actor=MOLLIE)
    buyer = Browser(site.wsgi)
    login(buyer, "buyer@example.be", PASSWORD, lang="en")
    lines = [
        li.get_text(" ", strip=True)
        for li in buyer.get("/en/account/export").html.select("ul.history li")
    ]
    assert any("(Mollie (payment provider))" in line for line in lines), lines
    assert any("(You)" in line for line in lines), lines
    dutch = buyer.get("/nl/account/export").html.select_one("ul.history").get_text()
    assert "system:" not in dutch
