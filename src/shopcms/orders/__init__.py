"""Orders: checkout, the orders and their workflow, payments, bank statements, the order
desk and the order mails.

What other capabilities may use is in ``api``; the rest is this package's own.  The modules:
``resources`` (orders, their numbers and workflow), ``checkout`` (placing and paying an
order), ``payments`` (the ``PaymentMethod`` interface, bank transfer, Mollie), ``desk`` (the
order desk's rules), ``ogm``, ``statements`` (bank statements) and ``unpaid`` (transfers
never paid), ``mail``, ``schemas`` and ``widgets`` (the forms), ``views``, ``evolve``.

``business``: a business buyer's company name and VAT number (checkout, order pages, the
desk's "Confirm VAT number").
"""

from pyramid.security import NO_PERMISSION_REQUIRED

from shopcms.orders import statements, unpaid
from shopcms.orders.evolve import guest_orders_by_email, order_numbers_and_references
from shopcms.orders.resources import ACTOR_TITLES, Order, Orders
from shopcms.orders.views.business import desk_panel
from shopcms.orders.workflow import ORDER_WORKFLOW
from shopcms.web.i18n import _
from shopcms.web.security import MANAGE_ORDERS


def includeme(config):
    # Refuse to start with reminder and cancellation ages that make no sense.
    unpaid.ages(config.get_settings())
    config.add_desk_section("orders", _("Orders"), ("orders",), MANAGE_ORDERS, order=30)
    config.add_desk_section(
        "statements", _("Bank statements"), ("orders", "statements"), MANAGE_ORDERS, order=31
    )
    config.add_content_type("orders", Orders, title=_("Orders"), site_folder="orders")
    # Orders are placed by the checkout, never added by hand.
    config.add_content_type(
        "order", Order, title=_("Order"), container="orders", workflow=ORDER_WORKFLOW
    )
    for actor, title in ACTOR_TITLES.items():
        config.add_actor_title(actor, title)
    config.add_actor_title(statements.ACTOR, _("Bank statement import"))
    config.add_actor_title(unpaid.ACTOR, _("Unpaid transfers"))
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
    # A business buyer: its part of the order pages, and the desk's panel's values.
    config.add_macros("shopcms.orders:templates/business.pt")
    config.add_layout_value("business_buyer", desk_panel)
    config.add_macros("shopcms.orders:templates/manage/refund_panel.pt")
    # The checkout's script (the billing address shown when asked for).  Its own prefix:
    # the shop's "static/" would take "static/orders/..." first.
    config.add_fingerprinted_static_view(
        "static-orders", "shopcms.orders:static", permission=NO_PERMISSION_REQUIRED
    )
