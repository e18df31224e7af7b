"""The desk's form of a promotion: its code (when it is created), its name per language,
what it gives, to what, when and how often.

An automatic promotion (ticked on a new one; the form of an existing one is made with
``automatic=True``) gives a percentage or an amount off, needs its start (the reference
price is the lowest of the 30 days before it: EU Omnibus) and has no use limits, minimum
or combination rule: its form of an existing one leaves those fields out, and a new one
that fills them in is told they are for codes only.

Bound with ``categories`` (``[(name, title)]``: the shop's categories), ``products``
(a product's name -> its pid) and ``timezone`` (the site's, for the dates).  What no
single field can check is checked by :func:`_whole`: a percentage between 0 and 100, an
amount above zero, the end after the start, the categories or products of a promotion
limited to them.
"""

import functools
from decimal import Decimal, InvalidOperation

import colander
import deform

from shopcms.promotions.resources import (
    ALL,
    AMOUNT,
    CATEGORIES,
    CODE,
    FREE_SHIPPING,
    PERCENT,
    PRODUCTS,
)
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalDateTime, Text
from shopcms.web.i18n import LANGUAGE_NAMES, _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("100000")
MAX_USES = 10_000_000

KIND_TITLES = (
    (PERCENT, _("A percentage off the goods")),
    (AMOUNT, _("An amount off the goods")),
    (FREE_SHIPPING, _("Free shipping")),
)
SCOPE_TITLES = (
    (ALL, _("All products")),
    (CATEGORIES, _("The products of some categories")),
    (PRODUCTS, _("Some products")),
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Amount(colander.Decimal):
    """A number with at most two decimals; a decimal comma is read as a point."""

    def num(self, val):
        return super().num(str(val).strip().replace(",", "."))


def _amount_check(node, value):
    try:
        exact = value.is_finite() and value == value.quantize(CENT)
    except InvalidOperation:
        exact = False
    if not exact or value < 0 or value > MAX_AMOUNT:
        raise colander.Invalid(node, _("Enter a number of zero or more, like 12.95."))


def _amount(name, title, description=None):
    return colander.SchemaNode(
        Amount(),
        name=name,
        title=title,
        description=description,
        missing=None,
        validator=_amount_check,
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "decimal"}),
    )


def _uses(name, title):
    return colander.SchemaNode(
        colander.Int(),
        name=name,
        title=title,
        description=_("Empty: unlimited."),
        missing=None,
        validator=colander.Range(min=1, max=MAX_USES, min_err=_("At least 1, or empty.")),
        widget=deform.widget.TextInputWidget(attributes={"type": "number", "min": "1"}),
    )


@colander.deferred
def _local_datetime(node, kw):
    return LocalDateTime(kw["timezone"])


def _when(name, title):
    return colander.SchemaNode(
        _local_datetime,
        name=name,
        title=title,
        description=_("Belgian time; empty: no limit."),
        missing=None,
        widget=deform.widget.TextInputWidget(attributes={"type": "datetime-local"}),
    )


@colander.deferred
def _category_widget(node, kw):
    return deform.widget.CheckboxChoiceWidget(values=list(kw["categories"]))


@colander.deferred
def _category_check(node, kw):
    return colander.ContainsOnly([name for name, _title in kw["categories"]])


@colander.deferred
def _products_check(node, kw):
    known = kw["products"]

    def check(node, value):
        unknown = [name for name in _names(value) if name not in known]
        if unknown:
            raise colander.Invalid(
                node,
                _("No product is named ${names}.", mapping={"names": ", ".join(unknown)}),
            )

    return check


def _names(value):
    """The product names of the products field (separated by commas or spaces)."""
    return [name for name in value.replace(",", " ").split() if name]


#: The fields that only codes have (see the module).
CODES_ONLY = ("total_uses", "uses_per_customer", "minimum")


