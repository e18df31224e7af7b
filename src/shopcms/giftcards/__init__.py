"""Gift cards: sold as products of set values, delivered by mail as a code with a printable
PDF, spent at checkout (alone or with another method), their balance on a record of their
own so that no euro is spent twice, given back when an order they paid is cancelled or
refunded.  VAT: multi-purpose vouchers, taxed when spent (``resources``).

The modules: ``codes`` (the code, its digest), ``resources`` (the ``giftcards`` folder,
a card and its balance), ``validity`` (``shopcms.giftcards.valid_months``, at least the
legal minimum), ``desk`` (the desk's list and search), ``schemas`` and ``views`` (the
public balance page, the desk), ``evolve``.  What other capabilities may use is in ``api``.
"""

from shopcms.giftcards import validity
from shopcms.giftcards.evolve import giftcards_folder
from shopcms.giftcards.resources import GiftCard, GiftCards
from shopcms.web.i18n import _

#: The generation of the gift cards folder's evolve step (after the promotions' 16).
FOLDER_GENERATION = 17


def includeme(config):
    validity.check_settings(config.get_settings())
    config.add_content_type(
        "giftcards", GiftCards, title=_("Gift cards"), site_folder="giftcards", catalog=False
    )
    config.add_content_type(
        "giftcard", GiftCard, title=_("Gift card"), container="giftcards", catalog=False
    )
    config.add_evolve_step(FOLDER_GENERATION, "Gift cards: the giftcards folder", giftcards_folder)
    config.include(".views")
