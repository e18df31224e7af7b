"""The forms of orders: the checkout (contact, addresses, shipping and payment choices), its
review (the terms), "Pay now", and the order desk (the list's filter, a workflow
transition, the carrier's file).

Only these fields are read from a POST (anything else a client adds, a price, a total, a
status, is never looked at).  Postcodes are checked per country: Belgian ones are four
digits from 1000 to 9999, Dutch ones four digits and two letters, others 2 to 10 letters,
digits, spaces or hyphens.  Fields of personal data say what they hold to the browser
(``autocomplete``), delivery and billing addresses each their own section.

The checkout is bound with ``options`` (``shopcms.orders.checkout.CheckoutOptions``): what
the requester may choose.  A logged-in customer who keeps their details
(``shopcms.privacy.account_data``) may also send ``saved_address`` (the id of one of their
saved addresses: it then stands for the typed delivery address) and pay with ``saved:ID``
(one of their saved payment methods); ``keep_details`` is the "save my details for next
time" box, offered only to a logged-in customer; ``gift_card`` a gift card's code (one per
order: ``orders.gift_cards``).  ``newsletter`` is the newsletter box,
never ticked in advance (not even for a customer who has ticked it before) and never a
condition of ordering.  The billing address is read only with its ``separate_billing``
box; a business buyer's part (``business_schemas``) only with its ``for_business`` box,
and it comes out as ``company`` and ``vat_number`` (None when not given).
"""

import re

import colander
import deform

from shopcms.orders import business_schemas as buyers
from shopcms.orders.checkout import EU_COUNTRIES
from shopcms.orders.widgets import BoxWidget, ChoicesWidget, TermsWidget, hide
from shopcms.orders.workflow import ORDER_WORKFLOW
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text, day_node, strip
from shopcms.web.i18n import _
from shopcms.web.layout import territories

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
ADDRESS_FIELDS = ("street", "postcode", "city", "country")
#: The steps of the checkout (a hidden field of each of its forms).
STEPS = ("review", "place", "edit")


def _text(title, max_length=120, **kw):
    return colander.SchemaNode(
        Text(),
        title=title,
        preparer=strip,
        validator=colander.Length(min=1, max=max_length),
        **kw,
    )


def _input(autocomplete, kind=None):
    attributes = {"autocomplete": autocomplete}
    if kind is not None:
        attributes["type"] = kind
    return deform.widget.TextInputWidget(attributes=attributes)


def _hidden(**kw):
    return colander.SchemaNode(Text(), widget=deform.widget.HiddenWidget(), **kw)


def _phone(node, value):
    if not PHONE.match(value):
        raise colander.Invalid(node, _("Give a phone number, for example +32 470 12 34 56."))


# -- the checkout ------------------------------------------------------------------------


class Contact(colander.MappingSchema):
    name = _text(_("Name"), widget=_input("name"))
    email = colander.SchemaNode(
        Text(),
        title=_("Email"),
        preparer=strip,
        validator=colander.All(colander.Email(), colander.Length(max=254)),
        widget=_input("email", "email"),
    )
    phone = colander.SchemaNode(
        Text(), title=_("Phone"), validator=_phone, widget=_input("tel", "tel")
    )


