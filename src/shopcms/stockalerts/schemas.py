"""The alerts' public forms: ask on a product page, confirm from the mailed link.

Only these fields are read: the product is the page's (the form posts to it), the language
is the page's, the confirmation token is in the page's address, never a form field.
"""

import colander
import deform

from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text, strip
from shopcms.web.i18n import _

#: The longest mail address (RFC 5321's path limit).
EMAIL_MAX = 254


class AlertSchema(CSRFSchema):
    """``email``: the address to mail once the product is back."""

    email = colander.SchemaNode(
        Text(),
        title=_("Your email address"),
        preparer=strip,
        validator=colander.All(
            colander.Email(msg=_("Enter a valid email address.")),
            colander.Length(max=EMAIL_MAX),
        ),
        widget=deform.widget.TextInputWidget(
            attributes={"autocomplete": "email", "type": "email", "inputmode": "email"}
        ),
    )


class ButtonSchema(CSRFSchema):
    """A form of one button (confirm): the token is in the address."""
