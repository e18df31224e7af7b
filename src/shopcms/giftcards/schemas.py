"""The gift cards' forms: the public balance page's and the desk's search.

Each reads one field, the code as the customer typed it (any case, spaces or dashes: the
card is found by ``codes.normalise``); a text that cannot be a code (length, characters)
is refused by the field (:data:`MALFORMED`); nothing else of the request is read.  The code is
never put back into a rendered form: a page after a POST shows only its last four
characters.
"""

import colander
import deform

from shopcms.giftcards import codes
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text
from shopcms.web.i18n import _

#: Room for a code typed with spaces or dashes, not for a text.
CODE_MAX = 40
#: What a text that cannot be a code is told (by the field, before any lookup).
MALFORMED = _(
    "This is not a gift card code: a code has 16 letters and digits, such as "
    "K7QM-2D9X-F3TB-8WHN. Check it and try again."
)


def _code_check(node, value):
    if not is_code(value):
        raise colander.Invalid(node, MALFORMED)


def _code_node(description):
    return colander.SchemaNode(
        Text(max_length=CODE_MAX),
        name="code",
        title=_("Gift card code"),
        description=description,
        validator=_code_check,
        preparer=lambda value: value.strip() if isinstance(value, str) else value,
        widget=deform.widget.TextInputWidget(
            # The code is a secret: no browser should offer it to the next visitor.
            attributes={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )


def is_code(text):
    """Whether ``text`` can be a code at all (length and characters): a typo is told
    apart from an unknown code before any lookup."""
    return codes.normalise(text) is not None


class BalanceSchema(CSRFSchema):
    """The public balance page's form (``views.balance``)."""

    code = _code_node(_("The 16 characters on your gift card, for example K7QM-2D9X-F3TB-8WHN."))


class SearchSchema(CSRFSchema):
    """The desk's search by full code (``views.desk``): a POST, so that the code is never
    in an address (nor in the server's access log)."""

    code = _code_node("")
