"""A customer's own orders, as their account pages show them.

Only the requester's own orders are ever found: another customer's order number, or a
guest's, is unknown here (the pages answer 404), so that it reveals nothing.
"""

from pyramid.traversal import find_root

from shopcms.orders.api import ORDER_WORKFLOW, payment_methods


def own_orders(account):
    """``[{"order", "state"}]`` of the account's orders, newest first."""
    folder = find_root(account)["orders"]
    return [
        {"order": order, "state": ORDER_WORKFLOW.get_state(order.workflow_state).title}
        for order in folder.of_customer(account.__name__)
    ]


def own_order(account, number):
    """The account's order ``number``, or None (unknown, a guest's, another customer's)."""
    order = find_root(account)["orders"].get(number)
    if order is None or order.customer != account.__name__:
        return None
    return order


def order_details(registry, order):
    """What the page of one order shows besides the order: its state and payment method."""
    return {
        "state": ORDER_WORKFLOW.get_state(order.workflow_state),
        "payment": payment_methods(registry).get(order.payment_method),
    }
