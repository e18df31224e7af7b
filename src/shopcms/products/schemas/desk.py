"""The product desk's forms: a product, its stock, visibility and images, a category, and
the desk's search.

The product and category forms depend on the configured languages (one group of fields per
language, the default language's title required) and the product form on the existing
categories: build them with :func:`product_schema` / :func:`category_schema` and bind
``categories`` (``[(name, title)]``).  The upload form's widget keeps the upload of the
request being handled in a store of its own (bound as ``tmpstore``, else a new one).
"""

from decimal import Decimal, InvalidOperation

import colander
import deform
from deform.widget import FileUploadWidget

from shopcms.products.giftcards import check_rate
from shopcms.products.resources import ATTRIBUTES, VAT_RATES
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text
from shopcms.web.i18n import LANGUAGE_NAMES, _

#: Names a product cannot have: they are the views of the products folder.
RESERVED_PRODUCT_NAMES = frozenset({"add"})

MAX_PRICE = Decimal("1000000")
MAX_STOCK = 1_000_000
CENT = Decimal("0.01")

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def vat_value(rate):
    """The form value of a VAT rate (``Decimal('6')`` -> ``'6'``)."""
    return str(int(rate))


VAT_CHOICES = tuple(vat_value(rate) for rate in VAT_RATES)


def vat_rate(value):
    """The VAT rate of VAT_RATES a form value stands for."""
    return next(rate for rate in VAT_RATES if vat_value(rate) == value)


class Price(colander.Decimal):
    """A euro amount; a decimal comma is read as a point ("12,95")."""

    def num(self, val):
        return super().num(str(val).strip().replace(",", "."))


def _price_validator(node, value):
    if not value.is_finite() or value < 0:
        raise colander.Invalid(node, _("Enter an amount of zero or more, like 12.95."))
    if value > MAX_PRICE:
        raise colander.Invalid(node, _("This price is too high."))
    try:
        exact = value == value.quantize(CENT)
    except InvalidOperation:
        exact = False
    if not exact:
        raise colander.Invalid(node, _("Use at most two decimals (cents)."))


def _name_validator(node, value):
    colander.Regex(NAME_PATTERN, msg=_("Use lower-case letters, digits and hyphens."))(node, value)
    if value in RESERVED_PRODUCT_NAMES:
        raise colander.Invalid(node, _("This name is reserved."))


@colander.deferred
def _category_widget(node, kw):
    return deform.widget.CheckboxChoiceWidget(values=list(kw["categories"]))


@colander.deferred
def _category_validator(node, kw):
    return colander.ContainsOnly([name for name, _title in kw["categories"]])


class ProductSchema(CSRFSchema):
    """The fields every product has; the per-language groups are added by product_schema."""

    sku = colander.SchemaNode(
        Text(),
        title=_("Product code (SKU)"),
        preparer=_strip,
        validator=colander.Length(min=1, max=40),
    )
    price = colander.SchemaNode(
        Price(),
        title=_("Price in euro, VAT included"),
        description=_("Two decimals at most, like 12.95."),
        validator=_price_validator,
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "decimal"}),
    )
    vat_rate = colander.SchemaNode(
        Text(),
        title=_("VAT rate"),
        validator=colander.OneOf(VAT_CHOICES),
        widget=deform.widget.SelectWidget(values=[(v, f"{v} %") for v in VAT_CHOICES]),
    )
    gift_card = colander.SchemaNode(
        colander.Boolean(),
        title=_("Gift card: buying it sends a gift card of its price by mail"),
        description=_("Sold without VAT (0 %) and not shipped; its stock is not counted."),
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )
    stock = colander.SchemaNode(
        colander.Int(),
        title=_("Stock"),
        validator=colander.Range(min=0, max=MAX_STOCK, min_err=_("The stock cannot be negative.")),
        widget=deform.widget.TextInputWidget(
            attributes={"type": "number", "min": "0", "inputmode": "numeric"}
        ),
    )
    #: The stock the form was shown with: an unchanged stock field then leaves alone what
    #: orders or a stock change did to the stock meanwhile.
    stock_seen = colander.SchemaNode(
        colander.Int(),
        missing=None,
        widget=deform.widget.HiddenWidget(),
    )
    categories = colander.SchemaNode(
        colander.Set(),
        title=_("Categories"),
        missing=(),
        validator=_category_validator,
        widget=_category_widget,
    )
    published = colander.SchemaNode(
        colander.Boolean(),
        title=_("Visible in the shop"),
        description=_("Visitors see the product only while it is published."),
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )

    def validator(self, node, value):
        # A gift card is a multi-purpose voucher: no VAT at sale (products.giftcards).
        refused = check_rate(value.get("gift_card"), vat_rate(value["vat_rate"]))
        if refused is not None:
            invalid = colander.Invalid(node)
            invalid["vat_rate"] = refused  # (the field's error, not the form's)
            raise invalid


