"""Gift cards: sold as products of set values, delivered by mail as a code with a printable
PDF, spent at checkout (alone or with another method), their balance on a record of their
own so that no euro is spent twice, given back when an order they paid is cancelled or
refunded.  VAT: multi-purpose vouchers, taxed when spent (``resources``).

The modules: ``codes`` (the code, its digest), ``resources`` (the ``giftcards`` folder,
a card and its balance, the cards by buyer and by order), ``validity``
(``shopcms.giftcards.valid_months``, at least the legal minimum), ``issuing`` (an order
that becomes paid gets one card per unit of its gift card lines, once), ``mail`` (the codes
and their printable ``pdf``, composed by the mail sender), ``privacy`` (export, erasure of
the buyer), ``desk`` (the desk's list and search), ``schemas`` and ``views`` (the public
balance page, the desk), ``evolve``.  What other capabilities may use is in ``api``: the
products (a gift card product's page, ``products.giftcards``), the orders and the accounts
use it; giftcards import none of them (an order is read duck-typed from the order
workflow's ``AfterTransition``).
"""

from shopcms.giftcards import issuing, validity
from shopcms.giftcards.api import ACTOR
from shopcms.giftcards.evolve import cards_alone_delivered, giftcards_folder
from shopcms.giftcards.resources import GiftCard, GiftCards
from shopcms.web.i18n import _
from shopcms.workflow import AfterTransition

#: The generation of the gift cards folder's evolve step (after the promotions' 16).
FOLDER_GENERATION = 17
#: The generation that delivers the orders of cards alone paid before the hand-over.
DELIVERED_GENERATION = 18


def includeme(config):
    validity.check_settings(config.get_settings())
    config.add_content_type(
        "giftcards", GiftCards, title=_("Gift cards"), site_folder="giftcards", catalog=False
    )
    config.add_content_type(
        "giftcard", GiftCard, title=_("Gift card"), container="giftcards", catalog=False
    )
    config.add_evolve_step(FOLDER_GENERATION, "Gift cards: the giftcards folder", giftcards_folder)
    config.add_evolve_step(
        DELIVERED_GENERATION, "Gift cards: orders of cards alone delivered", cards_alone_delivered
    )
    config.add_subscriber(issuing.order_paid, AfterTransition)
    config.add_actor_title(ACTOR, _("The gift card mail (automatic)"))
    config.include(".mail")
    config.include(".privacy")
    config.include(".views")
