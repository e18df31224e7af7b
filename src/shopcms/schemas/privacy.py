"""Forms of the customer's rights: deleting one's account, and the staff's privacy desk."""

import colander
import deform

from ..forms import CSRFSchema
from ..i18n import _
from .account_auth import current_password_node, email_node

MAX_NOTE = 200


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DeleteAccountSchema(CSRFSchema):
    """The customer deletes their own account: the password again, as proof."""

    password = current_password_node(_("Your password"))


class FindCustomerSchema(CSRFSchema):
    """Staff look an account up by its email address (posted: no address in URLs or logs)."""

    email = email_node(_("Email address of the customer"), autocomplete="off")


class EraseRequestSchema(CSRFSchema):
    """Staff erase an account for a request that came by mail or letter: the note says which
    request (kept in the orders' history), never the customer's data."""

    note = colander.SchemaNode(
        colander.String(),
        title=_("The request"),
        description=_(
            'Which request this is, e.g. "request by mail of 2026-11-20". Not the customer\'s '
            "name or address: this note stays with the orders."
        ),
        preparer=_strip,
        validator=colander.Length(min=3, max=MAX_NOTE),
        widget=deform.widget.TextInputWidget(attributes={"maxlength": str(MAX_NOTE)}),
    )


class GuestEraseSchema(EraseRequestSchema):
    """Staff erase the personal data of the orders a guest placed with this address."""

    email = email_node(_("Email address of the customer"), autocomplete="off")
