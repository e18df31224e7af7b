"""The alerts' public forms: ask on a product page, confirm from the mailed link.

Only these fields are read: the product is the page's (the form posts to it), the language
is the page's, the confirmation token is in the page's address, never a form field.
"""

from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import email_node
from shopcms.web.i18n import _


class AlertSchema(CSRFSchema):
    """``email``: the address to mail once the product is back."""

    email = email_node(_("Your email address"))


class ButtonSchema(CSRFSchema):
    """A form of one button (confirm): the token is in the address."""
