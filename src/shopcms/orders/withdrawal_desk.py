"""The desk's side of withdrawals (``orders.withdrawal``): the statements waiting for their
goods, "goods received", and the way to the refund form.

:func:`waiting` lists the orders with a statement whose goods have not come back yet (kept
in ``site["orders"].withdrawals_waiting``: number -> time of the statement);
:func:`goods_received` records them back (by whom, when; a history entry
``goods-received``; twice records it once) and :func:`refund_url` leads staff to the refund
form with the statement's lines: ``/{lang}/manage/orders/NUMBER?line-0=1&line-2=2#refund``
(``line-N``: the index of the order's line, from 0, and the quantity withdrawn; the refund
itself is the refunds' part, ``orders.refunds``).
"""

import dataclasses

from shopcms.orders.tracking import carrier_title
from shopcms.orders.withdrawal import (
    GOODS_RECEIVED,
    REFUND_DAYS,
    history_entry,
    remaining,
    waiting_index,
)


def waiting(site):
    """The orders with a statement whose goods have not come back, oldest statement first:
    ``[(order, [open statements])]``."""
    index = waiting_index(site["orders"]) or {}
    found = []
    for number in index:
        order = site["orders"].get(number)
        if order is None:
            continue
        open_ = [s for s in order.withdrawals if s.received is None]
        if open_:
            found.append((order, open_))
    return sorted(found, key=lambda pair: pair[1][0].when)


def find(order, withdrawal_id):
    return next((s for s in order.withdrawals if s.id == withdrawal_id), None)


def goods_received(request, order, withdrawal_id):
    """Record that the goods of statement ``withdrawal_id`` came back (by the requester,
    now).  Returns ``(statement, new)`` (``new`` False: recorded before, nothing written),
    or None for no such statement."""
    statement = find(order, withdrawal_id)
    if statement is None:
        return None
    if statement.received is not None:
        return statement, False
    actor = request.authenticated_userid
    done = dataclasses.replace(statement, received=request.now, received_by=actor)
    order.withdrawals = tuple(done if s.id == statement.id else s for s in order.withdrawals)
    history_entry(order, GOODS_RECEIVED, actor, request.now)
    if all(s.received is not None for s in order.withdrawals):
        index = waiting_index(order)
        if index is not None and order.number in index:
            del index[order.number]
    return done, True


def refund_url(request, order, statement):
    """The refund form on the order's desk page with ``statement``'s lines chosen."""
    query = [(f"line-{index}", str(qty)) for index, qty in statement.lines]
    return request.manage_link(order, query=query) + "#refund"


def line_rows(order, statement):
    """``[(title, sku, quantity)]`` of ``statement``'s lines."""
    rows = []
    for index, qty in statement.lines:
        line = order.lines[index] if 0 <= index < len(order.lines) else {}
        rows.append((line.get("title", ""), line.get("sku", ""), qty))
    return rows


def desk_panel(request, order):
    """What the order's desk page shows of its tracking and withdrawals (the macro
    ``after-sale`` of ``manage/after_sale.pt``), or None when there is neither."""
    if not order.withdrawals and not order.tracking:
        return None
    statements = [
        {
            "statement": statement,
            "rows": line_rows(order, statement),
            "refund_url": refund_url(request, order, statement),
            "refund_due": statement.when + REFUND_DAYS,
        }
        for statement in order.withdrawals
    ]
    return {
        "tracking": order.tracking,
        "carrier": carrier_title(order.tracking) if order.tracking else None,
        "statements": statements,
        "everything": not any(qty > 0 for qty in remaining(order).values()),
    }