def _whole(node, value, automatic=False):
    """What the fields check only together (see the module); ``automatic``: the form of an
    existing automatic promotion."""
    error = colander.Invalid(node)
    automatic = automatic or bool(value.get("automatic"))
    if "code" in value and automatic and value["code"]:
        error["code"] = _("An automatic promotion has no code.")
    elif "code" in value and not automatic and not value["code"]:
        error["code"] = _("A code is required, unless the promotion is automatic.")
    if automatic and value["kind"] not in (PERCENT, AMOUNT):
        error["kind"] = _("An automatic promotion gives a percentage or an amount off.")
    if automatic and value["valid_from"] is None:
        error["valid_from"] = _(
            "An automatic promotion needs its start: the price it is compared with is the "
            "lowest of the 30 days before it."
        )
    for name in CODES_ONLY if automatic else ():
        if value.get(name) is not None:
            error[name] = _("Only for discount codes: leave it empty.")
    if value["kind"] == PERCENT and not (value["value"] and 0 < value["value"] <= 100):
        error["value"] = _("A percentage above 0 and at most 100.")
    if value["kind"] == AMOUNT and not value["value"]:
        error["value"] = _("An amount above zero.")
    start, end = value["valid_from"], value["valid_until"]
    if start is not None and end is not None and end <= start:
        error["valid_until"] = _("The end must come after the start.")
    if value["scope"] == CATEGORIES and not value["categories"]:
        error["categories"] = _("Choose at least one category.")
    if value["scope"] == PRODUCTS and not _names(value["products"]):
        error["products"] = _("Name at least one product.")
    if error.children:
        raise error


def promotion_schema(new=True, automatic=False):
    """The form of a promotion; ``new``: with its code (a code is never changed) and the
    choice of an automatic one; ``automatic``: the form of an existing automatic promotion
    (see the module)."""
    schema = CSRFSchema(validator=functools.partial(_whole, automatic=automatic))
    if new:
        schema.add(
            colander.SchemaNode(
                Text(),
                name="code",
                title=_("Code"),
                description=_("3 to 32 letters, digits or hyphens; case does not matter."),
                preparer=_strip,
                missing="",  # an automatic promotion has none (``_whole``)
                validator=colander.Regex(
                    CODE.pattern, msg=_("Use 3 to 32 letters, digits or hyphens.")
                ),
            )
        )
        schema.add(
            colander.SchemaNode(
                colander.Boolean(),
                name="automatic",
                title=_("Automatic: without a code, on every cart it concerns"),
                description=_(
                    "Shown on the product pages with the lowest price of the 30 days "
                    "before its start. A percentage or an amount off each product."
                ),
                missing=False,
                widget=deform.widget.CheckboxWidget(),
            )
        )
    # An automatic promotion never gives free shipping (``_whole`` says so to a new one).
    kinds = KIND_TITLES[:2] if automatic else KIND_TITLES
    for lang, language in LANGUAGE_NAMES.items():
        schema.add(
            colander.SchemaNode(
                Text(max_length=200),
                name=f"name_{lang}",
                title=_("Name shown to customers (${language})", mapping={"language": language}),
                preparer=_strip,
                validator=colander.Length(min=1, max=200),
            )
        )
    schema.add(
        colander.SchemaNode(
            Text(),
            name="kind",
            title=_("What it gives"),
            validator=colander.OneOf([kind for kind, _title in kinds]),
            widget=deform.widget.SelectWidget(values=kinds),
        )
    )
    schema.add(_amount("value", _("Percentage or amount in euro"), _("Not for free shipping.")))
    schema.add(
        colander.SchemaNode(
            Text(),
            name="scope",
            title=_("On what"),
            validator=colander.OneOf([scope for scope, _title in SCOPE_TITLES]),
            widget=deform.widget.SelectWidget(values=SCOPE_TITLES),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.Set(),
            name="categories",
            title=_("Categories"),
            missing=(),
            widget=_category_widget,
            validator=_category_check,
        )
    )
    schema.add(
        colander.SchemaNode(
            Text(),
            name="products",
            title=_("Products"),
            description=_("Their names in the address, separated by commas."),
            preparer=_strip,
            missing="",
            validator=_products_check,
        )
    )
    schema.add(_when("valid_from", _("Valid from")))
    schema.add(_when("valid_until", _("Valid until")))
    if automatic:
        return schema
    schema.add(_uses("total_uses", _("Uses in all")))
    schema.add(_uses("uses_per_customer", _("Uses per customer")))
    schema.add(
        _amount(
            "minimum",
            _("Minimum order in euro, VAT included"),
            _("The goods before any discount; empty: none."),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.Boolean(),
            name="combinable",
            title=_("May be combined with other codes"),
            missing=False,
            widget=deform.widget.CheckboxWidget(),
        )
    )
    return schema
