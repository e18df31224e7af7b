"""The forms of products, as colander schemas: the product desk's (``desk``) and what a
visitor may send to the shop (``shop``).

Only the fields declared here ever reach a resource.  POST schemas derive from
:class:`~shopcms.web.forms.CSRFSchema`; the search forms (GET) are plain schemas whose
field names are those of the shop's bookmarkable addresses (``q``, ``category``, ``min``,
``max``, ``sort``, ``page``).
"""

from shopcms.products.schemas.desk import (
    CENT,
    DeskSearchSchema,
    ImageUploadWidget,
    RemoveImageSchema,
    StockSchema,
    UploadStore,
    VisibilitySchema,
    category_schema,
    image_upload_schema,
    product_schema,
    vat_rate,
    vat_value,
)
from shopcms.products.schemas.shop import (
    CART_OPS,
    LIST_OPS,
    MAX_PID,
    CartAddSchema,
    CartQuantitySchema,
    ConsentSchema,
    ListItemSchema,
    header_search_schema,
    listing_search_schema,
)

__all__ = [
    "CART_OPS",
    "CENT",
    "CartAddSchema",
    "CartQuantitySchema",
    "ConsentSchema",
    "DeskSearchSchema",
    "ImageUploadWidget",
    "LIST_OPS",
    "ListItemSchema",
    "MAX_PID",
    "RemoveImageSchema",
    "StockSchema",
    "UploadStore",
    "VisibilitySchema",
    "category_schema",
    "image_upload_schema",
    "header_search_schema",
    "listing_search_schema",
    "product_schema",
    "vat_rate",
    "vat_value",
]
