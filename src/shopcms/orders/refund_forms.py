"""The order desk's refund form: made for one order from what remains to refund.

Fields: the quantity to refund of each line that has some left (0 to what is left), the
shipping cost (a box, while it is left), "the goods came back" (a box; not asked for an
order that is only paid: its goods never left), the reason (required), and for a refund
by bank transfer the holder and IBAN of the account to pay to (checked with
python-stdnum).  Hidden: the CSRF token, the refund's id (a random token made when the
form is shown: the refund's identity, so that the same form sent twice refunds once) and
the step (``review``: show what will be refunded; ``confirm``: do it).  :func:`panel` gives
the order page's refund panel its values.  Only these fields
are read; amounts are never taken from the form, they come from the order.
"""

import secrets

import colander
import deform

from shopcms.orders import gift_cards, refunds
from shopcms.orders.payments.sepa import check_iban
from shopcms.orders.widgets import hide
from shopcms.orders.workflow import PAID
from shopcms.web.actors import who
from shopcms.web.forms import Button, CSRFSchema, make_form
from shopcms.web.forms.types import Text, strip
from shopcms.web.i18n import _
from shopcms.web.layout import format_money
from shopcms.web.security import REFUND_ORDERS

FORMID = "refund"
STEPS = ("review", "confirm")
MEANS = {
    refunds.PROVIDER: _("By the payment provider"),
    refunds.TRANSFER: _("Bank transfer"),
    refunds.GIFT_CARD: _("On the gift card"),
}
MAX_REASON = 500


def line_field(index):
    return f"line_{index}"


def _compact(value):
    """An IBAN as typed, without its spaces and in capitals (what is checked and kept)."""
    return "".join(value.split()).upper() if isinstance(value, str) else value


def _iban(node, value):
    try:
        check_iban(value)
    except ValueError:
        raise colander.Invalid(
            node, _("This is not a valid IBAN. Copy it from the customer's bank details.")
        ) from None


def schema(request, order):
    """The form's schema for ``order`` as it is now (see the module)."""
    lang = request.locale_name
    node = CSRFSchema()
    node.add(
        colander.SchemaNode(
            Text(),
            name="refund_id",
            widget=deform.widget.HiddenWidget(),
            validator=colander.Regex(refunds.REFUND_ID.pattern),
        )
    )
    node.add(
        colander.SchemaNode(
            Text(),
            name="step",
            widget=deform.widget.HiddenWidget(),
            missing="review",
            validator=colander.OneOf(STEPS),
        )
    )
    left_lines, shipping_left = refunds.remaining(order)
    for index, line, qty_left, _amount in left_lines:
        if qty_left <= 0:
            continue
        node.add(
            colander.SchemaNode(
                colander.Int(),
                name=line_field(index),
                title=_(
                    "${title}: how many to refund (at most ${qty})",
                    mapping={"title": line["title"], "qty": qty_left},
                ),
                missing=0,
                default=0,
                validator=colander.Range(
                    0,
                    qty_left,
                    min_err=_("Give a number from 0 to ${max}.", mapping={"max": qty_left}),
                    max_err=_("At most ${max} can still be refunded.", mapping={"max": qty_left}),
                ),
                widget=deform.widget.TextInputWidget(
                    attributes={"type": "number", "min": "0", "max": str(qty_left)}
                ),
            )
        )
    if shipping_left > 0:
        node.add(
            colander.SchemaNode(
                colander.Boolean(),
                name="shipping",
                title=_(
                    "Refund the shipping cost (${amount})",
                    mapping={"amount": format_money(shipping_left, lang)},
                ),
                missing=False,
                widget=deform.widget.CheckboxWidget(),
            )
        )
    if order.state != PAID:
        node.add(
            colander.SchemaNode(
                colander.Boolean(),
                name="goods_returned",
                title=_("The goods came back (or never left): put them back in stock"),
                missing=False,
                widget=deform.widget.CheckboxWidget(),
            )
        )
    node.add(
        colander.SchemaNode(
            Text(multiline=True),
            name="reason",
            title=_("Reason (the customer reads it in the mail)"),
            preparer=strip,
            validator=colander.Length(min=1, max=MAX_REASON),
            missing_msg=_("Say why this is refunded."),
            widget=deform.widget.TextAreaWidget(rows=2, attributes={"maxlength": str(MAX_REASON)}),
        )
    )
    money = gift_cards.money_left(order) > 0  # else all goes back on the gift card
    if money and refunds.means_of(request.registry, order) == refunds.TRANSFER:
        node.add(
            colander.SchemaNode(
                Text(),
                name="holder",
                title=_("Name of the account holder to pay to"),
                preparer=strip,
                validator=colander.Length(min=1, max=70),
                missing_msg=_("Give the name of the account holder."),
            )
        )
        node.add(
            colander.SchemaNode(
                Text(),
                name="iban",
                title=_("IBAN of the account to pay to"),
                preparer=_compact,
                validator=_iban,
                missing_msg=_("Give the IBAN of the account to pay the refund to."),
                widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off"}),
            )
        )
    return node


