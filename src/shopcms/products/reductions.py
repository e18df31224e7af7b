"""Prices reduced by automatic promotions, as product pages and listings show them.

A reduction is announced against the lowest price of the product in the 30 days before
the promotion started (EU Omnibus rule, ``price_history.lowest_before``), with the
promotion's name.  Pages showing prices are shared and cached: each :func:`reduced` asks
the page cache to keep the page only until an automatic promotion concerning the product
next starts or ends (``web.pagecache.CHANGES_AT``); reading the promotions makes the page
depend on them, so an edit re-renders it.  Without any automatic promotion this costs one
small read per page (the promotions folder's tree where their keys would be).
"""

from dataclasses import dataclass
from decimal import Decimal

from shopcms.products.price_history import lowest_before
from shopcms.promotions import api as promotions
from shopcms.web.i18n import pick
from shopcms.web.pagecache import CHANGES_AT


@dataclass(frozen=True)
class Reduced:
    """The ``price`` a product sells for now, its ``reference`` (the lowest of the 30 days
    before the reduction) and the promotion's ``name`` in the visitor's language."""

    price: Decimal
    reference: Decimal
    name: str


def promotion_line(product, qty=1):
    """``qty`` of ``product`` as the promotions' rules see a cart line (a gift card is
    never reduced: ``gift_card``)."""
    return promotions.Line(
        product.pid,
        qty,
        product.price,
        product.vat_rate,
        product.categories,
        gift_card=product.gift_card,
    )


def _keep_until(request, moment):
    kept = request.environ.get(CHANGES_AT)
    if moment is not None and (kept is None or moment < kept):
        request.environ[CHANGES_AT] = moment


def reduced(request, product):
    """The :class:`Reduced` of ``product`` now, or None (see the module)."""
    line = promotion_line(product)
    _keep_until(request, promotions.automatic_changes_at(request, line))
    offer = promotions.automatic_offer(request, line)
    if offer is None:
        return None
    reference = lowest_before(product, offer.start or request.now)
    name = pick(offer.names, request)[1] or ""
    return Reduced(product.price - offer.reduction, reference, name)


def reduction(request):
    """``ui.reduction``: a function of a product giving its :func:`reduced`."""
    return lambda product: reduced(request, product)
