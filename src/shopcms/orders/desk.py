"""The order desk's rules: which orders the list shows, what one order's page says, the
carrier's file, and running a workflow transition.

The list: newest first, by state and by dates in the site's time zone (both days
included), :data:`PER_PAGE` to a page.

A transition is run through ``Order.transition``, which checks the transition's own
permission (a refund needs ``refund-orders``: administrators) and gives stock back where
the workflow says so.  The ``refund`` transition asked for directly refunds everything
left through the order's payment provider (``shopcms.orders.refunds``); the refund form
(``views.manage_refunds``) does full and partial refunds, by transfer too.

The carrier's file lists the orders ready to ship, state ``paid``, within the dates when
some are given, oldest first, with exactly the columns ``CARRIER_COLUMNS`` of
``shopcms.privacy.disclosures``: the carrier gets a name, an address and a phone number,
nothing else; each order in it is recorded as disclosed to the carrier.
"""

import dataclasses
import re
from datetime import UTC, datetime, time, timedelta

from hypatia.query import And, Eq, Ge, Lt

from shopcms.catalog.query import index, search
from shopcms.orders import refunds
from shopcms.orders.checkout import SHIPPING_METHODS
from shopcms.orders.payments import catalogue
from shopcms.orders.resources import ERASED
from shopcms.orders.workflow import ORDER_WORKFLOW, PAID, PLACED, state_title
from shopcms.privacy.disclosures import carrier_csv
from shopcms.web.actors import who
from shopcms.web.clock import site_timezone
from shopcms.web.i18n import _
from shopcms.web.layout import format_money

PER_PAGE = 50
TRANSITION_TITLES = {t.name: t.title for t in ORDER_WORKFLOW.transitions}
# Not a workflow transition: the entry Order.anonymise adds to the history.
TRANSITION_TITLES["erase"] = _("Personal data erased")
# Nor these: the entries of orders.withdrawal.
TRANSITION_TITLES["withdraw"] = _("Withdrawal stated")
TRANSITION_TITLES["goods-received"] = _("Returned goods received")
TRANSITION_TITLES["confirm-vat"] = _("VAT number confirmed")  # business.confirm
TRANSITION_TITLES[refunds.PARTIAL] = _("Partial refund")
#: The notes an erasure stores when nobody wrote one (``shopcms.privacy.erasure``): stored
#: in English, shown in the reader's language.
STORED_NOTES = {
    "erased at the customer's request": _("Erased at the customer's request"),
    "erased": _("Erased"),
    "request handled with shopcms erase-customer": _("Request handled on the command line"),
}
#: The comments the system writes on a payment (``payments.mollie.settling``,
#: ``statements``, ``unpaid``), stored in English: shown through a message of their own.
SYSTEM_NOTES = (
    (re.compile(r"Mollie payment (?P<id>\S+)"), _("Mollie payment ${id}")),
    (
        re.compile(
            r"bank statement, line (?P<line>\d+), (?P<date>\S+), overpaid by (?P<amount>\S+)"
        ),
        _(
            "Bank statement, line ${line}, ${date}: overpaid by ${amount} EUR, "
            "pay the difference back"
        ),
    ),
    (
        re.compile(r"not paid within (?P<days>\d+) days"),
        _("Not paid within ${days} days: cancelled, the customer was told"),
    ),
    (
        re.compile(r"bank statement, line (?P<line>\d+), (?P<date>\S+)"),
        _("Bank statement, line ${line}, ${date}"),
    ),
    (re.compile(r"bank statement, line (?P<line>\d+)"), _("Bank statement, line ${line}")),
)


def personal(request, value):
    """A personal value of an order as the desk shows it: "(erased)" in the reader's
    language once the order was erased (``Order.anonymise`` stores :data:`ERASED`)."""
    return request.localizer.translate(_("(erased)")) if value == ERASED else value


def method_title(registry, name):
    """The title of payment method ``name`` (also when it is no longer enabled)."""
    method = catalogue(registry).get(name)
    return method.title if method is not None else name


def shipping_title(order):
    return SHIPPING_METHODS.get(order.shipping["method"], order.shipping["method"])


# -- the list ----------------------------------------------------------------------------


def waiting_counts(request):
    """``(placed, paid)``: how many orders wait for their payment and how many wait to be
    shipped, counted in the catalog's ``state`` index (no order loaded)."""
    orders = Eq(index(request, "content_type"), "order")
    state = index(request, "state")
    return tuple(len(search(request, And(orders, Eq(state, s)))) for s in (PLACED, PAID))


