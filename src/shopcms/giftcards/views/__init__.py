"""The gift cards' pages: the public balance page (``balance``), the desk (``desk``).
What they show of a card is ``common``'s; the account's list is the accounts' (through
``giftcards.api.bought_by``).  :func:`includeme` declares the desk's entry in the sidebar
and the balance page's link in every page's footer (a card received as a present has no
account to show it)."""

# Names, not the module: importing ``views.desk`` sets ``desk`` in this package.
from shopcms.giftcards.desk import ORDER, PERMISSION
from shopcms.giftcards.views.balance import VIEW_NAME
from shopcms.web.i18n import _


def includeme(config):
    config.add_desk_section("giftcards", _("Gift cards"), ("giftcards",), PERMISSION, order=ORDER)
    config.add_footer_link((VIEW_NAME,), _("Gift card balance"), order=80)
