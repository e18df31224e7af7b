"""The evolve steps of orders (declared in ``shopcms.orders.includeme``)."""

from BTrees.OOBTree import OOBTree

from shopcms.orders.resources import guest_key


def order_numbers_and_references(site, registry):
    """Generation 2: the orders folder gets its number counters and lookup tables.

    The folder of earlier generations (``shopcms.tree.site.Orders``, now the class in
    ``shopcms.orders.resources``) held no orders yet.
    """
    orders = site["orders"]
    if not hasattr(orders, "counters"):
        orders.setup()


def guest_orders_by_email(site, registry):
    """Generation 5: the orders folder finds a guest's orders by their email address (for
    a guest's request for their data or its erasure)."""
    orders = site["orders"]
    orders.by_guest_email = OOBTree()
    for number, order in orders.items():
        if order.customer is None and not getattr(order, "erased", None):
            key = guest_key(order.contact.get("email", ""))
            orders.by_guest_email[key] = (*orders.by_guest_email.get(key, ()), number)
