"""The forms of accounts: login, registration, email verification, password reset, account
security, the account pages (addresses, preferences), consents, deleting one's account, the
staff's privacy desk and role management.

Only these fields are read.  Ids of addresses and payment methods are never posted: they are
in the address (``/account/addresses/ID/remove``) and looked up among the requester's own.
"""

import colander
import deform

from shopcms.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from shopcms.orders.api import COUNTRIES as EU_COUNTRIES
from shopcms.orders.api import OTHER_POSTCODE, POSTCODES
from shopcms.orders.api import check_phone as _phone
from shopcms.orders.api import text_field as _text
from shopcms.privacy.purposes import CONSENT_PURPOSES
from shopcms.web.forms import CSRFSchema
from shopcms.web.i18n import _, languages
from shopcms.web.security import ROLES

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


EMAIL_TITLE = _("Email address")
PASSWORD_TITLE = _("Password")
NEW_PASSWORD_TITLE = _("New password")
CURRENT_PASSWORD_TITLE = _("Your current password")

#: A signed token (``shopcms.web.tokens``) is about 150 characters; this only stops junk.
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


class RoleChangeSchema(CSRFSchema):
    role = colander.SchemaNode(colander.String(), validator=colander.OneOf(ROLES))
    action = colander.SchemaNode(colander.String(), validator=colander.OneOf(("grant", "revoke")))


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


GIVE, WITHDRAW, RENEW = "give", "withdraw", "renew"
#: The forms that post here; the ledger records which one (where consent was given).
FORMS = ("account-privacy", "account")


class ConsentChangeSchema(CSRFSchema):
    purpose = colander.SchemaNode(colander.String(), validator=colander.OneOf(CONSENT_PURPOSES))
    op = colander.SchemaNode(colander.String(), validator=colander.OneOf((GIVE, WITHDRAW, RENEW)))
    form = colander.SchemaNode(colander.String(), missing=FORMS[0], validator=colander.OneOf(FORMS))
    came_from = colander.SchemaNode(colander.String(), missing="")