def _needs_title(node, value):
    if value["description"] and not value["title"]:
        raise colander.Invalid(
            node["title"], _("A description in this language needs a title too.")
        )


def _language_node(lang, required):
    group = colander.SchemaNode(
        colander.Mapping(),
        name=lang,
        title=f"{LANGUAGE_NAMES.get(lang, lang)} ({lang.upper()})",
        validator=_needs_title,
        # The desk shows each language as a tab (product_edit.pt, web/static/tabs.js):
        # every field added to this group shows in its language's tab.
        widget=deform.widget.MappingWidget(css_class="lang-panel"),
    )
    group.add(
        colander.SchemaNode(
            Text(),
            name="title",
            title=_("Title"),
            preparer=_strip,
            missing=colander.required if required else "",
            validator=colander.Length(
                min=1 if required else 0, max=200, min_err=_("A title is required.")
            ),
        )
    )
    group.add(
        colander.SchemaNode(
            Text(multiline=True),
            name="description",
            title=_("Description"),
            description=_("Markdown: **bold**, *italic*, - list, [link](https://…). No HTML."),
            missing="",
            validator=colander.Length(max=50_000),
            widget=deform.widget.TextAreaWidget(rows=8),
        )
    )
    group.add(
        colander.SchemaNode(
            Text(),
            name="meta_description",
            title=_("Description for search engines"),
            description=_(
                "About 155 characters, shown under the title in search results. Leave "
                "empty to use the start of the description."
            ),
            preparer=_strip,
            missing="",
            validator=colander.Length(max=300),
            widget=deform.widget.TextAreaWidget(rows=2, attributes={"maxlength": "300"}),
        )
    )
    attributes = colander.SchemaNode(colander.Mapping(), name="attributes", title=_("Properties"))
    for key, label in ATTRIBUTES.items():
        attributes.add(
            colander.SchemaNode(
                Text(),
                name=key,
                title=label,
                preparer=_strip,
                missing="",
                validator=colander.Length(max=200),
            )
        )
    group.add(attributes)
    return group


def _address_name_node(validator):
    """The "name in the address" of a new product or category (it cannot change later)."""
    return colander.SchemaNode(
        Text(),
        name="name",
        title=_("Name in the address"),
        description=_("Lower-case letters, digits and hyphens; it cannot change later."),
        preparer=_strip,
        validator=validator,
    )


def product_schema(languages, with_name=False):
    """A product form schema: the common fields, then one group per language.

    ``with_name`` adds the name in the address (a new product only: it cannot change).
    """
    schema = ProductSchema()
    if with_name:
        schema.insert(1, _address_name_node(_name_validator))
    for index, lang in enumerate(languages):
        schema.add(_language_node(lang, required=index == 0))
    return schema


class StockSchema(CSRFSchema):
    """Either a new absolute ``stock`` or a signed ``adjust``ment (what the form shows)."""

    stock = colander.SchemaNode(
        colander.Int(),
        missing=None,
        validator=colander.Range(min=0, max=MAX_STOCK, min_err=_("The stock cannot be negative.")),
        widget=deform.widget.HiddenWidget(),
    )
    adjust = colander.SchemaNode(
        colander.Int(),
        title=_("Add or remove (for example 10 or -3)"),
        missing=None,
        validator=colander.Range(min=-MAX_STOCK, max=MAX_STOCK),
        widget=deform.widget.TextInputWidget(attributes={"type": "number", "step": "1"}),
    )

    def validator(self, node, value):
        if (value["stock"] is None) == (value["adjust"] is None):
            raise colander.Invalid(node, _("Give either a new stock or a change."))


