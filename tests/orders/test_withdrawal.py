"""The right of withdrawal, end to end: a customer withdraws from their account on the 14th
day after delivery and gets the acknowledgement at once (a real SMTP server); on the 15th
day it is refused; a guest withdraws through the link in the shipped mail; forged and
expired links, another customer's order, a repeated POST; the desk's list, "goods
received" and the way to the refund form.  The site's clock is the test clock
(``tests/web/testviews.py``); the orders are English (their mails and pages speak English).
"""

import dataclasses
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shopcms.mail import send_queued
from shopcms.orders import withdrawal
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order
from tests.outbox import queued

BRUSSELS = ZoneInfo("Europe/Brussels")
GUEST = {"name": "Piet Janssens", "email": "piet@example.be"}
LINK = re.compile(r"https?://[^/\s]+(/en/withdrawal/[^\s]+)")
ACK = "We received your withdrawal from order"


# -- setting up --------------------------------------------------------------------------


def set_clock(site, moment):
    """The site's clock shows ``moment`` (it runs on from there)."""
    site.registry.shopcms_clock.offset = moment - datetime.now(UTC)


def local(day, hour=12, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS)


def plain_delivery_day():
    """A day in the coming weeks whose 14th and 15th days after are working days (so that
    day 15 is past the period, with no weekend or holiday to extend it)."""
    day = datetime.now(BRUSSELS).date() + timedelta(days=20)
    while not all(withdrawal.working_day(day + timedelta(days=n)) for n in (14, 15)):
        day += timedelta(days=1)
    return day


def place(site, state, customer=None, items=(("mug-cafe", 2), ("care-booklet", 1)), **kw):
    with site.edit() as root:
        return make_order(root, lang="en", state=state, customer=customer, items=items, **kw).number


def deliver_on(site, number, day):
    """The order's ``deliver`` entry says it was delivered on ``day`` (10:00, Brussels)."""

    def move(root):
        history = root["orders"][number].workflow_history
        for index, entry in enumerate(history):
            if entry.transition == "deliver":
                when = local(day, 10).astimezone(UTC)
                history[index] = dataclasses.replace(entry, when=when)

    with site.edit() as root:
        move(root)


def order_of(site, number, func):
    return site.read(lambda root: func(root["orders"][number]))


def statements(site, number):
    return order_of(site, number, lambda order: order.withdrawals)


def history(site, number):
    return order_of(
        site, number, lambda order: [(e.transition, e.actor) for e in order.workflow_history]
    )


def acknowledgements(site):
    return [(to, m) for to, m in queued(site) if m["Subject"].startswith(ACK)]


@pytest.fixture
def customer(site):
    account = site.add_account("an@example.be")
    return account


def logged_in(site, email="an@example.be"):
    browser = Browser(site.wsgi)
    login(browser, email, PASSWORD, lang="en")
    return browser


@pytest.fixture
def desk(site):
    account = site.add_account("desk@example.be", roles=("orders",))
    browser = logged_in(site, "desk@example.be")
    browser.account = account
    return browser


# -- acceptance point 4 ------------------------------------------------------------------


