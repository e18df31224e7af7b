"""Unpaid bank transfers: the reminder after N days, the cancellation after M days with the
stock given back, each mail once, run by ``shopcms retention`` (acceptance point 6 of
issue 17), on the test clock."""

from datetime import timedelta

import pytest
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories

from shopcms.cli.retention import _apply_rules
from shopcms.orders.mail import SUBJECTS
from shopcms.orders.unpaid import ages
from shopcms.web.clock import now
from tests.conftest import make_site
from tests.factories import make_order
from tests.outbox import queued

PRODUCT = "mug-cafe"


def retention(site, capsys):
    """Run the rules of ``shopcms retention`` on ``site``; the lines it printed."""
    _apply_rules(site.registry, lambda done: None)
    return [line for line in capsys.readouterr().out.splitlines() if "unpaid" in line]


def subject(site, template, number, lang="nl"):
    """The subject of order mail ``template`` in ``lang``, as the customer reads it."""
    localizer = make_localizer(lang, site.registry.queryUtility(ITranslationDirectories))
    return localizer.translate(SUBJECTS[template], mapping={"number": number})


def stock(site):
    return site.read(lambda root: root["products"][PRODUCT].stock)


def mails_to(site, email):
    return [message for to, message in queued(site) if to == email]


def test_reminder_at_7_days_cancellation_at_14_with_stock_back_and_one_mail_each(site, capsys):
    clock = site.registry.shopcms_clock
    start = stock(site)
    with site.edit() as root:
        waiting = make_order(root, contact={"email": "wait@example.be"})
        number = waiting.number
        reference = str(waiting.payment_reference)
        # Not concerned: paid already, or placed with another way to pay.
        paid = make_order(root, state="paid", contact={"email": "paid@example.be"}).number
        card = make_order(root, payment_method="mollie", contact={"email": "card@example.be"})
        card = card.number
    assert stock(site) == start - 3

    clock.advance(days=6, hours=23)
    assert retention(site, capsys) == []

    clock.advance(hours=2)  # 7 days and 1 hour
    assert retention(site, capsys) == [f"unpaid transfers: 1 reminder(s) sent: {number}"]
    assert retention(site, capsys) == []  # the same day again: no second reminder
    [reminder] = mails_to(site, "wait@example.be")
    assert reminder["Subject"] == subject(site, "payment_reminder", number)
    text = reminder.get_body(("plain",)).get_content()
    assert "BE71 0961 2345 6769" in text and reference in text
    assert "20,45" in text  # the amount, in the order's language (nl)
    deadline = site.read(lambda root: root["orders"][number].payment_deadline)
    assert deadline == site.read(lambda root: root["orders"][number].created) + timedelta(days=14)
    # The HTML part shows the transfer's EPC QR code, as the confirmation does.
    assert any(part.get_content_type() == "image/png" for part in reminder.walk())

    clock.advance(days=6, hours=22)  # 13 days 23 hours: not yet
    assert retention(site, capsys) == []
    clock.advance(hours=2)  # 14 days 1 hour
    assert retention(site, capsys) == [f"unpaid transfers: 1 order(s) cancelled: {number}"]
    assert retention(site, capsys) == []
    clock.advance(days=30)
    assert retention(site, capsys) == []

    def read(root):
        order = root["orders"][number]
        return order.state, [(e.transition, e.actor, e.comment) for e in order.workflow_history]

    state, history = site.read(read)
    assert state == "cancelled"
    assert history[-1] == ("cancel", "system:unpaid-transfers", "not paid within 14 days")
    assert stock(site) == start - 2  # the waiting order's mug is back
    reminder_mail, cancelled_mail = mails_to(site, "wait@example.be")
    assert reminder_mail["Subject"] == subject(site, "payment_reminder", number)
    assert cancelled_mail["Subject"] == subject(site, "order_cancelled_unpaid", number)
    assert "20,45" in cancelled_mail.get_body(("plain",)).get_content()
    # The paid order got its "payment received" mail and nothing else.
    assert [m["Subject"] for m in mails_to(site, "paid@example.be")] == [
        subject(site, "order_paid", paid)
    ]
    assert mails_to(site, "card@example.be") == []
    states = site.read(lambda root: [root["orders"][n].state for n in (paid, card)])
    assert states == ["paid", "placed"]


def test_an_order_already_past_the_cancellation_age_gets_no_reminder(site, capsys):
    with site.edit() as root:
        created = now(site.registry) - timedelta(days=20)
        number = make_order(root, created=created, contact={"email": "late@example.be"}).number
    assert retention(site, capsys) == [f"unpaid transfers: 1 order(s) cancelled: {number}"]
    [mail] = mails_to(site, "late@example.be")
    assert mail["Subject"] == subject(site, "order_cancelled_unpaid", number)


def test_the_ages_are_settings(tmp_path, capsys):
    site = make_site(
        tmp_path,
        **{"shopcms.transfer.remind_after_days": "2", "shopcms.transfer.cancel_after_days": "3"},
    )
    try:
        with site.edit() as root:
            number = make_order(root).number
        site.registry.shopcms_clock.advance(days=2, minutes=1)
        assert retention(site, capsys) == [f"unpaid transfers: 1 reminder(s) sent: {number}"]
        site.registry.shopcms_clock.advance(days=1)
        assert retention(site, capsys) == [f"unpaid transfers: 1 order(s) cancelled: {number}"]
    finally:
        site.close()


@pytest.mark.parametrize(
    "settings",
    [
        {"shopcms.transfer.remind_after_days": "14", "shopcms.transfer.cancel_after_days": "7"},
        {"shopcms.transfer.remind_after_days": "0"},
        {"shopcms.transfer.cancel_after_days": "two weeks"},
    ],
)
def test_ages_that_make_no_sense_are_refused(settings):
    with pytest.raises(ValueError, match="shopcms.transfer"):
        ages(settings)
    assert ages({}) == (7, 14)


def test_a_run_that_conflicts_is_replayed_and_mails_once(site, monkeypatch):
    from ZODB.POSException import ConflictError

    from shopcms.orders import unpaid

    with site.edit() as root:
        created = now(site.registry) - timedelta(days=8)
        number = make_order(root, created=created, contact={"email": "slow@example.be"}).number
    original, calls = unpaid.remind_and_cancel, []

    def conflicting_once(*args):
        result = original(*args)  # the mail is queued, then the commit fails
        calls.append(result)
        if len(calls) == 1:
            raise ConflictError()
        return result

    monkeypatch.setattr(unpaid, "remind_and_cancel", conflicting_once)
    assert unpaid.run(site.registry) == ([number], [])
    assert len(calls) == 2
    assert len(mails_to(site, "slow@example.be")) == 1
