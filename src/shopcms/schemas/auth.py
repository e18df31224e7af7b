"""Login form."""

import colander
import deform

from ..forms import CSRFSchema
from ..i18n import _
from ..passwords import MAX_LENGTH


class LoginSchema(CSRFSchema):
    email = colander.SchemaNode(
        colander.String(),
        title=_("Email address"),
        validator=colander.All(
            colander.Email(msg=_("Enter a valid email address.")), colander.Length(max=254)
        ),
        widget=deform.widget.TextInputWidget(
            attributes={"type": "email", "autocomplete": "username"}
        ),
    )
    password = colander.SchemaNode(
        colander.String(),
        title=_("Password"),
        validator=colander.Length(max=MAX_LENGTH),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "current-password"}),
    )
    came_from = colander.SchemaNode(
        colander.String(),
        widget=deform.widget.HiddenWidget(),
        missing="",
        validator=colander.Length(max=2000),
    )