def test_a_customer_withdraws_on_day_14_and_is_acknowledged_by_mail_at_once(site, smtp, customer):
    number = place(site, "delivered", customer=customer)
    delivered = plain_delivery_day()
    deliver_on(site, number, delivered)
    set_clock(site, local(delivered + timedelta(days=14), 23, 30))  # late on day 14
    browser = logged_in(site)

    # The account's order page links to the form.
    order_page = browser.get(f"/en/account/orders/{number}")
    link = order_page.html.select_one(".withdrawal-link a")["href"]
    assert link == f"/en/account/withdrawal/{number}"
    page = browser.get(link)
    assert (
        page.headers["Cache-Control"].startswith("no-store")
        or "no-store" in page.headers["Cache-Control"]
    )
    # The model form's content: the trader, the consumer's name and address, the dates.
    model = page.html.select_one("dl.model-form").get_text(" ", strip=True)
    assert "onto object bvba" in model
    assert "Jan Peeters" in model and "Kerkstraat 1" in model and "9000 Gent" in model
    period = page.html.select_one(".withdrawal-period").get_text(" ", strip=True)
    last = delivered + timedelta(days=14)
    assert f"until {last.strftime('%B')} {last.day}, {last.year} included" in period
    form = page.forms["withdrawal"]
    assert (form["line-0"].value, form["line-1"].value) == ("2", "1")  # all, by default
    assert form["reason"].value == ""  # never required
    done = form.submit("withdraw", status=303).follow()
    assert "Your withdrawal is recorded" in done.text
    assert "2 × " in done.html.select_one("#withdrawals-stated").get_text()

    [statement] = statements(site, number)
    assert statement.lines == ((0, 2), (1, 1))
    assert (statement.by, statement.reason, statement.received) == ("customer", "", None)
    assert abs(statement.when - local(last, 23, 30)) < timedelta(minutes=5)
    assert history(site, number)[-1] == ("withdraw", customer)

    # The acknowledgement leaves at once, on a real SMTP server.
    sent = send_queued(site.registry).sent
    [mail] = [m for m in smtp.wait_for(sent) if m.message["Subject"].startswith(ACK)]
    assert mail.message["Subject"] == f"{ACK} {number}"
    assert mail.message["To"] == "Jan Peeters <jan@example.be>"
    text = mail.message.get_body(("plain",)).get_content()
    assert "you withdrew from these goods of order" in text
    assert "2 x " in text and "1 x " in text
    assert "within 14 days" in text

    # The customer's own data export shows the statement with the order.
    exported = json.loads(browser.get("/en/account/export.json").text)
    [order] = [o for o in exported["orders"] if o["number"] == number]
    [stated] = order["withdrawals"]
    assert (stated["lines"], stated["by"]) == ([[0, 2], [1, 1]], "customer")


def test_on_day_15_the_withdrawal_is_refused_with_a_clear_message(site, customer):
    number = place(site, "delivered", customer=customer)
    delivered = plain_delivery_day()
    deliver_on(site, number, delivered)
    set_clock(site, local(delivered + timedelta(days=14), 23, 55))
    browser = logged_in(site)
    form = browser.get(f"/en/account/withdrawal/{number}").forms["withdrawal"]

    set_clock(site, local(delivered + timedelta(days=15), 0, 5))  # five past midnight
    page = browser.get(f"/en/account/withdrawal/{number}", status=410)
    problem = page.html.select_one("#withdrawal-problem").get_text(" ", strip=True)
    assert "The withdrawal period has ended" in problem
    last = delivered + timedelta(days=14)
    assert f"until {last.strftime('%B')} {last.day}, {last.year}" in problem
    assert "withdrawal" not in page.forms
    # The form opened on day 14, sent on day 15: refused, nothing written, no mail.
    refused = form.submit("withdraw", status=410)
    assert "The withdrawal period has ended" in refused.text
    assert statements(site, number) == ()
    assert acknowledgements(site) == []


def test_the_period_ends_on_the_next_working_day(site):
    registry = site.registry
    thursday = local(date(2026, 12, 10))  # + 14: Thursday 24 December
    assert withdrawal.last_day(registry, thursday) == date(2026, 12, 24)
    friday = local(date(2026, 12, 11))  # + 14: Christmas, then a weekend
    assert withdrawal.last_day(registry, friday) == date(2026, 12, 28)
    easter = local(date(2027, 3, 15))  # + 14: Monday 29 March 2027, Easter Monday
    assert withdrawal.last_day(registry, easter) == date(2027, 3, 30)
    # Late in the evening is the next day in Brussels already.
    assert withdrawal.last_day(registry, datetime(2026, 12, 9, 23, 30, tzinfo=UTC)) == date(
        2026, 12, 24
    )


# -- the guest's link --------------------------------------------------------------------


def ship_at_the_desk(desk, number):
    desk.get(f"/en/manage/orders/{number}").forms["transition-ship"].submit(status=303)


def shipped_mail_link(site, smtp, number):
    sent = send_queued(site.registry).sent
    [mail] = [m for m in smtp.wait_for(sent) if "is on its way" in m.message["Subject"]]
    text = mail.message.get_body(("plain",)).get_content()
    [link] = LINK.findall(text)
    assert "/en/withdrawal/" in mail.message.get_body(("html",)).get_content()
    return link