class Address(colander.MappingSchema):
    """An address to deliver or invoice to; ``section`` (``shipping`` or ``billing``)
    prefixes the fields' autocomplete tokens."""

    street = _text(_("Street and number"))
    postcode = _text(_("Postcode"), max_length=12)
    city = _text(_("City"), max_length=80)
    country = colander.SchemaNode(
        Text(), title=_("Country"), validator=colander.OneOf(EU_COUNTRIES)
    )
    section = "shipping"

    def after_bind(self, node, kw):
        names = territories(kw["request"].locale_name)
        tokens = {"street": "address-line1", "postcode": "postal-code", "city": "address-level2"}
        for name, token in tokens.items():
            node[name].widget = _input(f"{self.section} {token}")
        node["country"].widget = deform.widget.SelectWidget(
            values=[(code, names.get(code, code)) for code in EU_COUNTRIES],
            attributes={"autocomplete": f"{self.section} country"},
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


class BillingAddress(Address):
    """The address on the invoice: read only with its box ``separate_billing`` ticked.

    Its fields are marked as required (they are, with the box ticked: the box's help says
    so) but carry no ``required`` attribute: without the box they are not.  The orders'
    ``static/checkout.js`` hides them until the box is ticked, and then makes them
    required; without JavaScript they stay visible.
    """

    separate_billing = colander.SchemaNode(
        colander.Boolean(),
        title=_("Send the invoice to another address"),
        description=_(
            "Without this box the invoice goes to the delivery address; the fields below "
            "are needed only with it."
        ),
        missing=False,
        insert_before="street",
    )
    section = "billing"

    def after_bind(self, node, kw):
        super().after_bind(node, kw)
        node.widget = deform.widget.MappingWidget(css_class="billing-address")
        for name in ADDRESS_FIELDS:
            node[name].widget.attributes = {**node[name].widget.attributes, "required": None}


@colander.deferred
def _shipping_widget(node, kw):
    return ChoicesWidget(choices=kw["options"].shipping)


@colander.deferred
def _shipping_values(node, kw):
    return colander.OneOf([choice.value for choice in kw["options"].shipping])


@colander.deferred
def _payment_widget(node, kw):
    return ChoicesWidget(choices=kw["options"].payment)


@colander.deferred
def _payment_values(node, kw):
    """One of the enabled payment methods, or one of the requester's saved payment methods
    (``saved:ID``)."""
    return colander.OneOf([choice.value for choice in kw["options"].payment])


@colander.deferred
def _address_widget(node, kw):
    values = [("", _("The address below"))]
    for address in kw["options"].addresses:
        country = territories(kw["request"].locale_name).get(address["country"])
        shown = [address["name"], address["street"], f"{address['postcode']} {address['city']}"]
        values.append((address["id"], ", ".join([*shown, country or address["country"]])))
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def _address_ids(node, kw):
    """One of the requester's saved addresses (by id), or none."""
    return colander.OneOf(["", *(address["id"] for address in kw["options"].addresses)])


class CheckoutSchema(CSRFSchema):
    """What the checkout posts (see the module); bind ``request`` and ``options``."""

    token = _hidden(missing="")
    step = _hidden(default="review", missing="review", validator=colander.OneOf(STEPS))
    contact = Contact(title=_("Your details"))
    saved_address = colander.SchemaNode(
        Text(),
        title=_("Deliver to a saved address"),
        description=_("A saved address you choose here replaces the address typed below."),
        validator=_address_ids,
        widget=_address_widget,
        missing="",
    )
    delivery = Address(title=_("Delivery address"), section="shipping")
    billing = BillingAddress(title=_("Billing address"), missing=None)
    business = buyers.BusinessBuyer(title=_("Buying for a business"), missing=None)
    shipping = colander.SchemaNode(
        Text(), title=_("Delivery"), validator=_shipping_values, widget=_shipping_widget
    )
    payment = colander.SchemaNode(
        Text(), title=_("Payment"), validator=_payment_values, widget=_payment_widget
    )
    gift_card = colander.SchemaNode(
        Text(),
        title=_("Gift card code"),
        description=_("Optional, one per order: what it does not pay, the method above pays."),
        preparer=strip,
        validator=colander.Length(max=40),
        widget=_input("off"),
        missing="",
    )
    keep_details = colander.SchemaNode(
        colander.Boolean(),
        title=_("Save my details for next time"),
        widget=BoxWidget(legend=_("For next time"), css_class="keep-details"),
        description=_(
            "Optional, and not needed to order. We then keep your address, phone, company "
            "name and VAT number and, when you pay by card or Bancontact, the payment method "
            "(the token of our payment provider Mollie, never your card number) on your "
            "account, until you withdraw this consent on your account page."
        ),
        missing=False,
    )
    newsletter = colander.SchemaNode(
        colander.Boolean(),
        title=_("Send me the Soft Cactus newsletter (you will get a mail to confirm)"),
        widget=BoxWidget(legend=_("Newsletter"), css_class="newsletter-box"),
        description=_(
            "Optional, and not needed to order. You can unsubscribe at any time with the "
            "link in every newsletter."
        ),
        missing=False,
    )

    def after_bind(self, node, kw):
        options = kw["options"]
        if not options.addresses and "saved_address" in node:
            del node["saved_address"]
        if not options.can_keep and "keep_details" in node:
            del node["keep_details"]

    def deserialize(self, cstruct=colander.null):
        """The billing address only with its ``separate_billing``; a chosen saved address
        stands for the typed delivery address (and its name for the contact's), and is
        then spent (``saved_address`` is "" in the result: the fields hold it).  The
        business part as ``business_schemas.prepare`` and ``flatten`` say."""
        if isinstance(cstruct, dict):
            cstruct = dict(cstruct)
            billing = cstruct.get("billing")
            if not isinstance(billing, dict) or billing.get("separate_billing") != "true":
                cstruct["billing"] = colander.null
            chosen = self._saved_address(cstruct.get("saved_address"))
            if chosen is not None:
                cstruct["delivery"] = {key: chosen[key] for key in ADDRESS_FIELDS}
                if isinstance(cstruct.get("contact"), dict) and chosen["name"]:
                    cstruct["contact"] = {**cstruct["contact"], "name": chosen["name"]}
            cstruct = buyers.prepare(cstruct)
        appstruct = super().deserialize(cstruct)
        if appstruct is not colander.null and appstruct.get("saved_address"):
            appstruct["saved_address"] = ""
        return buyers.flatten(appstruct) if appstruct is not colander.null else appstruct

    def serialize(self, appstruct=colander.null):
        """The form's values of checkout details: ``company`` and ``vat_number`` back in
        the business part (``business_schemas.nest``)."""
        return super().serialize(buyers.nest(appstruct))

    def _saved_address(self, address_id):
        """The requester's saved address ``address_id`` (None for any other value)."""
        bindings = getattr(self, "bindings", None) or {}
        addresses = bindings["options"].addresses if "options" in bindings else ()
        return next((a for a in addresses if address_id and a["id"] == address_id), None)

    def validator(self, node, value):
        # The token is a hidden field: its message is the whole form's.
        if not TOKEN.match(value["token"]):
            raise colander.Invalid(
                node, _("This checkout has expired. Start again from your cart.")
            )
        buyers.check_country(node, value)


def _accepted(node, value):
    if value is not True:
        raise colander.Invalid(
            node, _("Please accept the terms and conditions to place your order.")
        )


@colander.deferred
def _terms_widget(node, kw):
    return TermsWidget(terms_url=kw["request"].link(None, "terms"))


class ReviewSchema(CheckoutSchema):
    """The checkout's values carried by the review page's forms, as hidden fields."""

    def after_bind(self, node, kw):
        super().after_bind(node, kw)
        for child in node.children:
            if child.name not in ("csrf_token", "accept_terms"):
                hide(child)


class PlaceSchema(ReviewSchema):
    """Placing the order: the reviewed values, the terms accepted and what the review showed
    the gift card paying (only compared, never charged: ``orders.gift_cards``)."""

    gift_card_pays = _hidden(missing="", validator=colander.Length(max=20))

    accept_terms = colander.SchemaNode(
        colander.Boolean(),
        title=_("Terms and conditions"),
        validator=_accepted,
        widget=_terms_widget,
    )


# -- the order desk ----------------------------------------------------------------------

STATE_NAMES = tuple(state.name for state in ORDER_WORKFLOW.states)
TRANSITION_NAMES = tuple(dict.fromkeys(t.name for t in ORDER_WORKFLOW.transitions))
MAX_PAGE = 10_000
MAX_COMMENT = 1000


@colander.deferred
def _state_widget(node, kw):
    states = [(state.name, state.title) for state in ORDER_WORKFLOW.states]
    return deform.widget.SelectWidget(values=[("", _("All")), *states])


class OrderFilterSchema(colander.Schema):
    """The list's filter (a GET form): ``state`` (empty: all), ``from`` and ``to`` (dates,
    both included, in the site's time zone).  Empty values mean "no filter"."""

    state = colander.SchemaNode(
        Text(),
        title=_("Status"),
        missing="",
        validator=colander.OneOf(("", *STATE_NAMES)),
        widget=_state_widget,
    )
    start = day_node("from", _("From"))  # "from" is a Python keyword
    end = day_node("to", _("To"))

    def validator(self, node, value):
        if value["from"] and value["to"] and value["from"] > value["to"]:
            raise colander.Invalid(node, _("The start date is after the end date."))


#: The list's page number (``?page=``, beside the filter: the filter's form starts anew).
PAGE = colander.SchemaNode(colander.Int(), missing=1, validator=colander.Range(min=1, max=MAX_PAGE))


class CarrierSchema(CSRFSchema):
    """The carrier's file of the orders ready to ship, within the list's dates."""

    start = day_node("from", _("From"))
    end = day_node("to", _("To"))

    def after_bind(self, node, kw):
        for child in node.children:
            child.widget = deform.widget.HiddenWidget()


class TransitionSchema(CSRFSchema):
    """One workflow transition of an order, with an optional comment for its history."""

    transition = _hidden(validator=colander.OneOf(TRANSITION_NAMES))
    comment = colander.SchemaNode(
        Text(multiline=True),
        title=_("Comment (optional)"),
        preparer=strip,
        missing="",
        validator=colander.Length(max=MAX_COMMENT),
        widget=deform.widget.TextAreaWidget(rows=2, attributes={"maxlength": str(MAX_COMMENT)}),
    )


class PaySchema(CSRFSchema):
    """The confirmation page's "Pay now": nothing but the CSRF token."""
