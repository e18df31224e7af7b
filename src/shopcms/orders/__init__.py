"""Orders: checkout, the orders and their workflow, payments, bank statements, the order
desk and the order mails.

What other capabilities may use is in ``api``; the rest is this package's own.  The modules:
``resources`` (orders, their numbers and workflow), ``checkout`` (placing and paying an
order), ``payments`` (the ``PaymentMethod`` interface, bank transfer, Mollie), ``desk`` (the
order desk's rules), ``ogm`` and ``bank_import`` (bank transfers), ``mail``, ``schemas`` and
``widgets`` (the forms), ``views``, ``evolve``.
"""

from pyramid.security import NO_PERMISSION_REQUIRED

from shopcms.orders import bank_import
from shopcms.orders.evolve import guest_orders_by_email, order_numbers_and_references
from shopcms.orders.resources import ACTOR_TITLES, ORDER_WORKFLOW, Order, Orders
from shopcms.web.i18n import _
from shopcms.web.security import MANAGE_ORDERS


def includeme(config):
    config.add_desk_section("orders", _("Orders"), ("orders",), MANAGE_ORDERS, order=30)
    config.add_content_type("orders", Orders, title=_("Orders"), site_folder="orders")
    # Orders are placed by the checkout, never added by hand.
    config.add_content_type(
        "order", Order, title=_("Order"), container="orders", workflow=ORDER_WORKFLOW
    )
    for actor, title in ACTOR_TITLES.items():
        config.add_actor_title(actor, title)
    config.add_actor_title(bank_import.ACTOR, _("Bank statement import"))
    config.add_moved_module("shopcms.resources.orders", "shopcms.orders.resources")
    config.add_moved_module("shopcms.shop.ogm", "shopcms.orders.ogm")
    # Stored on the customers' preferences, first under accounts.
    for old in ("shopcms.resources.customers", "shopcms.accounts.resources"):
        config.add_moved_class(
            f"{old}.SavedPaymentMethod", "shopcms.orders.payments.saved.SavedPaymentMethod"
        )
    config.add_moved_class("shopcms.resources.site.Orders", "shopcms.orders.resources.Orders")
    config.add_evolve_step(
        2, "Orders: yearly number counters and lookup tables", order_numbers_and_references
    )
    config.add_evolve_step(5, "Orders: a guest's orders found by email", guest_orders_by_email)
    config.include("shopcms.orders.payments")
    # After the payment methods: a webhook view for each provider that calls back.
    config.include("shopcms.orders.views.payments")
    config.include("shopcms.orders.mail")
    config.include("shopcms.orders.withdrawal")
    config.add_macros("shopcms.orders:templates/macros.pt")
    # The checkout's script (the billing address shown when asked for).  Its own prefix:
    # the shop's "static/" would take "static/orders/..." first.
    config.add_fingerprinted_static_view(
        "static-orders", "shopcms.orders:static", permission=NO_PERMISSION_REQUIRED
    )
