"""The newsletter's public forms: subscribe (the newsletter page and the footer of every
page), confirm, the subscriber's language, unsubscribe.

Only these fields are read.  The tokens of the mailed links are never form fields: they are
in the page's address (``?token=``), which the forms post back to, so a form without its
link does nothing.  The subscription's language is the page's: nobody picks it when
subscribing (the preferences page changes it).
"""

import colander
import deform

from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text
from shopcms.web.forms.types import email_node as address_node
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages


def email_node():
    """The address to subscribe: required, an email address, filled in by the browser."""
    return address_node(_("Your email address"))


class SubscribeSchema(CSRFSchema):
    """``email``: the address that gets the confirmation mail."""

    email = email_node()


class ButtonSchema(CSRFSchema):
    """A form of one button (confirm, unsubscribe): the token is in the address."""


@colander.deferred
def _language_widget(node, kw):
    codes = languages(kw["request"].registry)
    return deform.widget.SelectWidget(values=[(c, LANGUAGE_NAMES.get(c, c)) for c in codes])


@colander.deferred
def _language_validator(node, kw):
    return colander.OneOf(languages(kw["request"].registry))


class LanguageSchema(CSRFSchema):
    """The language the newsletters come in."""

    language = colander.SchemaNode(
        Text(),
        title=_("Language of the newsletter"),
        validator=_language_validator,
        widget=_language_widget,
    )
