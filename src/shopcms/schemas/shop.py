"""The small forms of the shop: what a visitor may post to the cart and lists."""

import colander

from ..forms import CSRFSchema
from ..shop.lists import MAX_QUANTITY

CART_OPS = ("add", "set", "remove")
LIST_OPS = ("add", "remove")


class CartSchema(CSRFSchema):
    op = colander.SchemaNode(colander.String(), validator=colander.OneOf(CART_OPS))
    pid = colander.SchemaNode(colander.Int(), validator=colander.Range(min=1, max=999_999_999))
    qty = colander.SchemaNode(
        colander.Int(), missing=1, validator=colander.Range(min=0, max=MAX_QUANTITY)
    )
    came_from = colander.SchemaNode(colander.String(), missing="")


class ListSchema(CSRFSchema):
    op = colander.SchemaNode(colander.String(), validator=colander.OneOf(LIST_OPS))
    pid = colander.SchemaNode(colander.Int(), validator=colander.Range(min=1, max=999_999_999))
    came_from = colander.SchemaNode(colander.String(), missing="")