def test_a_guest_withdraws_through_the_link_in_the_shipped_mail(site, smtp, desk):
    number = place(site, "paid", contact=GUEST)
    ship_at_the_desk(desk, number)
    link = shipped_mail_link(site, smtp, number)

    guest = Browser(site.wsgi)
    page = guest.get(link)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    guest.get(link)  # opened twice before sending: a GET writes nothing
    assert statements(site, number) == ()
    # Shipped, not yet delivered: the period has not started, the form is open.
    assert "has not been delivered yet" in page.text
    form = page.forms["withdrawal"]
    form["line-0"] = "0"
    form["line-1"] = "0"
    nothing = form.submit("withdraw", status=400)
    assert "Choose at least one item to withdraw from." in nothing.text
    assert nothing.html.select_one("#withdrawal-lines-line-0")["aria-invalid"] == "true"
    form["line-0"] = "1"  # one of the two mugs
    form["reason"] = "Too big for my shelf."
    form.submit("withdraw", status=303).follow()

    [statement] = statements(site, number)
    assert statement.lines == ((0, 1),)
    assert (statement.by, statement.reason) == ("guest", "Too big for my shelf.")
    assert history(site, number)[-1] == ("withdraw", "guest")
    [(to, mail)] = acknowledgements(site)
    assert to == GUEST["email"]
    assert "Too big for my shelf." in mail.get_body(("plain",)).get_content()

    # The link still opens: what is left can be withdrawn, and only that.
    form = guest.get(link).forms["withdrawal"]
    assert [o[0] for o in form["line-0"].options] == ["1", "0"]
    form["line-0"].force_value("2")
    form.submit("withdraw", status=400)
    assert len(statements(site, number)) == 1


def test_a_forged_or_expired_link_is_refused(site, smtp, desk):
    number = place(site, "paid", contact=GUEST)
    ship_at_the_desk(desk, number)
    link = shipped_mail_link(site, smtp, number)
    guest = Browser(site.wsgi)
    form = guest.get(link).forms["withdrawal"]

    token = link.rsplit("/", 1)[1]
    forged = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert "This link cannot be used" in guest.get(f"/en/withdrawal/{forged}", status=404).text
    guest.get("/en/withdrawal/not-a-token", status=404)
    # A token of another purpose (a review link) signed with the same secret: refused.
    from shopcms.reviews.links import make_token

    secret = site.registry.settings["shopcms.secret"]
    review = make_token(secret, number, 1, datetime.now(UTC))
    guest.get(f"/en/withdrawal/{review}", status=404)

    site.registry.shopcms_clock.advance(days=61)
    page = guest.get(link, status=410)
    assert "This link has expired" in page.text
    assert "info@softcactus.be" in page.text
    form.submit("withdraw", status=410)  # a form opened in time does not outlive its link
    assert statements(site, number) == ()
    assert acknowledgements(site) == []


# -- only one's own order, once ----------------------------------------------------------


def test_another_customers_order_is_not_found(site, customer):
    number = place(site, "delivered", customer=customer)
    guests = place(site, "delivered", contact=GUEST)
    own = place(site, "delivered", customer=site.add_account("other@example.be"))
    other = logged_in(site, "other@example.be")
    other.get(f"/en/account/withdrawal/{number}", status=404)
    other.get(f"/en/account/withdrawal/{guests}", status=404)
    other.get("/en/account/withdrawal/2026-999999", status=404)
    # Their own form, posted to the other order's address: 404, nothing written.
    form = other.get(f"/en/account/withdrawal/{own}").forms["withdrawal"]
    form.action = f"/en/account/withdrawal/{number}"
    form.submit("withdraw", status=404)
    assert statements(site, number) == ()
    # A visitor who is not logged in meets the login form.
    Browser(site.wsgi).get(f"/en/account/withdrawal/{number}", status=403)


