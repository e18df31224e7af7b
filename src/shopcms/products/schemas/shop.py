"""What a visitor sends to the shop: the listing's search (GET), changes of the cart and of
the wishlist and comparison, and the consent given in context.

The POSTed names are the shop's contract with every page that links a product to a list
(``op``, ``pid``, ``qty``, ``came_from``): a product is named by its short id, a list change
by its ``op``, and where to go back to by ``came_from`` (checked by ``web.urls.local_path``).
"""

from decimal import Decimal, InvalidOperation

import colander
import deform

from shopcms.products.listing import MAX_QUERY
from shopcms.products.lists import MAX_QUANTITY
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import ADDRESS_MAX, LocalPath, Text
from shopcms.web.i18n import _

CART_OPS = ("add", "set", "remove")
LIST_OPS = ("add", "remove")
MAX_PID = 999_999_999

#: The listing's orders, with their labels, in the order the form offers them.
SORT_CHOICES = (
    ("name", _("Name")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
    ("rating", _("Best rated")),
)


def _hidden(typ, **kw):
    return colander.SchemaNode(typ, widget=deform.widget.HiddenWidget(), **kw)


def _pid():
    return _hidden(colander.Int(), name="pid", validator=colander.Range(min=1, max=MAX_PID))


def _came_from():
    return _hidden(LocalPath(), name="came_from", missing="")


def _op(ops):
    return _hidden(Text(), name="op", validator=colander.OneOf(ops))


class Quantity(colander.Int):
    """A whole number of items; anything else, an empty field too, is answered with the
    quantity's message (a quantity that is not sent at all is the node's ``missing``)."""

    def __init__(self, message):
        super().__init__()
        self.message = message

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, str) and not cstruct.strip():
            raise colander.Invalid(node, self.message)
        try:
            return super().deserialize(node, cstruct)
        except colander.Invalid:
            raise colander.Invalid(node, self.message) from None


class QuantityWidget(deform.widget.TextInputWidget):
    """A number field that hands an emptied field on as empty (not as "not sent"), so that
    :class:`Quantity` asks for a number instead of taking the default."""

    def deserialize(self, field, pstruct):
        if isinstance(pstruct, str) and not pstruct.strip():
            return ""
        return super().deserialize(field, pstruct)


def _quantity(least, label_class=None):
    """The quantity field, from ``least`` to MAX_QUANTITY; one when it is not sent.

    ``label_class``: the label's class (``visually-hidden`` where a column says it).
    """
    message = _(
        "Enter a quantity from ${min} to ${max}.", mapping={"min": least, "max": MAX_QUANTITY}
    )
    return colander.SchemaNode(
        Quantity(message),
        name="qty",
        title=_("Quantity"),
        missing=1,
        validator=colander.Range(min=least, max=MAX_QUANTITY, min_err=message, max_err=message),
        widget=QuantityWidget(
            attributes={
                "type": "number",
                "min": str(least),
                "max": str(MAX_QUANTITY),
                "inputmode": "numeric",
            },
            label_class=label_class,
        ),
    )


class CartAddSchema(CSRFSchema):
    """Add ``qty`` of a product to the cart (the product page); one when none is sent."""

    op = _op(("add",))
    pid = _pid()
    came_from = _came_from()
    qty = _quantity(1)


class CartQuantitySchema(CSRFSchema):
    """Set the quantity of a line of the cart; zero removes it."""

    op = _op(("set",))
    pid = _pid()
    qty = _quantity(0, label_class="visually-hidden")


class ListItemSchema(CSRFSchema):
    """A product added to or removed from a list (the cart's remove button too)."""

    op = _op(CART_OPS)
    pid = _pid()
    came_from = _came_from()


class ConsentSchema(CSRFSchema):
    """The consent given in context (``privacy``'s ``cookie-consent`` reads these names)."""

    personalisation = _hidden(Text(), default="true", missing="true")
    came_from = _came_from()


def _price(node, value):
    """A price bound: an amount in euro (a comma or a point before the cents)."""
    try:
        amount = Decimal(value.replace(",", ".").strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0:
        raise colander.Invalid(node, _("Give an amount in euro, for example 12.50."))


def _price_bound(name, title):
    return colander.SchemaNode(
        Text(),
        name=name,
        title=title,
        missing="",
        validator=_price,
        widget=deform.widget.TextInputWidget(
            attributes={"type": "number", "min": "0", "step": "0.01", "inputmode": "decimal"}
        ),
    )


def listing_search_schema(with_category=False):
    """The listing's search and filters (GET): ``q``, ``category`` (hidden, kept while one is
    chosen), ``min``, ``max`` and ``sort``, in the order of the listing's addresses.

    The listing reads its query string itself (``listing.ListingQuery``); this schema says
    whether what a visitor typed makes sense (a price that is no amount, a sort that is not
    offered): the listing then answers 400 with the form showing why.
    """
    schema = colander.Schema()
    schema.add(
        colander.SchemaNode(
            # A long search is cut to MAX_QUERY by the listing, not refused.
            Text(max_length=ADDRESS_MAX),
            name="q",
            title=_("Search"),
            missing="",
            widget=deform.widget.TextInputWidget(
                attributes={"type": "search", "maxlength": str(MAX_QUERY)}
            ),
        )
    )
    if with_category:
        schema.add(_hidden(Text(), name="category", missing=""))
    schema.add(_price_bound("min", _("Price from (€)")))
    schema.add(_price_bound("max", _("Price up to (€)")))
    schema.add(
        colander.SchemaNode(
            Text(),
            name="sort",
            title=_("Sort by"),
            missing="name",
            validator=colander.OneOf([value for value, _title in SORT_CHOICES]),
            widget=deform.widget.SelectWidget(values=SORT_CHOICES),
        )
    )
    return schema


def header_search_schema():
    """The search box in every page's header (GET to the listing): only ``q``, its label
    read by screen readers (the button beside it says "Search")."""
    schema = colander.Schema()
    schema.add(
        colander.SchemaNode(
            Text(max_length=ADDRESS_MAX),
            name="q",
            title=_("Search products"),
            missing="",
            widget=deform.widget.TextInputWidget(
                attributes={"type": "search", "maxlength": str(MAX_QUERY), "autocomplete": "off"},
                label_class="visually-hidden",
            ),
        )
    )
    return schema
