"""Build domain objects for tests through the real domain code.

Use inside ``site.edit()`` (a transaction with the site's registry current), e.g.::

    with site.edit() as root:
        number = make_order(root, customer=account_id, state="paid").number
"""

import secrets
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from shopcms.orders.checkout import shipping_cost
from shopcms.orders.resources import Order
from shopcms.orders.workflow import (
    CANCELLED,
    DELIVERED,
    ORDER_WORKFLOW,
    PAID,
    PLACED,
    REFUNDED,
    SHIPPED,
)
from shopcms.products.api import totals

TEST_ACTOR = "system:test"

#: The transitions that lead from ``placed`` to each state.
PATHS = {
    PLACED: (),
    PAID: ("pay",),
    SHIPPED: ("pay", "ship"),
    DELIVERED: ("pay", "ship", "deliver"),
    CANCELLED: ("cancel",),
    REFUNDED: ("pay", "refund"),
}

CONTACT = {"name": "Jan Peeters", "email": "jan@example.be", "phone": "+32 470 12 34 56"}
DELIVERY = {"street": "Kerkstraat 1", "postcode": "9000", "city": "Gent", "country": "BE"}


def make_order(
    root,
    *,
    lang="nl",
    customer=None,
    items=(("mug-cafe", 1),),
    state=None,
    shipping="standard",
    payment_method="transfer",
    contact=None,
    delivery=None,
    billing=None,
    created=None,
    settings=None,
):
    """Place an order for ``items`` (``(product name, quantity)``) as the checkout does:
    prices, VAT and shipping from the products and the shipping rules, stock decremented.
    Then, for ``state``, run the transitions that lead there (actor ``system:test``).

    ``created`` (an aware datetime) backdates the order (and gives the number's year).
    """
    products = root["products"]
    lines = []
    for name, qty in items:
        product = products[name]
        lines.append(
            {
                "pid": product.pid,
                "name": product.__name__,
                "sku": product.sku,
                "title": product.titles.get(lang) or product.__name__,
                "qty": qty,
                "unit_price": product.price,
                "vat_rate": product.vat_rate,
                "total": product.price * qty,
            }
        )
        product.set_stock(product.stock - qty)  # ValueError when there are not enough
        product.changed()
    goods = sum((line["total"] for line in lines), Decimal("0.00"))
    rate = max(line["vat_rate"] for line in lines)
    cost = shipping_cost(settings or {}, shipping, goods)
    summed = totals([(line["total"], line["vat_rate"]) for line in lines] + [(cost, rate)])
    order = Order(
        lang=lang,
        customer=customer,
        contact={**CONTACT, **(contact or {})},
        delivery={**DELIVERY, **(delivery or {})},
        billing=billing,
        lines=lines,
        shipping={"method": shipping, "cost": cost, "vat_rate": rate},
        totals=summed,
        payment_method=payment_method,
        checkout_token=secrets.token_urlsafe(16),
    )
    if created is not None:
        order.created = order.modified = created
    # The number's year is Brussels time, as at the checkout.
    year = (created or datetime.now(UTC)).astimezone(ZoneInfo("Europe/Brussels")).year
    root["orders"].place(order, year)
    if state not in (None, PLACED) and root._p_jar is not None:
        # Store the new order first, as a checkout's commit would: subscribers to the
        # transitions (the order mails) expect an order that is in the database.
        root._p_jar.transaction_manager.savepoint()
    for transition in PATHS[state or PLACED]:
        order.transition(None, transition, actor=TEST_ACTOR)
    assert ORDER_WORKFLOW.state_of(order).name == (state or PLACED)
    return order
