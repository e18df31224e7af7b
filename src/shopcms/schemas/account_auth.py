"""Forms of registration, email verification, password reset and account security.

Every new password goes through :func:`new_password_node`, so registration, reset and
change apply the same rules (``shopcms.passwords.password_problem``).
"""

import colander
import deform

from ..forms import CSRFSchema
from ..i18n import _
from ..passwords import MAX_LENGTH, MIN_LENGTH, password_problem

EMAIL_TITLE = _("Email address")
PASSWORD_TITLE = _("Password")
NEW_PASSWORD_TITLE = _("New password")
CURRENT_PASSWORD_TITLE = _("Your current password")

#: A signed token (``shopcms.tokens``) is about 150 characters; this only stops junk.
TOKEN_MAX = 1000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _digits_only(value):
    # Authenticator apps show "123 456": accept the code as shown.
    return "".join(value.split()) if isinstance(value, str) else value


def _check_new_password(node, value):
    problem = password_problem(value)
    if problem is not None:
        raise colander.Invalid(node, problem)


def email_node(title=EMAIL_TITLE, autocomplete="email"):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        preparer=_strip,
        validator=colander.All(
            colander.Email(msg=_("Enter a valid email address.")), colander.Length(max=254)
        ),
        widget=deform.widget.TextInputWidget(
            attributes={"type": "email", "autocomplete": autocomplete}
        ),
    )


def new_password_node(title=PASSWORD_TITLE):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        description=_(
            "At least ${min} characters; a few words that belong together only for you are "
            "easy to remember and hard to guess. Very common passwords are refused.",
            mapping={"min": MIN_LENGTH},
        ),
        validator=_check_new_password,
        widget=deform.widget.PasswordWidget(
            attributes={"autocomplete": "new-password", "minlength": str(MIN_LENGTH)}
        ),
    )


def current_password_node(title=CURRENT_PASSWORD_TITLE):
    return colander.SchemaNode(
        colander.String(),
        title=title,
        validator=colander.Length(max=MAX_LENGTH),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "current-password"}),
    )


def code_node():
    return colander.SchemaNode(
        colander.String(),
        title=_("Code from your authenticator app"),
        preparer=_digits_only,
        validator=colander.Regex(r"^\d{6}$", msg=_("Enter the 6 digits the app shows.")),
        widget=deform.widget.TextInputWidget(
            attributes={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": "7",
            }
        ),
    )


def token_node():
    return colander.SchemaNode(
        colander.String(),
        widget=deform.widget.HiddenWidget(),
        validator=colander.Length(min=1, max=TOKEN_MAX),
    )


class RegisterSchema(CSRFSchema):
    email = email_node()
    password = new_password_node()


class EmailSchema(CSRFSchema):
    """Ask a link by mail (password reset, a new verification link)."""

    email = email_node()


class TokenSchema(CSRFSchema):
    """The button of a page opened from a mailed link: it POSTs the link's token."""

    token = token_node()


class VerifySchema(TokenSchema):
    """Confirming a new account's address also asks its password: whoever registered
    someone else's address cannot have the owner confirm an account they hold the
    password of (pre-account takeover)."""

    password = current_password_node(_("Your password"))


class NewPasswordSchema(CSRFSchema):
    token = token_node()
    password = new_password_node(NEW_PASSWORD_TITLE)


class ChangePasswordSchema(CSRFSchema):
    current = current_password_node()
    password = new_password_node(NEW_PASSWORD_TITLE)


class ChangeEmailSchema(CSRFSchema):
    email = email_node(_("New email address"))
    current = current_password_node()


class CodeSchema(CSRFSchema):
    """The second step of a login, and turning the second factor on."""

    code = code_node()


class TotpOffSchema(CSRFSchema):
    current = current_password_node()
    code = code_node()
