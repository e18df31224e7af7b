"""CODA bank statements: read after the Febelfin 2.6 layout, previewed and confirmed in the
order desk while the server runs (acceptance point 5 of issue 17, CODA)."""

import threading
from decimal import Decimal

import pytest
import transaction
from webtest import TestApp

from shopcms.orders import statements
from shopcms.orders.ogm import ogm_for
from shopcms.privacy.export import _order as export_order
from shopcms.web.clock import now
from tests.conftest import PASSWORD, make_site
from tests.factories import make_order
from tests.liveserver import serving
from tests.orders.statement_files import (
    DESK_EMAIL,
    SHOP_IBAN,
    Movement,
    coda,
    desk_login,
    last_transaction,
    outcomes,
    upload,
)
from tests.orders.test_payments_mollie import over_http

UNKNOWN_OGM = ogm_for("2026-999999").digits
PAYER_IBAN = "BE48001123456727"


def test_a_coda_file_is_read_record_by_record():
    ogm = ogm_for("2026-000001").digits
    data = coda(
        [
            Movement(Decimal("20.45"), ogm=ogm, reference="BANKREF1", name="Marie Dubois"),
            Movement(Decimal("-5.00"), text="bankkosten"),
            Movement(Decimal("3.00"), text=f"bestelling +++{ogm_for('2026-000002')}+++"),
        ],
        [Movement(Decimal("20.45"), ogm=ogm, reference="BANKREF1", name="Marie Dubois")],
        duplicate_last=True,
    )
    kind, lines = statements.read_statement(data)
    assert kind == statements.CODA
    first, fee, typed, again = lines
    assert (first.number, first.date, first.amount, first.currency) == (
        3,
        "2026-03-02",
        Decimal("20.45"),
        "EUR",
    )
    assert first.reference.digits == ogm and first.communication == str(first.reference)
    assert (first.payer_name, first.payer_iban) == ("Marie Dubois", PAYER_IBAN)
    assert first.bank_reference == f"{SHOP_IBAN}/BANKREF1/0000"
    assert fee.amount == Decimal("-5.00") and fee.reference is None
    # An OGM typed in the free communication is found there too.
    assert typed.reference == ogm_for("2026-000002")
    # The same movement in the duplicate statement has the same key; the others differ.
    assert again.key == first.key and len({first.key, fee.key, typed.key}) == 3


def test_a_coda_file_whose_totals_do_not_add_up_is_refused():
    data = coda([Movement(Decimal("20.45"), ogm=UNKNOWN_OGM)]).decode("cp1252")
    records = data.split("\r\n")
    # The trailer says 1.00 more was credited than the movements hold.
    records[-2] = records[-2][:37] + f"{20450 + 1000:015d}" + records[-2][52:]
    with pytest.raises(statements.StatementError, match="do not add up"):
        statements.read_statement("\r\n".join(records).encode("cp1252"))


@pytest.mark.parametrize(
    "data",
    [b"0000012", b"00000020326725" + b"05" + b" " * 112 + b"1\r\n"],
)
def test_a_broken_coda_file_is_refused_with_a_reason(data):
    with pytest.raises(statements.StatementError):
        statements.read_statement(data)


def five_outcomes(orders):
    """The statement of acceptance point 5: one line of each outcome, and a debit."""
    paid, over, under = orders
    return [
        [
            Movement(paid.total, ogm=paid.payment_reference.digits, reference="R-PAID"),
            Movement(over.total + 5, ogm=over.payment_reference.digits, reference="R-OVER"),
            Movement(under.total - 1, ogm=under.payment_reference.digits, reference="R-UNDER"),
            Movement(paid.total, ogm=UNKNOWN_OGM, reference="R-UNKNOWN"),
            Movement(Decimal("-12.10"), text="bankkosten", reference="R-FEE"),
        ],
        # The next day's statement repeats the first movement: a duplicate.
        [Movement(paid.total, ogm=paid.payment_reference.digits, reference="R-PAID")],
    ]


EXPECTED_PREVIEW = [
    ("3", statements.PAID),
    ("6", statements.OVERPAID),
    ("9", statements.UNDERPAID),
    ("12", statements.UNKNOWN),
    ("15", statements.NOT_INCOMING),
    ("22", statements.DUPLICATE),
]


