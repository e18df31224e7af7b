"""The forms' parts of a business buyer (``shopcms.orders.business``): the company name and
VAT number fields, the checkout's "I am buying for a business" part (:class:`BusinessBuyer`
and what :class:`~shopcms.orders.schemas.CheckoutSchema` does with it), the account's same
two fields (:func:`add_business_fields`, through ``orders.api``), and the order desk's
"Confirm VAT number" (:class:`ConfirmVatSchema`).

The checkout reads the part only with its ``for_business`` box ticked (like the billing
address with its own box; the orders' ``static/checkout.js`` shows the fields once it is
ticked, and without JavaScript they stay visible).  Both fields are optional, a VAT number
needs a company name (:func:`company_with_vat`), and the VAT number must be of the country
of the invoice's address: the billing address when there is one, else the delivery address
(:func:`check_country`).  A number typed without its country code gets that country's
(:func:`prepare`).  The validated details carry ``company`` and ``vat_number`` (None when
not given), not the part itself (:func:`flatten`; :func:`nest` is the way back, for the
review's forms).
"""

import colander
import deform

from shopcms.orders import business
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text, strip
from shopcms.web.i18n import _

#: The longest note of a confirmation (for the order's history).
MAX_NOTE = 200
#: A VAT number is no word to complete or correct, and is written in capitals.
VAT_NUMBER_INPUT = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


def _lang(node):
    """The language of the request ``node`` was bound with (messages name countries)."""
    request = (getattr(node, "bindings", None) or {}).get("request")
    return getattr(request, "locale_name", None) or "en"


class VatNumber(Text):
    """A VAT number: the text checked (``shopcms.orders.business.check``, the message in the
    form's language) and given back compact with its country prefix; blank is null."""

    def __init__(self, **kw):
        super().__init__(max_length=business.VAT_NUMBER_MAX, **kw)

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is colander.null or not value.strip():
            return colander.null
        try:
            return business.check(value, _lang(node))
        except business.VatNumberProblem as problem:
            raise colander.Invalid(node, problem.message) from None


def company_node(**kw):
    """An optional company name ("" when not given)."""
    return colander.SchemaNode(
        Text(),
        title=_("Company name"),
        preparer=strip,
        validator=colander.Length(max=business.COMPANY_MAX),
        missing="",
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "organization"}),
        **kw,
    )


def vat_number_node(description=None, **kw):
    """An optional VAT number ("" when not given), checked and compact with its country
    prefix (:class:`VatNumber`: ``be 0428.759.497`` is ``BE0428759497``)."""
    return colander.SchemaNode(
        VatNumber(),
        title=_("VAT number"),
        description=description
        or _("Optional, with the code of its country in front, for example BE0428759497."),
        missing="",
        widget=deform.widget.TextInputWidget(attributes=VAT_NUMBER_INPUT),
        **kw,
    )


def company_with_vat(node, value):
    """Colander validator of a mapping with ``company`` and ``vat_number``: a VAT number
    goes with the name of its company."""
    if value.get("vat_number") and not value.get("company"):
        error = colander.Invalid(node)
        error["company"] = _("Give the company's name: a VAT number goes with it.")
        raise error


def add_business_fields(node):
    """Add the optional ``company`` and ``vat_number`` fields (the checkout's, with its
    checks) at the end of the bound mapping ``node`` (in its ``after_bind``)."""
    bindings = getattr(node, "bindings", None) or {}
    node.add(company_node(name="company").bind(**bindings))
    node.add(vat_number_node(name="vat_number").bind(**bindings))
    node.validator = colander.All(*filter(None, (node.validator, company_with_vat)))


class BusinessBuyer(colander.MappingSchema):
    """The checkout's business part (see the module)."""

    for_business = colander.SchemaNode(
        colander.Boolean(),
        title=_("I am buying for a business"),
        description=_(
            "Optional. With this box your company's name and VAT number go on the order "
            "and its invoice; the fields below are read only with it."
        ),
        missing=False,
    )
    company = company_node()
    vat_number = vat_number_node(
        description=_(
            "Optional, with the code of its country in front, for example BE0428759497. It "
            "must be a VAT number of the country of the billing address (or of the delivery "
            "address, without a billing address)."
        )
    )
    validator = staticmethod(company_with_vat)

    def after_bind(self, node, kw):
        node.widget = deform.widget.MappingWidget(css_class="business-buyer")


def prepare(cstruct):
    """The checkout's posted ``cstruct`` (a dict, billing already resolved) with its
    ``business`` part null unless its box is ticked, and a VAT number typed without its
    country code given that of the invoice's address."""
    buyer = cstruct.get("business")
    if not isinstance(buyer, dict) or buyer.get("for_business") != "true":
        return {**cstruct, "business": colander.null}
    if isinstance(buyer.get("vat_number"), str):
        number = business.with_prefix(buyer["vat_number"], business.invoice_country(cstruct))
        return {**cstruct, "business": {**buyer, "vat_number": number}}
    return cstruct


def flatten(appstruct):
    """The checkout's validated ``appstruct`` with ``company`` and ``vat_number`` (None when
    not given) in place of its ``business`` part."""
    buyer = appstruct.pop("business", None) or {}
    appstruct["company"] = buyer.get("company") or None
    appstruct["vat_number"] = buyer.get("vat_number") or None
    return appstruct


def nest(appstruct):
    """Checkout details (:func:`flatten`'s) as the form's values: ``company`` and
    ``vat_number`` back in the business part, its box ticked with them."""
    if not isinstance(appstruct, dict) or "business" in appstruct:
        return appstruct
    company, number = appstruct.get("company"), appstruct.get("vat_number")
    part = {"for_business": bool(company or number), "company": company or ""}
    return {**appstruct, "business": {**part, "vat_number": number or ""}}


def check_country(node, value):
    """Colander check of the whole checkout ``value``: its VAT number (if any) is of the
    country of the invoice's address; the message goes next to the VAT number."""
    number = (value.get("business") or {}).get("vat_number")
    if not number:
        return
    problem = business.country_problem(number, business.invoice_country(value), _lang(node))
    if problem is not None:
        part = node["business"]
        error = colander.Invalid(part)
        error["vat_number"] = problem
        whole = colander.Invalid(node)
        whole.add(error, node.children.index(part))
        raise whole


class ConfirmVatSchema(CSRFSchema):
    """The order desk's "Confirm VAT number" (``shopcms.orders.business.confirm``), with an
    optional note for the history (the VIES consultation number, say)."""

    comment = colander.SchemaNode(
        Text(),
        title=_("Note (optional)"),
        description=_("For example the consultation number VIES gave you."),
        preparer=strip,
        missing="",
        validator=colander.Length(max=MAX_NOTE),
        widget=deform.widget.TextInputWidget(attributes={"maxlength": str(MAX_NOTE)}),
    )