def _day_start(registry, day):
    """Midnight at the start of ``day`` in the site's time zone, as UTC."""
    zone = site_timezone(registry)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def filtered_orders(request, filters):
    """``(total, orders)``: the orders ``filters`` (``state``, ``from``, ``to``) select,
    newest first; ``orders`` is a function of a slice, so that without a state filter
    only one page is loaded.  The catalog narrows by date (index ``created``); the state is
    read from the orders."""
    query = Eq(index(request, "content_type"), "order")
    created = index(request, "created")
    if filters.get("from"):
        query = And(query, Ge(created, _day_start(request.registry, filters["from"])))
    if filters.get("to"):
        end = _day_start(request.registry, filters["to"] + timedelta(days=1))
        query = And(query, Lt(created, end))
    ids = list(search(request, query, sort_index="created", reverse=True).ids)
    resolve = request.root.catalog.resolver(request.root)
    if not filters.get("state"):
        return len(ids), lambda part: _newest_first(map(resolve, ids[part]))
    chosen = _newest_first(o for o in map(resolve, ids) if o.state == filters["state"])
    return len(chosen), chosen.__getitem__


def _newest_first(orders):
    """``orders`` newest first: the catalog keys their dates by minute (``Order.
    index_dates_by_minute``), so the orders of one minute are put in order here."""
    return sorted(orders, key=lambda order: (order.created, order.number), reverse=True)


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of the list: ``rows`` (``order``, ``state`` and ``method`` titles), the
    ``total`` of orders selected, this ``page``'s number and the number of ``pages``."""

    rows: list
    total: int
    page: int
    pages: int


def list_page(request, filters, page):
    """Page ``page`` (past the last: the last) of the orders ``filters`` select."""
    total, orders = filtered_orders(request, filters)
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    start = (page - 1) * PER_PAGE
    rows = [
        {
            "order": order,
            "name": personal(request, order.contact.get("name")),
            "state": state_title(order.state),
            "method": method_title(request.registry, order.payment_method),
        }
        for order in orders(slice(start, start + PER_PAGE))
    ]
    return Page(rows, total, page, pages)


def carrier_file(request, filters):
    """``(file name, CSV text)`` of the orders ready to ship within ``filters``' dates,
    each recorded as disclosed to the carrier by the requester."""
    total, orders = filtered_orders(request, {**filters, "state": PAID})
    chosen = sorted(orders(slice(0, total)), key=lambda order: order.number)
    text = carrier_csv(chosen, request.now, request.authenticated_userid)
    today = request.now.astimezone(site_timezone(request.registry)).date().isoformat()
    return f"carrier-{today}.csv", text


# -- one order ---------------------------------------------------------------------------


def _note(request, comment):
    """A history entry's comment; one the code wrote in the reader's language."""
    stored = STORED_NOTES.get(comment)
    if stored is not None:
        return request.localizer.translate(stored)
    for pattern, message in SYSTEM_NOTES:
        found = pattern.fullmatch(comment or "")
        if found:
            return request.localizer.translate(message, mapping=found.groupdict())
    return comment


def history(request, order):
    """The order's history for its page, newest first: when, who (a system actor's title,
    an e-mail address: ``shopcms.web.actors.who``), what, the states and the comment (an
    erasure's stored note in the reader's language)."""
    return [
        {
            "when": entry.when,
            "who": who(request, entry.actor),
            "action": TRANSITION_TITLES.get(entry.transition, entry.transition)
            if entry.transition
            else _("Order placed"),
            "from": state_title(entry.from_state) if entry.from_state else None,
            "to": state_title(entry.to_state),
            "comment": _note(request, entry.comment),
        }
        for entry in reversed(order.workflow_history)
    ]


def run_transition(request, order, name, comment=""):
    """Run transition ``name`` of ``order`` for the requester; the notice for staff.

    Raises the workflow's errors (nothing done).  A refund the requester may do refunds
    everything left (``refunds.refund_everything``: RefundRefused, PaymentUnavailable,
    nothing done; the caller's transaction must not commit the order's change either).
    """
    allowed = {transition.name for transition in ORDER_WORKFLOW.available(order, request)}
    if name == "refund" and name in allowed:
        made = refunds.refund_everything(request, order, comment)
        if made.means == refunds.GIFT_CARD:
            return _(
                "Order ${number} is now refunded: ${amount} goes back on the gift card.",
                mapping={
                    "number": order.number,
                    "amount": format_money(made.total, request.locale_name),
                },
            )
        return _(
            "Order ${number} is now refunded: the payment provider pays ${amount} back.",
            mapping={
                "number": order.number,
                # Only the money it took: a gift card's part goes back on the card.
                "amount": format_money(made.money, request.locale_name),
            },
        )
    order.transition(request, name, comment=comment)
    state = request.localizer.translate(state_title(order.state))
    return _("Order ${number} is now: ${state}.", mapping={"number": order.number, "state": state})