def desk_import_twice(tmp_path, build):
    """Acceptance point 5 on a live server: three placed transfer orders, the statement
    ``build(orders)`` uploaded by order-desk staff, previewed, confirmed twice (the second
    a replay of the same form), and a third confirmation at the same time as a fourth.
    Returns what the test checks."""
    shop = make_site(tmp_path)
    try:
        shop.add_account(DESK_EMAIL, PASSWORD, roles=("orders",))
        with shop.edit() as root:
            orders = [make_order(root) for _ in range(3)]
            numbers = [order.number for order in orders]
            data = build(orders)
        with serving(shop.wsgi) as base:
            browser = TestApp(over_http)
            desk_login(browser, base, PASSWORD)
            before = last_transaction(shop)
            preview = upload(browser, base, "statement", data)
            assert last_transaction(shop) == before  # the preview wrote nothing
            confirm = preview.forms["statement-confirm"]
            first = confirm.submit("confirm")
            second = confirm.submit("confirm")  # a double click, a reload, a replay
            # Two confirmations at once: one conflicts, is replayed, and finds it done.
            pages = []
            clients = [confirm.submit for _ in range(2)]
            threads = [
                threading.Thread(target=lambda c=c: pages.append(c("confirm"))) for c in clients
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)

        def read(root):
            found = [root["orders"][number] for number in numbers]
            return [
                (
                    order.state,
                    [entry.transition for entry in order.workflow_history],
                    order.payer_iban,
                    order.payer_name,
                    order.workflow_history[-1].comment,
                )
                for order in found
            ]

        return preview, first, second, pages, shop.read(read), numbers
    finally:
        transaction.abort()
        shop.close()


def test_coda_import_from_the_desk_with_the_server_running(tmp_path):
    preview, first, second, concurrent, orders, numbers = desk_import_twice(
        tmp_path, lambda orders: coda(*five_outcomes(orders))
    )
    assert "Preview: CODA statement" in preview.text
    assert outcomes(preview) == EXPECTED_PREVIEW
    row = preview.html.select("table.statement tbody tr")[1]
    assert "too much" in row.select_one(".outcome").get_text()
    assert row.select_one(".order a").get_text() == numbers[1]
    assert outcomes(first) == EXPECTED_PREVIEW
    assert "2 orders marked paid." in first.text
    # Confirmed again: every credit is now a duplicate, nothing is marked.
    assert [outcome for _line, outcome in outcomes(second)] == [
        statements.DUPLICATE,
        statements.DUPLICATE,
        statements.DUPLICATE,
        statements.DUPLICATE,
        statements.NOT_INCOMING,
        statements.DUPLICATE,
    ]
    assert "0 orders marked paid." in second.text
    assert [page.status_int for page in concurrent] == [200, 200]
    assert all("0 orders marked paid." in page.text for page in concurrent)
    paid, over, under = orders
    assert paid[:4] == ("paid", [None, "pay"], PAYER_IBAN, "Jan Peeters")
    assert paid[4] == "bank statement, line 3, 2026-03-02"
    assert over[:2] == ("paid", [None, "pay"])
    assert over[4] == "bank statement, line 6, 2026-03-02, overpaid by 5.00"
    assert under[:3] == ("placed", [None], None)


def test_a_statement_the_desk_cannot_read_is_refused_with_the_form(app, site):
    site.add_account(DESK_EMAIL, PASSWORD, roles=("orders",))
    desk_login(app, "", PASSWORD)
    page = upload(app, "", "statement.cod", b"no statement at all\n", status=400)
    error = page.html.select_one("#statement-upload-statement-error, .error, [role=alert]")
    assert error is not None
    assert "cannot be read as a bank statement" in page.text
    assert page.html.select_one("table.statement") is None


def test_a_changed_preview_is_refused(app, site):
    site.add_account(DESK_EMAIL, PASSWORD, roles=("orders",))
    desk_login(app, "", PASSWORD)
    with site.edit() as root:
        order = make_order(root)
        data = coda([Movement(order.total, ogm=order.payment_reference.digits)])
    confirm = upload(app, "", "statement.cod", data).forms["statement-confirm"]
    confirm["token"] = confirm["token"].value[:-2] + "xx"
    page = confirm.submit("confirm", status=400)
    assert "expired or was changed" in page.text
    assert site.read(lambda root: root["orders"][order.number].state) == "placed"


def test_the_statements_page_is_for_the_order_desk(app, site):
    site.add_account("editor@example.be", PASSWORD, roles=("editor",))
    form = app.get("/en/login").forms["login"]
    form["email"], form["password"] = "editor@example.be", PASSWORD
    form.submit("login", status=303)
    app.get("/en/manage/orders/statements", status=403)


def test_the_payer_is_kept_for_a_refund_exported_and_erased_with_the_order(site):
    with site.edit() as root:
        order = make_order(root)
        number = order.number
        data = coda([Movement(order.total, ogm=order.payment_reference.digits)])
    [outcome] = statements.import_statement(site.registry, statements.read_statement(data)[1])
    assert outcome.matched

    def payer(root):
        order = root["orders"][number]
        return order.payer_name, order.payer_iban, export_order(order, None)["payer"]

    assert site.read(payer) == (
        "Jan Peeters",
        PAYER_IBAN,
        {"name": "Jan Peeters", "iban": PAYER_IBAN},
    )
    with site.edit() as root:
        root["orders"][number].anonymise(now(site.registry), "system:test")
    assert site.read(payer) == (None, None, {"name": None, "iban": None})
