"""The order desk (/manage/orders/): who may do what, the workflow, filters, the packing
slip and the carrier's CSV."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shopcms.web.layout import format_money
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order
from tests.orders.refunding import confirm, refund_form, review


def euro(amount, lang="en"):
    return format_money(Decimal(amount), lang)


ROLES = ("anonymous", "customer", "editor", "moderator", "orders", "admin")


@pytest.fixture
def clients(site):
    clients = {"anonymous": Browser(site.wsgi)}
    for role in ROLES[1:]:
        site.add_account(f"{role}-user@example.be", roles=(role,))
        clients[role] = Browser(site.wsgi)
        login(clients[role], f"{role}-user@example.be", PASSWORD)
    return clients


def place(site, **kw):
    with site.edit() as root:
        return make_order(root, **kw).number


def read_order(site, number, func):
    return site.read(lambda root: func(root["orders"][number]))


def stock(site, name="mug-cafe"):
    return site.read(lambda root: root["products"][name].stock)


def transition_forms(page):
    return {
        form.id.removeprefix("transition-"): form
        for form in page.forms.values()
        if (form.id or "").startswith("transition-")
    }


def list_numbers(app, query=""):
    page = app.get(f"/nl/manage/orders/{query}")
    return [row["data-number"] for row in page.html.select("table.orders tbody tr")]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.text)))


def carrier_file(app, query="", status=200):
    """The carrier's CSV as the order list's form asks for it (a POST: the file records a
    disclosure on each order)."""
    form = app.get(f"/nl/manage/orders/{query}").forms["carrier-csv"]
    return form.submit(status=status)


# -- who may see what -------------------------------------------------------------------


def test_only_the_order_desk_and_administrators_enter(site, clients):
    number = place(site)
    paths = [
        "/nl/manage/orders/",
        f"/nl/manage/orders/{number}",
        f"/nl/manage/orders/{number}/packing-slip",
    ]
    expected = {"anonymous": 403, "customer": 403, "editor": 403, "moderator": 403}
    expected |= {"orders": 200, "admin": 200}
    for path in paths:
        seen = {role: clients[role].get(path, status="*").status_int for role in ROLES}
        assert seen == expected, path
    # An anonymous visitor gets the login form in place.
    refused = clients["anonymous"].get("/nl/manage/orders/", status=403)
    assert "login" in refused.forms
    for role in ("customer", "editor", "moderator"):
        page = clients[role].get(f"/nl/manage/orders/{number}", status=403)
        main = page.html.select_one("main").get_text(" ", strip=True)
        assert number not in main and "Jan Peeters" not in page.text


def test_a_transition_post_by_someone_without_the_desk_is_refused(site, clients):
    number = place(site)
    for role in ("customer", "editor", "moderator"):
        app = clients[role]
        token = app.get("/nl/", status=200).html.select_one('input[name="csrf_token"]')["value"]
        app.post(
            f"/nl/manage/orders/{number}/transition",
            {"csrf_token": token, "transition": "pay"},
            status=403,
        )
    assert read_order(site, number, lambda order: order.state) == "placed"


def test_a_customer_cannot_open_another_customers_order(site):
    owner = site.add_account("owner@example.be")
    site.add_account("other@example.be")
    number = place(site, customer=owner)
    other = Browser(site.wsgi)
    login(other, "other@example.be", PASSWORD)
    other.get(f"/nl/orders/{number}", status=404)
    other.get(f"/nl/manage/orders/{number}", status=403)
    # Nor may the owner use the desk.
    own = Browser(site.wsgi)
    login(own, "owner@example.be", PASSWORD)
    own.get(f"/nl/manage/orders/{number}", status=403)
    own.get("/nl/manage/orders/", status=403)


def test_the_order_desk_lands_on_a_dashboard_with_only_the_orders(site):
    site.add_account("desk@example.be", roles=("orders",))
    app = Browser(site.wsgi)
    response = login(app, "desk@example.be", PASSWORD)
    assert response.location.endswith("/nl/manage/")
    dashboard = app.get("/nl/manage/")
    cards = [card.h2.get_text(strip=True) for card in dashboard.html.select("article.card")]
    assert cards == ["Bestellingen"]
    assert dashboard.html.select_one("#order-desk a")["href"] == "/nl/manage/orders/"
    app.get("/nl/manage/products/", status=403)
    app.get("/nl/manage/pages/", status=403)
    app.get("/nl/manage/customers/", status=403)


def test_editors_see_no_order_desk_on_their_dashboard(clients):
    assert clients["editor"].get("/nl/manage/").html.select_one("#order-desk") is None
    assert clients["admin"].get("/nl/manage/").html.select_one("#order-desk") is not None


# -- the workflow -----------------------------------------------------------------------


def test_the_order_desk_pays_ships_and_delivers_but_cannot_refund(site, clients):
    desk = clients["orders"]
    number = place(site)
    page = desk.get(f"/en/manage/orders/{number}")
    assert set(transition_forms(page)) == {"pay", "cancel"}

    form = transition_forms(page)["pay"]
    form["comment"] = "Paid at the counter"
    done = form.submit(status=303)
    assert done.location.endswith(f"/en/manage/orders/{number}")
    page = done.follow()
    assert f"Order {number} is now: Paid." in page.text
    assert page.html.select_one("#order-state").get_text(strip=True) == "Paid"
    assert set(transition_forms(page)) == {"ship"}  # no refund button for the desk

    # A refund posted anyway is refused with a message, and changes nothing.
    token = page.html.select_one('input[name="csrf_token"]')["value"]
    refused = desk.post(
        f"/en/manage/orders/{number}/transition",
        {"csrf_token": token, "transition": "refund", "comment": "try"},
        status=403,
    )
    assert "You are not allowed to do this." in refused.text
    assert read_order(site, number, lambda order: order.state) == "paid"

    transition_forms(page)["ship"].submit(status=303)
    page = desk.get(f"/en/manage/orders/{number}")
    transition_forms(page)["deliver"].submit(status=303)
    page = desk.get(f"/en/manage/orders/{number}")
    assert transition_forms(page) == {}
    assert "Nothing more can be done with this order." in page.text

    history = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.html.select("table.history tbody tr")
    ]
    assert [row[1] for row in history] == [
        "orders-user@example.be",
        "orders-user@example.be",
        "orders-user@example.be",
        "Guest (no account)",  # the actor "guest", titled
    ]
    assert [row[3] for row in history] == [
        "Shipped → Delivered",
        "Paid → Shipped",
        "Placed → Paid",
        "Placed",
    ]
    assert history[2][4] == "Paid at the counter"
    stored = read_order(site, number, lambda order: list(order.workflow_history))
    assert [(e.transition, e.actor) for e in stored[1:]] == [
        ("pay", clients_userid(site, "orders-user@example.be")),
        ("ship", clients_userid(site, "orders-user@example.be")),
        ("deliver", clients_userid(site, "orders-user@example.be")),
    ]


def clients_userid(site, email):
    return site.read(lambda root: root["customers"].find(email).__name__)


def test_an_administrator_refunds_and_a_refund_from_paid_gives_stock_back(site, clients):
    before = stock(site)
    number = place(site, items=(("mug-cafe", 3),), state="paid")
    assert stock(site) == before - 3
    admin = clients["admin"]
    page = admin.get(f"/nl/manage/orders/{number}")
    # The refund has its panel (tests/orders/test_refunds_partial.py), not a transition form.
    assert set(transition_forms(page)) == {"ship"} and refund_form(page) is not None
    account = ("An Peeters", "NL91ABNA0417164300")
    reason = "Customer changed their mind"
    confirm(review(admin, number, shipping=True, reason=reason, account=account, lang="nl"))
    assert read_order(site, number, lambda order: order.state) == "refunded"
    assert stock(site) == before
    entry = read_order(site, number, lambda order: order.workflow_history[-1])
    assert (entry.transition, entry.comment) == (
        "refund",
        f"{reason} SEPA transfer REFUND-{number}-1",
    )
    assert entry.actor == clients_userid(site, "admin-user@example.be")


def test_cancelling_an_unpaid_order_gives_the_stock_back(site, clients):
    before = stock(site), stock(site, "care-booklet")
    number = place(site, items=(("mug-cafe", 2), ("care-booklet", 1)))
    assert (stock(site), stock(site, "care-booklet")) == (before[0] - 2, before[1] - 1)
    page = clients["orders"].get(f"/nl/manage/orders/{number}")
    transition_forms(page)["cancel"].submit(status=303)
    assert read_order(site, number, lambda order: order.state) == "cancelled"
    assert (stock(site), stock(site, "care-booklet")) == before
    # Once cancelled, nothing more (and certainly no second restock).
    page = clients["admin"].get(f"/nl/manage/orders/{number}")
    assert transition_forms(page) == {}


def test_a_transition_the_state_does_not_allow_is_a_clear_409(site, clients):
    number = place(site)
    desk = clients["orders"]
    page = desk.get(f"/en/manage/orders/{number}")
    form = transition_forms(page)["pay"]
    form.submit(status=303)
    again = form.submit(status=409)  # a second click on the same button
    assert "This action is not possible in the current state." in again.text
    token = page.html.select_one('input[name="csrf_token"]')["value"]
    url = f"/en/manage/orders/{number}/transition"
    desk.post(url, {"csrf_token": token, "transition": "deliver"}, status=409)
    desk.post(url, {"csrf_token": token, "transition": "explode"}, status=400)
    desk.post(url, {"csrf_token": token, "transition": "ship", "comment": "x" * 1001}, status=400)
    desk.post(url, {"transition": "ship"}, status=400)  # no CSRF token
    assert read_order(site, number, lambda order: order.state) == "paid"
    assert len(read_order(site, number, lambda order: order.workflow_history)) == 2


# -- the list ---------------------------------------------------------------------------


def test_the_list_filters_by_state_and_by_date_in_brussels_time(site, clients):
    def at(*args):
        return datetime(*args, tzinfo=UTC)

    first = place(site, created=at(2026, 3, 1, 10, 0))  # 1 March, Brussels
    late = place(site, created=at(2026, 3, 1, 23, 30), state="paid")  # 2 March 00:30 Brussels
    third = place(site, created=at(2026, 3, 5, 9, 0), state="shipped")
    cancelled = place(site, created=at(2026, 3, 6, 9, 0), state="cancelled")
    desk = clients["orders"]
    assert list_numbers(desk) == [cancelled, third, late, first]  # newest first
    assert list_numbers(desk, "?state=paid") == [late]
    assert list_numbers(desk, "?state=cancelled") == [cancelled]
    assert list_numbers(desk, "?from=2026-03-02&to=2026-03-02") == [late]
    assert list_numbers(desk, "?to=2026-03-01") == [first]
    assert list_numbers(desk, "?from=2026-03-02") == [cancelled, third, late]
    assert list_numbers(desk, "?state=shipped&from=2026-03-01&to=2026-03-05") == [third]
    assert list_numbers(desk, "?state=placed&from=2026-03-02") == []

    page = desk.get("/en/manage/orders/?state=paid")
    row = page.html.select_one(f'tr[data-number="{late}"]')
    cells = {cell["class"][0]: cell.get_text(strip=True) for cell in row.select("td")}
    assert cells["customer"] == "Jan Peeters"
    assert cells["total"] == euro("20.45")  # one mug 13.50 and standard shipping 6.95
    assert cells["state"] == "Paid"
    assert cells["method"] == "Bank transfer"
    assert page.html.select_one("#order-filter-state option[selected]")["value"] == "paid"
    assert page.html.select_one("p.total").get_text(strip=True) == "1 order"
    total = desk.get("/nl/manage/orders/?from=2026-03-02").html.select_one("p.total")
    assert total.get_text(strip=True) == "3 bestellingen"

    wrong = desk.get("/en/manage/orders/?from=yesterday", status=400)
    assert "Enter a date like 2026-01-31." in wrong.text
    wrong = desk.get("/en/manage/orders/?from=2026-03-05&to=2026-03-01", status=400)
    assert "The start date is after the end date." in wrong.text
    desk.get("/en/manage/orders/?state=lost", status=400)


def test_the_list_pages_by_fifty(site, clients):
    with site.edit() as root:
        numbers = [
            make_order(root, items=(("greeting-card-stay-sharp", 1),)).number for _ in range(55)
        ]
    desk = clients["orders"]
    first = list_numbers(desk)
    second = list_numbers(desk, "?page=2")
    assert len(first) == 50 and len(second) == 5
    assert set(first) | set(second) == set(numbers)
    page = desk.get("/nl/manage/orders/?state=placed")
    links = [a["href"] for a in page.html.select("nav.pagination a")]
    assert links == [
        "/nl/manage/orders/?state=placed&page=1",
        "/nl/manage/orders/?state=placed&page=2",
    ]


# -- the order page, the packing slip, the carrier's CSV ---------------------------------


def test_the_order_page_shows_the_whole_snapshot(site, clients):
    customer = site.add_account("klant@example.be")
    with site.edit() as root:
        order = make_order(
            root,
            customer=customer,
            items=(("mug-cafe", 2), ("care-booklet", 1)),
            billing={
                "street": "Veldstraat 9",
                "postcode": "1000",
                "city": "Brussel",
                "country": "BE",
            },
        )
        order.add_payment_id("tr_test123")
        number, ogm = order.number, str(order.payment_reference)
    page = clients["admin"].get(f"/en/manage/orders/{number}")
    text = page.html.select_one("main").get_text(" ", strip=True)
    for expected in (
        "SC-5001",
        "Mok Café Cactus",  # the title in the order's language, as sold
        "SC-5007",
        euro("27.00"),  # 2 mugs
        euro("8.00"),  # the booklet, 6 % VAT
        ogm,
        "tr_test123",
        "Kerkstraat 1",
        "9000 Gent",
        "Veldstraat 9",
        "jan@example.be",
        "+32 470 12 34 56",
        "klant@example.be",
        "Bank transfer",
    ):
        assert expected in text, expected
    assert euro("6.95") in page.html.select_one(".shipping-cost").text
    assert euro("41.95") in page.html.select_one("tr.order-total").text
    vat = [row.get_text(" ", strip=True) for row in page.html.select("tr.vat")]
    # 21 %: the mugs 27.00 and shipping 6.95 (the highest rate); 6 %: the booklet 8.00.
    assert vat == [f"Of which VAT at 21 % {euro('5.89')}", f"Of which VAT at 6 % {euro('0.45')}"]


def test_the_packing_slip_shows_the_address_and_the_lines_without_prices(site, clients):
    number = place(site, items=(("mug-cafe", 2), ("care-booklet", 1)))
    slip = clients["orders"].get(f"/nl/manage/orders/{number}/packing-slip")
    address = slip.html.select_one("#delivery-address address").get_text(" ", strip=True)
    assert " ".join(address.split()) == "Jan Peeters Kerkstraat 1 9000 Gent België"
    lines = [
        [cell.get_text(strip=True) for cell in row.select("td")][:3]
        for row in slip.html.select("table.lines tbody tr")
    ]
    assert lines == [["SC-5001", "Mok Café Cactus", "2"], ["SC-5007", lines[1][1], "1"]]
    assert "Soft Cactus" in slip.text and number in slip.text
    assert "€" not in slip.text and "jan@example.be" not in slip.text
    assert slip.html.select("script") == []
    styles = [link["href"] for link in slip.html.select('link[rel="stylesheet"]')]
    assert [style.partition("?")[0] for style in styles] == ["/static/packing-slip.css"]
    css = clients["orders"].get(styles[0]).text
    assert "@media print" in css
    assert slip.headers["Cache-Control"] == "no-store"


def test_the_carrier_csv_has_the_paid_orders_and_seven_columns(site, clients):
    paid = place(site, state="paid", contact={"email": "secret@example.be"})
    injected = place(
        site,
        state="paid",
        contact={"name": '=HYPERLINK("http://evil")', "phone": "0470 12 34 56"},
        delivery={"street": "@SUM(1+1)", "city": "-Gent", "postcode": "9000"},
    )
    place(site)  # placed: not paid yet
    place(site, state="shipped")  # already gone
    response = carrier_file(clients["orders"])
    assert response.content_type == "text/csv"
    assert response.charset == "utf-8"
    assert re.fullmatch(
        r'attachment; filename="carrier-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert rows[0] == ["order", "name", "street", "postcode", "city", "country", "phone"]
    assert all(len(row) == 7 for row in rows)
    assert rows[1:] == [
        [paid, "Jan Peeters", "Kerkstraat 1", "9000", "Gent", "BE", "'+32 470 12 34 56"],
        [
            injected,
            '\'=HYPERLINK("http://evil")',
            "'@SUM(1+1)",
            "9000",
            "'-Gent",
            "BE",
            "0470 12 34 56",
        ],
    ]
    assert "@example.be" not in response.text and "20.45" not in response.text
    assert "20,45" not in response.text


def test_the_carrier_csv_follows_the_date_filter(site, clients):
    early = place(site, state="paid", created=datetime(2026, 4, 1, 9, tzinfo=UTC))
    later = place(site, state="paid", created=datetime(2026, 4, 3, 9, tzinfo=UTC))
    desk = clients["orders"]
    form = desk.get("/nl/manage/orders/?state=placed&from=2026-04-02").forms["carrier-csv"]
    assert form.action == "/nl/manage/orders/carrier.csv"
    assert (form["from"].value, form["to"].value) == ("2026-04-02", "")
    assert [row[0] for row in csv_rows(form.submit())[1:]] == [later]  # always the paid ones
    all_paid = csv_rows(carrier_file(desk))
    assert [row[0] for row in all_paid[1:]] == [early, later]
    form["from"] = "never"
    form.submit(status=400)