def form(request, order, confirm=False):
    """The refund form of ``order``: the one to fill in, or (``confirm``) the
    confirmation's, whose fields are all hidden and carry what was filled in."""
    node = schema(request, order)
    if confirm:
        for child in node.children:
            hide(child)
        buttons = (Button("refund", _("Confirm the refund"), css_class="danger"),)
    else:
        buttons = (Button("review", _("Review the refund"), css_class="primary"),)
    return make_form(
        request,
        node,
        buttons,
        f"{FORMID}-confirm" if confirm else FORMID,
        action=request.manage_link(order, "refund"),
        css_class="refund-form",
    )


def fresh(request, order):
    """The form to fill in, with a new refund id (nothing is stored: a GET writes
    nothing).  It starts from what staff came for: the lines of a withdrawal whose goods
    came back (``?line-N=QTY``, from the withdrawal panel's "goods received"), and for a
    transfer the account that paid the order, as the bank statement named it."""
    values = {"refund_id": secrets.token_urlsafe(16)}
    for index in range(len(order.lines)):
        wanted = request.GET.get(f"line-{index}", "")
        if wanted.isdigit() and 0 < int(wanted) <= order.lines[index]["qty"]:
            values[line_field(index)] = int(wanted)
    if order.payer_iban:
        values["iban"] = order.payer_iban
        values["holder"] = order.payer_name or ""
    return form(request, order).render(values)


def chosen(request, order, appstruct):
    """The :class:`refunds.Plan` of a valid ``appstruct`` (RefundRefused otherwise)."""
    quantities = {
        index: appstruct.get(line_field(index), 0)
        for index in range(len(order.lines))
        if appstruct.get(line_field(index))
    }
    return refunds.plan(
        request.registry,
        order,
        quantities,
        appstruct.get("shipping", False),
        appstruct.get("goods_returned", False),
    )


def account(appstruct):
    """``(holder, compact IBAN)`` of a transfer refund, or None."""
    if not appstruct.get("iban"):
        return None
    return appstruct["holder"], check_iban(appstruct["iban"])


def panel(request, order, failed=None):
    """The refund panel's values for the order page: ``refunds`` (rows of those made),
    ``refund_form`` (HTML, or None when the requester may not refund or nothing is
    left); ``failed`` is the refused form's HTML."""
    found = refunds.transfers(order.__parent__)
    rows = []
    for refund in reversed(order.refunds):
        transfer = found.get(refund.id) if refund.means == refunds.TRANSFER else None
        rows.append(
            {
                "refund": refund,
                "who": who(request, refund.actor),
                "means": MEANS.get(refund.means, refund.means),
                "what": [
                    f"{qty} × {order.lines[index]['title']}" for index, qty, _a in refund.lines
                ],
                "file": request.manage_link(order, "refund-transfer", query={"id": refund.id})
                if transfer is not None and request.has_permission(REFUND_ORDERS, order)
                else None,
                "sent": transfer.sent if transfer is not None else None,
            }
        )
    form = None
    if request.has_permission(REFUND_ORDERS, order) and refunds.refundable(order):
        form = failed or fresh(request, order)
    return {"refunds": rows, "refund_form": form}
