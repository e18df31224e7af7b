"""What other capabilities may use of promotions (the rest of the package is its own).

The cart page (products) and the checkout (orders) describe the cart's lines as
:class:`Line` and ask :func:`evaluate` what the visitor's codes give; the outcome's
``applied`` are the reductions ``products.api.charge`` takes, its ``refused`` are told
with :func:`explain`.  The cart's code form keeps a code with :func:`enter` once it
applies, and :func:`forget` drops it.  Placing the order evaluates the codes again in the
placing transaction and counts their uses (:func:`take_uses`); the order keeps
:func:`snapshot` of its discounts; a cancelled or refunded order gives them back
(:func:`give_back`).
"""

from shopcms.promotions.codes import customer, enter, entered, evaluate, explain, forget
from shopcms.promotions.rules import Line, Outcome

__all__ = [
    "Line",
    "Outcome",
    "enter",
    "entered",
    "evaluate",
    "explain",
    "forget",
    "give_back",
    "snapshot",
    "take_uses",
]


def take_uses(request, outcome, email=None):
    """Count one use of each code ``outcome`` applied, by the requester (``email``: a
    guest's), in the request's transaction: two checkouts taking a code's last use
    conflict, and the replayed one finds it used up (``resources``)."""
    key = customer(request, email)
    for applied in outcome.applied:
        applied.promotion.take_use(key)
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
            promotion.give_back_use(discount.get("customer"))
