"""Accounts: customers and staff, login, registration, password reset, the second factor,
preferences and the customer's own pages."""

from shopcms.accounts import passwords
from shopcms.accounts.devices import declare_cookie as declare_device_cookie
from shopcms.accounts.evolve import accounts_preferences_and_tokens
from shopcms.accounts.resources import Customer, Customers
from shopcms.accounts.views.login import login_page
from shopcms.web.i18n import _
from shopcms.web.security import MANAGE_USERS


def includeme(config):
    passwords.configure(config.get_settings())
    config.add_desk_section("accounts", _("Accounts"), ("customers",), MANAGE_USERS, order=70)
    config.add_desk_section("privacy", _("Privacy requests"), ("privacy",), MANAGE_USERS, order=71)
    config.add_content_type("customers", Customers, title=_("Accounts"), site_folder="customers")
    config.add_content_type(
        "customer",
        Customer,
        title=_("Account"),
        container="customers",
        add_permission=MANAGE_USERS,
    )
    config.add_moved_module("shopcms.resources.customers", "shopcms.accounts.resources")
    config.add_moved_class(
        "shopcms.resources.site.Customers", "shopcms.accounts.resources.Customers"
    )
    config.add_evolve_step(
        3, "Accounts: tokens, consent ledger, saved details", accounts_preferences_and_tokens
    )
    config.include("shopcms.accounts.throttle")
    config.include("shopcms.accounts.mail")
    config.include("shopcms.accounts.newsletter")
    declare_device_cookie(config)
    config.add_macros("shopcms.accounts:templates/macros.pt")
    config.set_login_in_place("shopcms.accounts:templates/login.pt", login_page)
