"""Back-in-stock alerts: on the page of a product out of stock a visitor leaves an email
address (double opt-in unless it is the logged-in customer's own; the same answer for every
address), and when the stock comes back, by whatever path, each confirmed alert gets one
mail in its language through the outbox and is deleted.

The modules: ``resources`` (the ``stockalerts`` folder, the alerts and their indexes),
``alerts`` (the one place alerts change), ``tokens`` (the confirmation link), ``mail``
(the confirmation and "back in stock" mails, composed by the sender), ``subscribers``
(products' ``StockReturned``: the mails go in the stock change's transaction), ``form``
(the product page's form, ``ui.stock_alert``), ``schemas``, ``views``, ``privacy``
(export, erasure), ``evolve``.  What other capabilities may use is in ``api``.
"""

from shopcms.stockalerts import form
from shopcms.stockalerts.evolve import stockalerts_folder
from shopcms.stockalerts.resources import StockAlerts
from shopcms.web.i18n import _


def includeme(config):
    config.add_content_type(
        "stockalerts",
        StockAlerts,
        title=_("Back-in-stock alerts"),
        site_folder="stockalerts",
        catalog=False,
    )
    config.add_evolve_step(15, "Stock alerts: the stockalerts folder", stockalerts_folder)
    config.add_layout_value("stock_alert", form.stock_alert)
    config.include(".mail")
    config.include(".privacy")
    config.include(".subscribers")