def test_a_repeated_post_records_the_statement_once(site, customer):
    number = place(site, "delivered", customer=customer)
    browser = logged_in(site)
    form = browser.get(f"/en/account/withdrawal/{number}").forms["withdrawal"]
    form["line-1"] = "0"
    form.submit("withdraw", status=303)
    again = form.submit("withdraw", status=303).follow()  # a second click, a retry
    assert "recorded already" in again.text
    assert len(statements(site, number)) == 1
    assert len(acknowledgements(site)) == 1
    assert [t for t, _a in history(site, number)].count("withdraw") == 1

    # What is left is a new statement; then nothing is left.
    rest = browser.get(f"/en/account/withdrawal/{number}").forms["withdrawal"]
    assert "line-0" not in rest.fields
    rest.submit("withdraw", status=303)
    assert [s.lines for s in statements(site, number)] == [((0, 2),), ((1, 1),)]
    page = browser.get(f"/en/account/withdrawal/{number}")
    assert "Everything is withdrawn already" in page.text
    assert "withdrawal" not in page.forms
    assert len(acknowledgements(site)) == 2


def test_an_unpaid_or_cancelled_order_has_nothing_to_withdraw(site, customer):
    placed = place(site, "placed", customer=customer)
    cancelled = place(site, "cancelled", customer=customer)
    browser = logged_in(site)
    page = browser.get(f"/en/account/withdrawal/{placed}", status=409)
    assert "not paid yet" in page.text
    assert not browser.get(f"/en/account/orders/{placed}").html.select(".withdrawal-link")
    browser.get(f"/en/account/withdrawal/{cancelled}", status=409)


# -- the desk ----------------------------------------------------------------------------


def test_the_desk_receives_the_goods_and_goes_to_the_refund_form(site, customer, desk):
    number = place(site, "delivered", customer=customer)
    browser = logged_in(site)
    form = browser.get(f"/en/account/withdrawal/{number}").forms["withdrawal"]
    form["line-0"] = "1"
    form["reason"] = "Changed my mind"
    form.submit("withdraw", status=303)

    waiting = desk.get("/en/manage/orders/withdrawals")
    [row] = waiting.html.select("table.withdrawals tbody tr")
    assert row.select_one("a").get_text() == number
    assert "1 × " in row.get_text()
    page = desk.get(f"/en/manage/orders/{number}")
    panel = page.html.select_one("#after-sale").get_text(" ", strip=True)
    assert "Changed my mind" in panel and "By the customer" in panel
    assert ("Withdrawal stated") in page.html.select_one("table.history").get_text()

    received = page.forms["goods-received-1"].submit("received", status=303)
    assert received.location.endswith(f"/en/manage/orders/{number}?line-0=1&line-1=1#refund")
    assert order_of(site, number, lambda o: o.withdrawals[0].received_by) == desk.account
    assert history(site, number)[-1] == ("goods-received", desk.account)
    shown = desk.get(f"/en/manage/orders/{number}").html.select_one("#withdrawal-1").get_text()
    assert "by desk@example.be" in shown
    again = page.forms["goods-received-1"].submit("received", status=303)  # twice: once
    assert again.location == received.location
    assert [t for t, _a in history(site, number)].count("goods-received") == 1
    waiting = desk.get("/en/manage/orders/withdrawals")
    assert not waiting.html.select("table.withdrawals")
    assert "No withdrawal is waiting." in waiting.text
    # A customer may not do it.
    browser.post(f"/en/manage/orders/{number}/goods-received", {"withdrawal": "1"}, status=403)


def test_an_erasure_keeps_the_statement_without_the_customers_words(site, customer):
    number = place(site, "delivered", customer=customer)
    browser = logged_in(site)
    form = browser.get(f"/en/account/withdrawal/{number}").forms["withdrawal"]
    form["reason"] = "My neighbour Mia gave me the same mug"
    form.submit("withdraw", status=303)
    with site.edit() as root:
        order = root["orders"][number]
        order.tracking = {"carrier": "bpost", "number": "32329999", "url": "https://x/32329999"}
        order.anonymise(datetime.now(UTC), "system:test")
    [statement] = statements(site, number)
    assert (statement.lines, statement.reason) == (((0, 2), (1, 1)), "erased")
    assert order_of(site, number, lambda o: o.tracking) == {
        "carrier": "bpost",
        "number": "erased",
        "url": None,
    }
    # The order is no longer the account's: its page is not found.
    browser.get(f"/en/account/withdrawal/{number}", status=404)
