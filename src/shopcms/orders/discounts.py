"""The checkout's discount codes (``promotions.api``): the one place orders meet them.

Every quote evaluates the visitor's codes anew from the database (:func:`charge_found`:
the codes' reductions go to ``products.api.charge``, so each VAT rate's base and VAT are
reduced in proportion); the client never sends an amount.  Placing the order
(:func:`count`) evaluates them once more in the placing transaction and counts their uses
there: two checkouts taking a code's last use conflict, and the replayed one finds it used
up.  A code that no longer applies is forgotten and the order is not placed; the customer
reads why (the review already says so: :func:`refusals`), and placing again buys without
it.  The order keeps :func:`snapshot`; the summaries show :func:`rows`.
"""

from shopcms.products.api import charge, charge_item, promotion_line
from shopcms.promotions import api as promotions
from shopcms.web.i18n import _, pick


def charge_found(request, found, method, where, email=None):
    """``(summary, outcome)`` of ``found`` (``(product, title, qty)``) shipped by ``method``
    to ``where`` less the codes' discounts; ``email``: a guest's, for the uses per
    customer (the checkout's details; None before they are known)."""
    outcome = promotions.evaluate(
        request,
        [promotion_line(product, qty) for product, _title, qty in found],
        email=email,
    )
    summed = charge(
        request.registry.settings,
        [charge_item(product, qty) for product, _title, qty in found],  # (gift cards unshipped)
        method,
        where.country,
        where.taxation,
        reductions=outcome.applied,
    )
    return summed, outcome


def count(request, priced, email, problem):
    """Count the uses of the codes of ``priced`` (a Quote) by the customer, or raise
    ``problem`` (the checkout's CheckoutProblem) when one no longer applies (see the
    module); returns the customer's key for :func:`snapshot`."""
    refused = priced.outcome.refused
    if refused:
        for refusal in refused:
            promotions.forget(request, refusal.code)
        raise problem(
            _(
                "${reason} The code was removed from your order: place it again to buy without it.",
                mapping={"reason": promotions.explain(request, refused[0])},
            )
        )
    # Each use counts the discount as the order is charged it (its snapshot's amounts).
    return promotions.take_uses(request, priced.outcome, email, priced.summary.reductions)


def snapshot(priced, customer=None):
    """What the order keeps of the codes of ``priced`` (``promotions.api.snapshot``)."""
    return promotions.snapshot(priced.summary.reductions, customer)


def refusals(request, priced):
    """Why the codes of ``priced`` that do not apply (now that the details are known: the
    uses per customer of a guest's address) do not, in the visitor's language."""
    return [promotions.explain(request, refusal) for refusal in priced.outcome.refused]


def rows(request, discounts):
    """What a summary shows of ``discounts`` (an order's, or :func:`snapshot` of a quote):
    dicts of ``code``, ``name`` (in the visitor's language), ``amount``, ``free_shipping``."""
    return [
        {**discount, "name": pick(discount["names"], request)[1] or ""} for discount in discounts
    ]
