"""The forms of orders: the checkout (contact, addresses, shipping and payment choices, the
terms) and the order desk (the list's filter, a workflow transition).

Only these fields are read from the POST (anything else a client adds, a price, a total,
a status, is never looked at).  Postcodes are checked per country: Belgian ones are four
digits from 1000 to 9999, Dutch ones four digits and two letters, others 2 to 10 letters,
digits, spaces or hyphens.

A logged-in customer who keeps their details (``shopcms.privacy.account_data``) may also
send ``saved_address`` (the id of one of their saved addresses, which then replaces the
typed delivery address) and pay with ``saved:ID`` (one of their saved payment methods);
``keep_details`` is the "save my details for next time" box.
"""

import re

import colander

from shopcms.orders.checkout import EU_COUNTRIES, SAVED_PAYMENT, SHIPPING_METHODS, saved_details
from shopcms.orders.payments import methods
from shopcms.orders.resources import ORDER_WORKFLOW
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Day
from shopcms.web.i18n import _

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
PHONE = re.compile(r"^\+?[0-9 ./()-]{8,20}$")
POSTCODES = {
    "BE": re.compile(r"^[1-9][0-9]{3}$"),
    "NL": re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$"),
    "LU": re.compile(r"^(L-)?[0-9]{4}$"),
    "FR": re.compile(r"^[0-9]{5}$"),
    "DE": re.compile(r"^[0-9]{5}$"),
}
OTHER_POSTCODE = re.compile(r"^[A-Za-z0-9 -]{2,10}$")


def _text(title, max_length=120, **kw):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
        validator=colander.Length(min=1, max=max_length),
        **kw,
    )


class Address(colander.MappingSchema):
    street = _text(_("Street and number"))
    postcode = _text(_("Postcode"), max_length=12)
    city = _text(_("City"), max_length=80)
    country = colander.SchemaNode(
        colander.String(), title=_("Country"), validator=colander.OneOf(EU_COUNTRIES)
    )

    def validator(self, node, value):
        pattern = POSTCODES.get(value["country"], OTHER_POSTCODE)
        if not pattern.match(value["postcode"]):
            error = colander.Invalid(node)
            message = (
                _("A Belgian postcode has four digits, from 1000 to 9999.")
                if value["country"] == "BE"
                else _("This postcode is not valid for the chosen country.")
            )
            error["postcode"] = message
            raise error


def _phone(node, value):
    if not PHONE.match(value):
        raise colander.Invalid(node, _("Give a phone number, for example +32 470 12 34 56."))


def _token(node, value):
    if not TOKEN.match(value):
        raise colander.Invalid(node, _("This checkout has expired. Start again from your cart."))


@colander.deferred
def _methods(node, kw):
    """One of the payment methods enabled in the settings, or one of the requester's saved
    payment methods (``saved:ID``)."""
    request = kw["request"]
    _addresses, saved = saved_details(request)
    return colander.OneOf([*methods(request.registry), *(SAVED_PAYMENT + m.id for m in saved)])


@colander.deferred
def _saved_addresses(node, kw):
    """One of the requester's saved addresses (by id)."""
    addresses, _saved = saved_details(kw["request"])
    return colander.OneOf([address["id"] for address in addresses])


class CheckoutSchema(CSRFSchema):
    """What the checkout posts.  ``billing`` is read only when ``separate_billing`` is on."""

    token = colander.SchemaNode(colander.String(), validator=_token)
    name = _text(_("Name"))
    email = colander.SchemaNode(
        colander.String(),
        title=_("Email"),
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
        validator=colander.All(colander.Email(), colander.Length(max=254)),
    )
    phone = colander.SchemaNode(colander.String(), title=_("Phone"), validator=_phone)
    delivery = Address(title=_("Delivery address"))
    separate_billing = colander.SchemaNode(colander.Boolean(), missing=False)
    billing = Address(title=_("Billing address"), missing=None)
    shipping = colander.SchemaNode(
        colander.String(), title=_("Delivery"), validator=colander.OneOf(list(SHIPPING_METHODS))
    )
    payment = colander.SchemaNode(colander.String(), title=_("Payment"), validator=_methods)
    saved_address = colander.SchemaNode(
        colander.String(),
        title=_("Deliver to a saved address"),
        validator=_saved_addresses,
        missing="",
    )
    keep_details = colander.SchemaNode(
        colander.Boolean(), title=_("Save my details for next time"), missing=False
    )
    accept_terms = colander.SchemaNode(colander.Boolean(), missing=False)


def cstruct_from_post(post):
    """The nested cstruct colander expects, from flat form fields (``delivery.street``...)."""
    cstruct = {}
    for key in (
        "csrf_token",
        "token",
        "name",
        "email",
        "phone",
        "shipping",
        "payment",
        "saved_address",
    ):
        cstruct[key] = post.get(key, colander.null)
    for part in ("delivery", "billing"):
        cstruct[part] = {
            field: post.get(f"{part}.{field}", colander.null)
            for field in ("street", "postcode", "city", "country")
        }
    cstruct["separate_billing"] = "true" if post.get("separate_billing") else "false"
    cstruct["accept_terms"] = "true" if post.get("accept_terms") else "false"
    cstruct["keep_details"] = "true" if post.get("keep_details") else "false"
    if cstruct["separate_billing"] == "false":
        cstruct["billing"] = colander.null
    return cstruct


def field_labels():
    """``{flat field name: translatable title}`` for the checkout template."""
    schema = CheckoutSchema()
    labels = {
        node.name: node.title for node in schema if not isinstance(node.typ, colander.Mapping)
    }
    for part in ("delivery", "billing"):
        labels.update({f"{part}.{node.name}": node.title for node in schema[part]})
    return labels


STATE_NAMES = tuple(state.name for state in ORDER_WORKFLOW.states)
TRANSITION_NAMES = tuple(dict.fromkeys(t.name for t in ORDER_WORKFLOW.transitions))
MAX_PAGE = 10_000
MAX_COMMENT = 1000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _date(name):
    return colander.SchemaNode(
        Day(),
        name=name,
        preparer=_strip,
        missing=None,
    )


class OrderFilterSchema(colander.Schema):
    """``state`` (empty: all), ``from`` and ``to`` (dates, both included, in the site's time
    zone) and ``page``.  Empty values mean "no filter"."""

    state = colander.SchemaNode(
        colander.String(),
        missing="",
        validator=colander.OneOf(("", *STATE_NAMES)),
    )
    start = _date("from")  # "from" is a Python keyword
    end = _date("to")
    page = colander.SchemaNode(
        colander.Int(), missing=1, validator=colander.Range(min=1, max=MAX_PAGE)
    )

    def validator(self, node, value):
        if value["from"] and value["to"] and value["from"] > value["to"]:
            raise colander.Invalid(node, _("The start date is after the end date."))


class TransitionSchema(CSRFSchema):
    """One workflow transition of an order, with an optional comment for its history."""

    transition = colander.SchemaNode(colander.String(), validator=colander.OneOf(TRANSITION_NAMES))
    comment = colander.SchemaNode(
        colander.String(),
        preparer=_strip,
        missing="",
        validator=colander.Length(max=MAX_COMMENT),
    )
