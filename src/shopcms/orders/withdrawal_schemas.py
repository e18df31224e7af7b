"""The withdrawal's forms: the customer's statement (``withdrawal_schema``: what is left to
withdraw of an order, per line, with the optional reason and the form's submission key) and
the desk's "goods received" of one statement."""

import colander
import deform

from shopcms.orders import withdrawal
from shopcms.orders.schemas import TOKEN
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text, strip
from shopcms.web.i18n import _


def _line_title(line, qty):
    return _(
        "${product} (${sku}): how many of ${count}",
        mapping={"product": line.get("title", ""), "sku": line.get("sku", ""), "count": qty},
    )


def withdrawal_schema(order):
    """The form for what is left to withdraw of ``order``: one quantity per line (at most
    what is left), the optional reason, the hidden submission key."""
    left = withdrawal.remaining(order)
    schema = CSRFSchema()
    schema.add(
        colander.SchemaNode(
            Text(),
            name="key",
            widget=deform.widget.HiddenWidget(),
            validator=colander.Regex(TOKEN),
        )
    )
    lines = colander.SchemaNode(
        colander.Mapping(),
        name="lines",
        title=_("The goods you withdraw from"),
        description=_("Everything is chosen; lower a number to keep some."),
    )
    for index, line in enumerate(order.lines):
        qty = left.get(index, 0)
        if qty <= 0:
            continue
        lines.add(
            colander.SchemaNode(
                colander.Int(),
                name=f"line-{index}",
                title=_line_title(line, qty),
                missing=0,
                validator=colander.Range(min=0, max=qty),
                widget=deform.widget.SelectWidget(
                    values=[(str(n), str(n)) for n in range(qty, -1, -1)]
                ),
            )
        )
    schema.add(lines)
    schema.add(
        colander.SchemaNode(
            Text(multiline=True, max_length=withdrawal.MAX_REASON),
            name="reason",
            title=_("Reason (optional)"),
            description=_("You need not give a reason. If you tell us one, we learn from it."),
            preparer=strip,
            missing="",
            validator=colander.Length(max=withdrawal.MAX_REASON),
            widget=deform.widget.TextAreaWidget(
                rows=3, attributes={"maxlength": str(withdrawal.MAX_REASON)}
            ),
        )
    )

    def at_least_one(node, value):
        # On the first line's field (a fieldset cannot be marked invalid for the summary).
        # ``node`` is the bound copy: its own children, not those made above.
        if not any(qty > 0 for qty in value["lines"].values()):
            chosen = node["lines"]
            error, among = colander.Invalid(node), colander.Invalid(chosen)
            if chosen.children:
                among[chosen.children[0].name] = _("Choose at least one item to withdraw from.")
            error.add(among, node.children.index(chosen))
            raise error

    schema.validator = at_least_one
    return schema


class ReceivedSchema(CSRFSchema):
    """The desk's "goods received" of one statement (its id, hidden)."""

    withdrawal = colander.SchemaNode(
        colander.Int(),
        widget=deform.widget.HiddenWidget(),
        validator=colander.Range(min=1, max=10_000),
    )
