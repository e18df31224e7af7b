"""What other capabilities may use of promotions (the rest of the package is its own).

The cart page (products) and the checkout (orders) describe the cart's lines as
:class:`Line` and ask :func:`evaluate` what the visitor's codes give; the outcome's
``applied`` are the reductions ``products.api.charge`` takes, its ``refused`` are told
with :func:`explain`.  The cart's code form keeps a code with :func:`enter` once it
applies, and :func:`forget` drops it.  Placing the order evaluates the codes again in the
placing transaction and counts their uses (:func:`take_uses`); the order keeps
:func:`snapshot` of its discounts; a cancelled or refunded order gives them back
(:func:`give_back`).

The statistics page shows the :func:`usage` of each code: its uses and the discount they
gave, never who used it.

Automatic promotions: product pages and listings show :func:`automatic_offer` of each
product (``automatic.Offer``: the promotion, its unit reduction and start) and keep the
page until :func:`automatic_changes_at`.
"""

from dataclasses import dataclass
from decimal import Decimal

from shopcms.promotions import automatic
from shopcms.promotions.codes import customer, enter, entered, evaluate, explain, forget
from shopcms.promotions.rules import Line, Outcome

__all__ = [
    "Line",
    "Outcome",
    "automatic_changes_at",
    "automatic_offer",
    "automatic_version",
    "enter",
    "entered",
    "evaluate",
    "explain",
    "forget",
    "give_back",
    "snapshot",
    "take_uses",
    "Usage",
    "usage",
]


def take_uses(request, outcome, email=None, reductions=None):
    """Count one use of each code ``outcome`` applied, by the requester (``email``: a
    guest's), in the request's transaction: two checkouts taking a code's last use
    conflict, and the replayed one finds it used up (``resources``).  Each use counts the
    discount it gave: its reduction among ``reductions`` (the order's summary's, as
    charged: what :func:`snapshot` keeps and :func:`give_back` takes off again), else what
    the code gives at Belgian prices."""
    key = customer(request, email)
    charged = {reduced.label.code: reduced.amount for reduced in reductions or ()}
    for applied in outcome.applied:
        if applied.code:  # an automatic promotion counts no use (nor who used it)
            applied.promotion.take_use(key, charged.get(applied.code, applied.amount))
    return key


def snapshot(reductions, customer=None):
    """What an order keeps of its discounts: for each reduction of its summary
    (``products.api.charge``'s ``reductions``, labelled with the applied code) a dict of
    ``code``, ``names``, ``amount``, ``by_rate`` and ``free_shipping``; and who used them
    (``customer``, to give the uses back)."""
    return tuple(
        {
            "code": reduced.label.code,
            "names": dict(reduced.label.names),
            "amount": reduced.amount,
            "by_rate": tuple(reduced.by_rate),
            "free_shipping": reduced.free_shipping,
            "customer": customer,
        }
        for reduced in reductions
    )


def give_back(site, discounts):
    """Give back the uses of an order's ``discounts`` (its :func:`snapshot`): the order was
    cancelled or refunded.  A promotion deleted since is left alone."""
    for discount in discounts:
        promotion = site["promotions"].for_code(discount["code"])
        if promotion is not None:
            promotion.give_back_use(discount.get("customer"), discount["amount"])


@dataclass(frozen=True)
class Usage:
    """What the statistics page shows of one code: ``code``, ``names`` (per language),
    ``uses`` and ``discount`` (given to the orders not cancelled or refunded); the
    single-use codes generated from a code (``bulk``) are counted under it.  Never who."""

    code: str
    names: dict
    uses: int
    discount: Decimal


def usage(site):
    """The :class:`Usage` of every code of ``site``, by code (automatic promotions count
    no uses); reads the promotions' own counters, never an order nor a customer."""
    folder = site.get("promotions")
    found = {}
    for promotion in folder.values() if folder is not None else ():
        if promotion.automatic:
            continue
        code = promotion.batch or promotion.code
        known = found.get(code) or Usage(code, {}, 0, Decimal("0.00"))
        # A batch's single-use codes are named as the code they were made from.
        names = dict(promotion.names) if promotion.batch is None else known.names
        found[code] = Usage(
            code, names, known.uses + promotion.used, known.discount + promotion.discount_given
        )
    return [found[code] for code in sorted(found)]


def _automatic(request):
    """The site's automatic promotions, read once per request (none before the folder's
    evolve step)."""
    if "_automatic_promotions" not in request.__dict__:
        folder = request.root.get("promotions")
        request.__dict__["_automatic_promotions"] = folder.automatic() if folder is not None else ()
    return request.__dict__["_automatic_promotions"]


def automatic_offer(request, line):
    """The automatic promotion's ``automatic.Offer`` for ``line`` (a :class:`Line` of one
    unit of a product) now, or None."""
    return automatic.offer(_automatic(request), line, request.now)


def automatic_changes_at(request, line=None):
    """When an automatic promotion concerning ``line`` (None: any) next starts or ends."""
    return automatic.next_change(_automatic(request), line, request.now)


def automatic_version(request):
    """What the pages that show prices depend on of the automatic promotions (part of
    their validators): when one next starts or ends, and each one's last edit."""
    return (
        automatic_changes_at(request),
        tuple((p.__name__, p.modified.isoformat()) for p in _automatic(request)),
    )
