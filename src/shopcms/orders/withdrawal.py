"""The consumer's right of withdrawal (Belgian Code of Economic Law, art. VI.47 to VI.53):
the period, the statement, its acknowledgement, the goods coming back.

**The period.**  14 calendar days from the day after delivery: the day the goods arrive is
not counted (EU Regulation 1182/71 on periods, which Directive 2011/83 applies), so goods
delivered on the 3rd may be withdrawn until the end of the 17th (:func:`last_day`), in the
site's time zone.  When that last day is a Saturday, a Sunday or a Belgian public holiday,
the period ends at the end of the next working day (the same regulation, art. 3(4)).  The
delivery is the ``deliver`` transition's time in the order's history.  An order that is
paid or shipped but not (yet) marked delivered has a period that has not started: the
consumer may withdraw before the goods arrive (the law allows it), so the form is open.
An order not paid (placed: it is cancelled instead), cancelled, refunded or erased has no
withdrawal to state.

**The statement.**  The customer chooses lines and quantities (all by default) and may give
a reason (never required: the law asks none).  Each submission is one :class:`Withdrawal`
on the order (``order.withdrawals``, a tuple replaced, never changed in place; the class
default ``()`` serves older orders), an entry ``withdraw`` in the order's history (by the
account, or ``guest``), and the ``withdrawal_received`` mail queued at once in the same
transaction (the acknowledgement on a durable medium that art. VI.49 §3 asks for when the
consumer uses the online form).  A line's quantity can be withdrawn once: the form offers
what is left.  Each form carries a random submission key: the same form posted again (a
second click, a retry, the back button) finds its statement and records nothing more, so
a statement is recorded once per set of lines the customer sent.

**Where from.**  A customer states it from their account (``/{lang}/account/withdrawal/
NUMBER``, linked from the account's order page and the shipped and delivered mails); a
guest through the signed link of those mails (``/{lang}/withdrawal/TOKEN``:
``withdrawal_links``).  The desk's side (the list, "goods received", the refund form) is
``withdrawal_desk``.

Personal data kept: the statement (when, which lines, the optional reason, by the
customer or a guest) on the order, for as long as the order is kept (proof of the
customer's exercise of a legal right and of the shop's refund obligation); an erasure of
the customer's data replaces the reason (``Order.anonymise``).
"""

import dataclasses
import secrets
from datetime import UTC, date, datetime, time, timedelta

from BTrees.OOBTree import OOBTree

from shopcms.orders.mail import mail_order
from shopcms.orders.workflow import DELIVERED, PAID, PLACED, SHIPPED
from shopcms.web.clock import site_timezone
from shopcms.web.i18n import _
from shopcms.web.security import MANAGE_ORDERS
from shopcms.workflow import HistoryEntry

PERIOD_DAYS = 14
#: The states in which a withdrawal can be stated.
STATES = (PAID, SHIPPED, DELIVERED)
#: Who stated a withdrawal.
CUSTOMER, GUEST = "customer", "guest"
#: What the order history records (``Order.workflow_history``'s ``transition``).
WITHDRAW, GOODS_RECEIVED = "withdraw", "goods-received"
#: The refund is due within 14 days of the statement (art. VI.51); the shop may wait for
#: the goods, or proof they were sent back.
REFUND_DAYS = timedelta(days=14)
#: The longest reason kept.
MAX_REASON = 2000


@dataclasses.dataclass(frozen=True)
class Withdrawal:
    """One statement of withdrawal: its number on the order (``id``, from 1), the form's
    submission ``key``, ``when`` (UTC), ``lines`` (``((line index, quantity), ...)``), the
    ``reason`` ("" when none), ``by`` (:data:`CUSTOMER` or :data:`GUEST`); ``received``
    (UTC) and ``received_by`` (staff account) once the goods came back."""

    id: int
    key: str
    when: datetime
    lines: tuple
    reason: str
    by: str
    received: datetime | None = None
    received_by: str | None = None


