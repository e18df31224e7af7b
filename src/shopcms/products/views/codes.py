"""The cart's discount codes: the form to enter one, the buttons to remove them, and what
they do to the cart's summary (``promotions.api``; this module is the products' only door
to it).

Entering a code posts it to ``/{lang}/cart-code`` (``views.lists``): a code that does not
apply answers 400 with the cart page and the reason next to the field; one that applies is
kept (only the code, in the session) and the cart page shows its discount.  Every summary
evaluates the kept codes anew from the database, so nothing posted can change a discount.
"""

import colander
import deform

from shopcms.products.giftcards import charge_item
from shopcms.products.pricing import charge
from shopcms.products.reductions import promotion_line
from shopcms.promotions import api as promotions
from shopcms.web.forms import Button, CSRFSchema, make_form
from shopcms.web.forms.types import Text
from shopcms.web.i18n import _, pick

#: The longest code the form takes.
CODE_MAX = 40


def promotion_lines(items):
    """``items`` (``(product, qty)``) as the promotions' rules see them."""
    return tuple(promotion_line(product, qty) for product, qty in items)


@colander.deferred
def _applies(node, kw):
    """The code must apply to the visitor's cart (``kw["lines"]``) with the codes kept."""
    request, lines = kw["request"], kw["lines"]

    def check(node, value):
        codes = (*promotions.entered(request), value)
        refusal = promotions.evaluate(request, lines, codes).refusal(value)
        if refusal is not None:
            raise colander.Invalid(node, promotions.explain(request, refusal))

    return colander.All(colander.Length(min=1, max=CODE_MAX), check)


class CodeSchema(CSRFSchema):
    code = colander.SchemaNode(
        Text(max_length=CODE_MAX),
        title=_("Discount code"),
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
        validator=_applies,
    )


class RemoveCodeSchema(CSRFSchema):
    code = colander.SchemaNode(Text(max_length=CODE_MAX), widget=deform.widget.HiddenWidget())


def code_form(request, lines):
    return make_form(
        request,
        CodeSchema,
        (Button("apply", _("Apply")),),
        "discount-code",
        action=request.link(None, "cart-code"),
        css_class="discount-code",
        lines=lines,
    )


def remove_form(request, code):
    return make_form(
        request,
        RemoveCodeSchema,
        (Button("remove", _("Remove"), css_class="toggle"),),
        f"discount-remove-{code.lower()}",
        action=request.link(None, "cart-code"),
        css_class="discount-remove",
    )


def _remove(request, code):
    return remove_form(request, code).render({"code": code})


def cart_discounts(request, lines, failed=None):
    """The cart page's ``summary`` of ``lines`` (the cart's: ``product``, ``qty``; None
    without any), less the codes' discounts (``pricing.charge``), and ``codes``: the
    ``outcome``, ``form`` (the code form's HTML; ``failed``: the refused one), ``refusals``
    (kept codes that no longer apply: ``(code, message, remove form)``), ``remove`` (code
    -> its remove form) and ``names`` (code -> its name in the visitor's language)."""
    items = [(line["product"], line["qty"]) for line in lines]
    outcome = promotions.evaluate(request, promotion_lines(items))
    priced = [charge_item(product, qty) for product, qty in items]  # (gift cards unshipped)
    settings = request.registry.settings
    codes = {
        "outcome": outcome,
        "form": failed or code_form(request, promotion_lines(items)).render(),
        "refusals": [
            (r.code, promotions.explain(request, r), _remove(request, r.code))
            for r in outcome.refused
        ],
        "remove": {a.code: _remove(request, a.code) for a in outcome.applied if a.code},
        "names": {a.code: pick(a.names, request)[1] for a in outcome.applied},
        # An automatic promotion's reduction (no code) is named by its own names.
        "name_of": lambda applied: pick(applied.names, request)[1],
    }
    summary = charge(settings, priced, reductions=outcome.applied) if items else None
    return {"summary": summary, "codes": codes}