class VisibilitySchema(CSRFSchema):
    """Publish (``published=true``) or hide (``false``); ``back``: the page to go back to."""

    published = colander.SchemaNode(
        Text(),
        validator=colander.OneOf(("true", "false")),
        widget=deform.widget.HiddenWidget(),
    )
    back = colander.SchemaNode(
        Text(),
        missing="edit",
        validator=colander.OneOf(("edit", "list")),
        widget=deform.widget.HiddenWidget(),
    )


class RemoveImageSchema(CSRFSchema):
    image_id = colander.SchemaNode(
        Text(),
        validator=colander.Regex(r"^[0-9a-f]{1,32}$"),
        widget=deform.widget.HiddenWidget(),
    )


class DeskSearchSchema(colander.Schema):
    """The desk's search (GET): words of a product's text or its code."""

    q = colander.SchemaNode(
        Text(),
        title=_("Search by product code or text"),
        missing="",
        widget=deform.widget.TextInputWidget(attributes={"type": "search", "maxlength": "100"}),
    )


class UploadStore(dict):
    """deform's temporary store of uploads, for one request: the upload is handled in the
    POST that sends it, so nothing needs to outlive the request (and nothing is previewed)."""

    def preview_url(self, uid):
        return None


class ImageUploadWidget(FileUploadWidget):
    """deform's file upload, where anything but a file part (a plain field of that name)
    counts as no file: the visitor is asked to choose one."""

    def deserialize(self, field, pstruct):
        if not isinstance(pstruct, dict):
            return colander.null
        return super().deserialize(field, pstruct)


ACCEPTED_TYPES = "image/jpeg,image/png,image/webp"


@colander.deferred
def _upload_widget(node, kw):
    return ImageUploadWidget(kw.get("tmpstore", UploadStore()), accept=ACCEPTED_TYPES)


def image_upload_schema(languages):
    """The upload form: the ``image`` file and its alternative texts ``alt_LANG`` (optional)."""
    schema = CSRFSchema()
    schema.add(
        colander.SchemaNode(
            deform.FileData(),
            name="image",
            title=_("Image file"),
            missing_msg=_("Choose an image file to upload."),
            widget=_upload_widget,
        )
    )
    for lang in languages:
        schema.add(
            colander.SchemaNode(
                Text(),
                name=f"alt_{lang}",
                title=_("Description for screen readers (${lang})", mapping={"lang": lang.upper()}),
                preparer=_strip,
                missing="",
                validator=colander.Length(max=200),
                widget=deform.widget.TextInputWidget(attributes={"lang": lang, "maxlength": "200"}),
            )
        )
    return schema


def category_schema(languages, with_name=False):
    """A category form schema: its name (new ones only), a title per language, a position."""
    schema = CSRFSchema()
    if with_name:
        schema.add(
            _address_name_node(
                colander.Regex(NAME_PATTERN, msg=_("Use lower-case letters, digits and hyphens."))
            )
        )
    titles = colander.SchemaNode(colander.Mapping(), name="titles", title=_("Titles"))
    for index, lang in enumerate(languages):
        titles.add(
            colander.SchemaNode(
                Text(),
                name=lang,
                title=f"{LANGUAGE_NAMES.get(lang, lang)} ({lang.upper()})",
                preparer=_strip,
                missing=colander.required if index == 0 else "",
                validator=colander.Length(
                    min=1 if index == 0 else 0, max=100, min_err=_("A title is required.")
                ),
            )
        )
    schema.add(titles)
    schema.add(
        colander.SchemaNode(
            colander.Int(),
            name="position",
            title=_("Position"),
            description=_("Categories are listed by position, lowest first."),
            missing=0,
            validator=colander.Range(min=0, max=10_000),
            widget=deform.widget.TextInputWidget(attributes={"type": "number", "min": "0"}),
        )
    )
    return schema
