"""Invoices are kept 10 years from 1 January of the year after their issue (VAT Code art.
60): ``shopcms retention`` keeps them at 9 years 11 months and on 31 December of the tenth
year, and deletes them with their orders (anonymised first) from 1 January after that; an
order's documents go together, once the last of them (a later credit note) may."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from shopcms.cli.retention import STEPS, _apply_rules
from shopcms.invoicing import api, issuing
from shopcms.invoicing.resources import keep_until
from tests.factories import make_order
from tests.invoicing.test_issuing import refund_record, refunded_event

BRUSSELS = ZoneInfo("Europe/Brussels")


def move_clock_to(site, moment):
    """Set the test clock to ``moment`` (aware)."""
    clock = site.registry.shopcms_clock
    clock.offset = timedelta()
    clock.advance(seconds=(moment - datetime.now(UTC)).total_seconds())


def retention(site, capsys):
    done = []
    _apply_rules(site.registry, done.append)
    assert done[-1] == STEPS
    return capsys.readouterr().out


def at(year, month, day, hour=0, minute=30):
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def test_keep_until_is_ten_years_from_the_first_of_january_after_issue():
    assert keep_until(datetime(2026, 1, 1).date()) == datetime(2037, 1, 1).date()
    assert keep_until(datetime(2026, 12, 31).date()) == datetime(2037, 1, 1).date()


def test_retention_deletes_invoices_and_their_orders_after_ten_years(site, capsys):
    move_clock_to(site, at(2026, 3, 15, 12))
    with site.edit() as root:
        order = make_order(root, state="shipped")
        number = order.number
        token, ogm = order.checkout_token, order.payment_reference.digits
        invoice = api.invoice_of(root, number).number
        kept = make_order(root, state="paid")  # the same year, with a credit note next year
    move_clock_to(site, at(2027, 2, 1, 12))
    with site.edit() as root:
        order = root["orders"][kept.number]
        amount = order.lines[0]["unit_price"]
        refund = refund_record("r1", datetime.now(UTC), ((0, 1, amount),), Decimal(0), amount)
        issuing.order_refunded(refunded_event(order, refund))

    # 9 years and 11 months later: everything is still there.
    move_clock_to(site, at(2036, 2, 15, 12))
    assert "invoices:" not in retention(site, capsys)
    # The last evening of the tenth year too.
    move_clock_to(site, at(2036, 12, 31, 23))
    assert "invoices:" not in retention(site, capsys)
    assert site.read(lambda root: api.invoice_of(root, number).number) == invoice

    # 1 January 2037: the invoice of 2026 and its order go (the order anonymised first);
    # the other order stays for its credit note of 2027.
    move_clock_to(site, at(2037, 1, 1))
    out = retention(site, capsys)
    assert "invoices: 1 invoice(s) and credit note(s) past 10 years deleted, with 1 order(s)" in out

    def state(root):
        orders = root["orders"]
        return (
            api.invoice_of(root, number),
            number in orders,
            token in orders.by_token,
            ogm in orders.by_reference,
            api.invoice_of(root, kept.number) is not None,
            len(api.credit_notes_of(root, kept.number)),
            kept.number in orders,
        )

    assert site.read(state) == (None, False, False, False, True, 1, True)
    # Nothing more until the credit note's time has come.
    assert "invoices:" not in retention(site, capsys)
    move_clock_to(site, at(2038, 1, 1))
    out = retention(site, capsys)
    assert "invoices: 2 invoice(s) and credit note(s) past 10 years deleted, with 1 order(s)" in out
    assert site.read(lambda root: (kept.number in root["orders"], len(root["invoices"]))) == (
        False,
        0,
    )
    # The series' counters stay: a number is never used again.
    with site.edit() as root:
        assert root["invoices"].next_number("invoice", 2026) == "F2026-000003"