class WithdrawalRefused(Exception):
    """A withdrawal that cannot be stated: ``problem`` (a key of :data:`PROBLEMS`)."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem
        self.status, self.title, self.message = PROBLEMS[problem]


#: Why a withdrawal cannot be stated: (HTTP status, title, message).
PROBLEMS = {
    "expired": (
        410,
        _("The withdrawal period has ended"),
        _(
            "You could withdraw from this order until ${date}: 14 days after the day it "
            "was delivered. That period has ended. If something is wrong with what you "
            "received, please contact us: the legal guarantee still applies."
        ),
    ),
    "unpaid": (
        409,
        _("This order is not paid yet"),
        _("An order that is not paid yet needs no withdrawal: it is cancelled if unpaid."),
    ),
    "closed": (
        409,
        _("No withdrawal is possible for this order"),
        _("This order was cancelled or refunded: there is nothing left to withdraw from."),
    ),
    "complete": (
        409,
        _("Everything is withdrawn already"),
        _("You have withdrawn from every item of this order already."),
    ),
    "nothing": (
        400,
        _("Choose what you send back"),
        _("Choose at least one item to withdraw from."),
    ),
    "too-many": (
        409,
        _("More than is left"),
        _("You chose more of an item than is left to withdraw; please check the form."),
    ),
}


# -- the period --------------------------------------------------------------------------


def _easter(year):
    """Easter Sunday of ``year`` (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def belgian_holidays(year):
    """The ten legal public holidays of Belgium in ``year``."""
    easter = _easter(year)
    fixed = ((1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25))
    moving = (easter + timedelta(days=1), easter + timedelta(days=39), easter + timedelta(days=50))
    return frozenset((*(date(year, m, d) for m, d in fixed), *moving))


def working_day(day):
    return day.weekday() < 5 and day not in belgian_holidays(day.year)


def delivered_at(order):
    """When ``order`` was marked delivered (its last ``deliver`` transition), or None."""
    for entry in reversed(order.workflow_history):
        if entry.transition == "deliver":
            return entry.when
    return None


def last_day(registry, delivered):
    """The last day (a date in the site's time zone) to withdraw from goods delivered at
    ``delivered``: the 14th day after the day of delivery, or the next working day."""
    day = delivered.astimezone(site_timezone(registry)).date() + timedelta(days=PERIOD_DAYS)
    while not working_day(day):
        day += timedelta(days=1)
    return day


def deadline(registry, order):
    """The moment (UTC) the period of ``order`` ends, or None while it has not started."""
    delivered = delivered_at(order)
    if delivered is None:
        return None
    end = last_day(registry, delivered) + timedelta(days=1)
    zone = site_timezone(registry)
    return datetime.combine(end, time.min, tzinfo=zone).astimezone(UTC)


def last_day_moment(registry, order):
    """The period's last day as a moment (noon that day, site time) for a page or mail
    that writes the date, or None while the period has not started."""
    delivered = delivered_at(order)
    if delivered is None:
        return None
    zone = site_timezone(registry)
    return datetime.combine(last_day(registry, delivered), time(12), tzinfo=zone)


def remaining(order):
    """``{line index: quantity left to withdraw}`` of every line of ``order``."""
    left = {index: int(line["qty"]) for index, line in enumerate(order.lines)}
    for statement in order.withdrawals:
        for index, qty in statement.lines:
            left[index] = left.get(index, 0) - qty
    return left


def problem(registry, order, now):
    """None when a withdrawal can be stated on ``order`` at ``now``, else a key of
    :data:`PROBLEMS`."""
    if order.erased is not None or order.state not in (PLACED, *STATES):
        return "closed"
    if order.state == PLACED:
        return "unpaid"
    end = deadline(registry, order)
    if end is not None and now >= end:
        return "expired"
    if not any(qty > 0 for qty in remaining(order).values()):
        return "complete"
    return None


def refusal(registry, order, now):
    """The :class:`WithdrawalRefused` of ``order`` at ``now``, or None."""
    found = problem(registry, order, now)
    return WithdrawalRefused(found) if found else None


# -- stating a withdrawal ----------------------------------------------------------------


def new_key():
    """A form's submission key: 128 random bits."""
    return secrets.token_urlsafe(16)


def state_withdrawal(request, order, chosen, reason, key, by):
    """Record the statement of ``by`` (:data:`CUSTOMER` or :data:`GUEST`) withdrawing
    from ``chosen`` (``{line index: quantity}``) of ``order`` with ``reason``, sent with
    submission ``key``; queue its acknowledgement.  Returns ``(Withdrawal, new)``: the
    statement already recorded with ``key`` (``new`` False: nothing written, no mail), or
    the new one.  Raises :class:`WithdrawalRefused` (nothing written)."""
    for statement in order.withdrawals:
        if secrets.compare_digest(statement.key, key):
            return statement, False
    refused = refusal(request.registry, order, request.now)
    if refused is not None:
        raise refused
    lines = tuple((index, qty) for index, qty in sorted(chosen.items()) if qty > 0)
    if not lines:
        raise WithdrawalRefused("nothing")
    left = remaining(order)
    if any(qty > left.get(index, 0) for index, qty in lines):
        raise WithdrawalRefused("too-many")
    statement = Withdrawal(
        id=len(order.withdrawals) + 1,
        key=key,
        when=request.now,
        lines=lines,
        reason=(reason or "").strip()[:MAX_REASON],
        by=by,
    )
    order.withdrawals = (*order.withdrawals, statement)
    actor = order.customer if by == CUSTOMER else GUEST
    history_entry(order, WITHDRAW, actor, request.now)
    waiting_index(order, create=True).setdefault(order.number, request.now)
    mail_order(request.registry, order, "withdrawal_received", request)
    return statement, True


def history_entry(order, name, actor, when, comment=""):
    state = order.workflow_state
    order.workflow_history.append(
        HistoryEntry(
            transition=name,
            from_state=state,
            to_state=state,
            actor=actor,
            when=when,
            comment=comment,
        )
    )
    order.touch()


def waiting_index(order_or_folder, create=False):
    """``site["orders"].withdrawals_waiting`` (number -> time of the first statement whose
    goods have not come back), made when ``create`` (a write) and missing."""
    folder = order_or_folder
    if getattr(folder, "content_type", None) == "order":
        folder = folder.__parent__
    found = getattr(folder, "withdrawals_waiting", None)
    if found is None and create:
        found = folder.withdrawals_waiting = OOBTree()
    return found


def includeme(config):
    config.add_desk_section(
        "withdrawals", _("Withdrawals"), ("orders", "withdrawals"), MANAGE_ORDERS, order=31
    )
    config.add_macros("shopcms.orders:templates/manage/after_sale.pt")
    # The link of the shipped and delivered mails.
    config.include("shopcms.orders.withdrawal_links")
