"""What the customer's account pages post (``views.public.account``).

Only these fields are read.  Ids of addresses and payment methods are never posted: they are
in the address (``/account/addresses/ID/remove``) and looked up among the requester's own.
"""

import colander

from ..forms import CSRFSchema
from ..i18n import _, languages
from ..shop.checkout import EU_COUNTRIES
from .checkout import OTHER_POSTCODE, POSTCODES, _phone, _text

#: The account pages that offer to give the "keep my account data" consent; the ledger
#: records ``account-PAGE`` as the form it was given through.
KEEP_PAGES = ("addresses", "payment-methods", "preferences")


class AddressSchema(CSRFSchema):
    """A delivery address to keep (postcodes checked per country as at the checkout)."""

    name = _text(_("Name"))
    street = _text(_("Street and number"))
    postcode = _text(_("Postcode"), max_length=12)
    city = _text(_("City"), max_length=80)
    country = colander.SchemaNode(
        colander.String(), title=_("Country"), validator=colander.OneOf(EU_COUNTRIES)
    )
    make_default = colander.SchemaNode(
        colander.Boolean(), title=_("Make this my default address"), missing=False
    )

    def validator(self, node, value):
        if not POSTCODES.get(value["country"], OTHER_POSTCODE).match(value["postcode"]):
            error = colander.Invalid(node)
            error["postcode"] = (
                _("A Belgian postcode has four digits, from 1000 to 9999.")
                if value["country"] == "BE"
                else _("This postcode is not valid for the chosen country.")
            )
            raise error


@colander.deferred
def _languages(node, kw):
    return colander.OneOf(languages(kw["request"].registry))


class PreferencesSchema(CSRFSchema):
    """The preferred language (for mails) and, while account data is kept, the phone."""

    language = colander.SchemaNode(
        colander.String(), title=_("Language of our mails"), validator=_languages
    )
    phone = colander.SchemaNode(
        colander.String(),
        title=_("Phone"),
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
        validator=_phone,
        missing="",
    )


class KeepDetailsSchema(CSRFSchema):
    """Give the "keep my account data" consent from one of the account pages."""

    page = colander.SchemaNode(colander.String(), validator=colander.OneOf(KEEP_PAGES))


def address_cstruct(post):
    """The cstruct of :class:`AddressSchema` from the POST (only its fields)."""
    cstruct = {
        key: post.get(key, colander.null)
        for key in ("csrf_token", "name", "street", "postcode", "city", "country")
    }
    cstruct["make_default"] = "true" if post.get("make_default") else "false"
    return cstruct


def field_labels():
    """``{field name: translatable title}`` for the hand-written forms of the templates."""
    labels = {node.name: node.title for node in AddressSchema()}
    labels.update({node.name: node.title for node in PreferencesSchema()})
    return labels
