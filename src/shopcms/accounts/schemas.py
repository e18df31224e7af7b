"""The forms of accounts: login, registration, email verification, password reset, account
security, the account pages (addresses, preferences, saved payment methods), consents,
deleting one's account, the staff's privacy desk and role management.

Every form is a deform form (``shopcms.web.forms.make_form``) made from one of these
schemas; those that post derive from ``CSRFSchema``.  Only these fields are read.  Ids of
addresses and payment methods are never posted: they are in the address
(``/account/addresses/ID/remove``) and looked up among the requester's own, so the forms
that act on one item (remove, make default) post nothing but their CSRF token.

Fields of personal data say what they hold to the browser (``autocomplete``), so that it
can fill them in for the visitor.
"""

import colander
import deform

from shopcms.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from shopcms.orders.api import COUNTRIES as EU_COUNTRIES
from shopcms.orders.api import OTHER_POSTCODE, POSTCODES, add_business_fields
from shopcms.orders.api import check_phone as _phone
from shopcms.orders.api import text_field as _text
from shopcms.privacy.purposes import CONSENT_PURPOSES
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalPath, Text, strip
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages
from shopcms.web.layout import territories
from shopcms.web.security import ROLES

#: The account pages that offer to give the "keep my account data" consent; the ledger
#: records ``account-PAGE`` as the form it was given through.
KEEP_PAGES = ("addresses", "payment-methods", "preferences")

#: The widget template of the language choice: each option in its own language.
LANGUAGE_SELECT = "shopcms.accounts:templates/deform/language_select.pt"

EMAIL_TITLE = _("Email address")
PASSWORD_TITLE = _("Password")
NEW_PASSWORD_TITLE = _("New password")
CURRENT_PASSWORD_TITLE = _("Your current password")

#: A signed token (``shopcms.web.tokens``) is about 150 characters; this only stops junk.
TOKEN_MAX = 1000
MAX_NOTE = 200


def _digits_only(value):
    # Authenticator apps show "123 456": accept the code as shown.
    return "".join(value.split()) if isinstance(value, str) else value


def _hidden(validator=None, missing=colander.required):
    """A hidden field (the buttons' forms): what the button acts on, never typed."""
    return colander.SchemaNode(
        Text(),
        widget=deform.widget.HiddenWidget(),
        validator=validator,
        missing=missing,
    )


def _came_from():
    """The page to come back to: ``""`` unless it is a path on this site (``LocalPath``)."""
    return colander.SchemaNode(LocalPath(), widget=deform.widget.HiddenWidget(), missing="")


def _input(autocomplete, kind=None):
    attributes = {"autocomplete": autocomplete}
    if kind is not None:
        attributes["type"] = kind
    return deform.widget.TextInputWidget(attributes=attributes)


# -- the account pages ------------------------------------------------------------------


@colander.deferred
def _country_widget(node, kw):
    names = territories(kw["request"].locale_name)
    return deform.widget.SelectWidget(
        values=[(code, names.get(code, code)) for code in EU_COUNTRIES],
        attributes={"autocomplete": "country"},
    )


class AddressSchema(CSRFSchema):
    """A delivery address to keep (postcodes checked per country as at the checkout)."""

    name = _text(_("Name"), widget=_input("name"))
    street = _text(_("Street and number"), widget=_input("address-line1"))
    postcode = _text(_("Postcode"), max_length=12, widget=_input("postal-code"))
    city = _text(_("City"), max_length=80, widget=_input("address-level2"))
    country = colander.SchemaNode(
        Text(),
        title=_("Country"),
        validator=colander.OneOf(EU_COUNTRIES),
        widget=_country_widget,
        default="BE",
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


@colander.deferred
def _language_widget(node, kw):
    codes = languages(kw["request"].registry)
    return deform.widget.SelectWidget(
        values=[(code, LANGUAGE_NAMES.get(code, code)) for code in codes],
        template=LANGUAGE_SELECT,
    )


class PreferencesSchema(CSRFSchema):
    """The preferred language (for mails) and, while account data is kept, the phone and a
    business's company name and VAT number (as the checkout takes them, which they fill).

    Bound with ``keeps``: without the "keep my account data" consent the form has none of
    those fields, so none of them posted is ever read.
    """

    language = colander.SchemaNode(
        Text(),
        title=_("Language of our mails"),
        validator=_languages,
        widget=_language_widget,
    )
    phone = colander.SchemaNode(
        Text(),
        title=_("Phone"),
        preparer=strip,
        validator=_phone,
        missing="",
        widget=_input("tel", "tel"),
    )

    def after_bind(self, node, kw):
        if not kw.get("keeps"):
            del node["phone"]
        else:
            add_business_fields(node)


class KeepDetailsSchema(CSRFSchema):
    """Give the "keep my account data" consent from one of the account pages."""

    page = _hidden(colander.OneOf(KEEP_PAGES))


# -- consents ---------------------------------------------------------------------------

GIVE, WITHDRAW, RENEW = "give", "withdraw", "renew"
#: The forms that post here; the ledger records which one (where consent was given).
FORMS = ("account-privacy", "account")


class ConsentChangeSchema(CSRFSchema):
    """One click on a consent: give, withdraw or confirm it under the current statement."""

    purpose = _hidden(colander.OneOf(CONSENT_PURPOSES))
    op = _hidden(colander.OneOf((GIVE, WITHDRAW, RENEW)))
    form = _hidden(colander.OneOf(FORMS), missing=FORMS[0])
    came_from = _came_from()


# -- login, registration, links by mail ---------------------------------------------------


def _check_new_password(node, value):
    problem = password_problem(value)
    if problem is not None:
        raise colander.Invalid(node, problem)


def email_node(title=EMAIL_TITLE, autocomplete="email"):
    return colander.SchemaNode(
        Text(),
        title=title,
        preparer=strip,
        validator=colander.All(
            colander.Email(msg=_("Enter a valid email address.")), colander.Length(max=254)
        ),
        widget=_input(autocomplete, "email"),
    )


def new_password_node(title=PASSWORD_TITLE):
    return colander.SchemaNode(
        Text(),
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
        Text(),
        title=title,
        validator=colander.Length(max=MAX_LENGTH),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "current-password"}),
    )


