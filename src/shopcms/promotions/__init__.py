"""Discount codes: a code a customer enters in the cart gives a percentage or an amount off
the goods (all, some categories, some products) or free shipping, between two dates, a
number of times in all and per customer, from a minimum order, combined with other codes
or not; the discount is shown on every summary with each VAT rate's base and VAT reduced,
and kept on the order.  A code's last use is never taken twice (``resources``).

Automatic promotions (issue 19) have no code: a percentage or an amount off each unit of
the products they concern, between two moments; product pages and listings show the
reduced price against the lowest price of the 30 days before the start (EU Omnibus:
``products.price_history``), and every cart gets them first (``automatic``).  Their
minimum and use limits do not apply, and they count no uses (nor who used them).

The modules: ``resources`` (the promotions folder, a promotion and its use counters),
``rules`` (whether codes apply and what they give: pure functions), ``automatic``
(what automatic promotions give: pure functions), ``codes`` (the codes
a visitor entered, kept in the session, and the refusals in words), ``bulk`` (single-use
codes and their CSV), ``editing``, ``schemas`` and ``views`` (the desk
``/manage/promotions/``), ``privacy`` (who used which code), ``evolve``.
What other capabilities may use is in ``api``: the cart page and the checkout.
"""

from shopcms.promotions.evolve import promotions_folder
from shopcms.promotions.resources import Promotion, Promotions
from shopcms.web import security
from shopcms.web.i18n import _

#: The generation of the promotions folder's evolve step (after the stock alerts' 15).
FOLDER_GENERATION = 16


def includeme(config):
    config.add_desk_section("promotions", _("Promotions"), ("promotions",), security.EDIT, order=15)
    config.add_content_type(
        "promotions", Promotions, title=_("Promotions"), site_folder="promotions", catalog=False
    )
    config.add_content_type(
        "promotion",
        Promotion,
        title=_("Promotion"),
        container="promotions",
        add_permission=security.EDIT,
        catalog=False,
    )
    # A database made before has its folder from this step (a new Site gets it at once).
    config.add_evolve_step(
        FOLDER_GENERATION, "Promotions: the promotions folder", promotions_folder
    )
    config.include(".privacy")