def code_node():
    return colander.SchemaNode(
        Text(),
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
    return _hidden(colander.Length(min=1, max=TOKEN_MAX))


class LoginSchema(CSRFSchema):
    email = colander.SchemaNode(
        Text(),
        title=EMAIL_TITLE,
        validator=colander.All(
            colander.Email(msg=_("Enter a valid email address.")), colander.Length(max=254)
        ),
        widget=_input("username", "email"),
    )
    password = colander.SchemaNode(
        Text(),
        title=PASSWORD_TITLE,
        validator=colander.Length(max=MAX_LENGTH),
        widget=deform.widget.PasswordWidget(attributes={"autocomplete": "current-password"}),
    )
    came_from = _came_from()


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


# -- account security -------------------------------------------------------------------


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


def keep_reviews_node(title):
    """The erasure's option (``privacy.erasure.KEEP_REVIEWS``), never ticked in advance."""
    return colander.SchemaNode(colander.Boolean(), title=title, missing=False)


STAFF_KEEP_REVIEWS = _("They ask to keep their published reviews, without any name")


class DeleteAccountSchema(CSRFSchema):
    """The customer deletes their own account: the password again, as proof."""

    keep_reviews = keep_reviews_node(_("Keep my published reviews, without my name"))
    password = current_password_node(_("Your password"))


# -- staff: roles and the privacy desk ------------------------------------------------------


class RoleChangeSchema(CSRFSchema):
    """One button of the roles table: grant or revoke one role of one account."""

    role = _hidden(colander.OneOf(ROLES))
    action = _hidden(colander.OneOf(("grant", "revoke")))


class FindCustomerSchema(CSRFSchema):
    """Staff look an account up by its email address (posted: no address in URLs or logs)."""

    email = email_node(_("Email address of the customer"), autocomplete="off")


def note_node():
    return colander.SchemaNode(
        Text(),
        title=_("The request"),
        description=_(
            'Which request this is, e.g. "request by mail of 2026-11-20". Not the customer\'s '
            "name or address: this note stays with the orders."
        ),
        preparer=strip,
        validator=colander.Length(min=3, max=MAX_NOTE),
        widget=deform.widget.TextInputWidget(attributes={"maxlength": str(MAX_NOTE)}),
    )


class EraseRequestSchema(CSRFSchema):
    """Staff erase an account for a request that came by mail or letter: the note says which
    request (kept in the orders' history), never the customer's data."""

    note = note_node()
    keep_reviews = keep_reviews_node(STAFF_KEEP_REVIEWS)


def _guest_email():
    return _hidden(
        colander.All(
            colander.Email(msg=_("Enter a valid email address.")), colander.Length(max=254)
        )
    )


class GuestSchema(CSRFSchema):
    """The orders a guest placed with the address found on the desk (a hidden field: the
    address travels in the POST, never in a URL)."""

    email = _guest_email()


class GuestEraseSchema(GuestSchema):
    """Staff erase the personal data of the orders a guest placed with this address."""

    note = note_node()
    keep_reviews = keep_reviews_node(STAFF_KEEP_REVIEWS)


def valid_email(value):
    """``value`` if the guest forms would accept it as their hidden address, else None."""
    try:
        return _guest_email().deserialize(value)
    except colander.Invalid:
        return None
