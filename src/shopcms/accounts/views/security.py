"""``/{lang}/account/security``: the page of password, email address and second factor.

The page holds several forms, each with its own formid (so their ids never meet) and a
button whose name picks the view that acts on it (:data:`SECURITY_POST`):

- ``change-password`` (``views.password``),
- ``change-email`` (``views.email_address``),
- for staff, or whoever has it on, the second factor (``views.second_factor``):
  ``totp-start``, then ``totp-on`` with the new secret; ``totp-off`` once it is on.

Each change asks the current password again (the session may be a forgotten one on a
shared computer); wrong passwords count toward the login throttle, so this page cannot be
used to guess it (``authentication.confirm_password``).  A view that refuses shows the page
again with its own form marked and the others fresh.
"""

from pyramid.view import view_config

from shopcms.accounts import totp
from shopcms.accounts.authentication import Throttled, confirm_password
from shopcms.accounts.schemas import (
    ChangeEmailSchema,
    ChangePasswordSchema,
    CodeSchema,
    TotpOffSchema,
)
from shopcms.accounts.views.area import AREA, TEMPLATES, no_subpath
from shopcms.accounts.views.common import form_error, throttled
from shopcms.web.forms import Button, CSRFSchema, make_form
from shopcms.web.i18n import _

TEMPLATE = TEMPLATES + "security.pt"
#: The forms of the security page all post to it; the button's name picks the view.
SECURITY_POST = {"name": "security", "request_method": "POST", "renderer": TEMPLATE, **AREA}


def _form(request, schema, button, title, formid):
    return make_form(
        request, schema, (Button(button, title),), formid, request.account_link("security")
    )


def password_form(request):
    return _form(
        request, ChangePasswordSchema, "change_password", _("Change password"), "change-password"
    )


def email_form(request):
    return _form(request, ChangeEmailSchema, "change_email", _("Send the link"), "change-email")


def totp_start_form(request):
    return _form(request, CSRFSchema, "totp_start", _("Set up two-step login"), "totp-start")


def totp_on_form(request):
    """The code that proves the app holds the secret being set up."""
    return _form(request, CodeSchema, "totp_on", _("Turn on"), "totp-on")


def totp_off_form(request):
    return _form(request, TotpOffSchema, "totp_off", _("Turn off"), "totp-off")


def security_page(request, account, **shown):
    """The page's values; ``shown`` replaces a section's form (re-shown with its errors):
    ``password_form``, ``email_form``, ``totp_form``, or ``setup`` (a secret being set up:
    its picture and the form of its code)."""
    totp_on = totp.is_on(account)
    values = {
        "account": account,
        "password_form": shown.get("password_form") or password_form(request).render(),
        "email_form": shown.get("email_form") or email_form(request).render(),
        "totp_shown": account.is_staff or totp_on,
        "totp_on": totp_on,
        "setup": shown.get("setup"),
        "totp_form": shown.get("totp_form"),
    }
    if values["totp_form"] is None and values["totp_shown"] and values["setup"] is None:
        form = totp_off_form(request) if totp_on else totp_start_form(request)
        values["totp_form"] = form.render()
    return values


def password_refused(request, account, form, appstruct, password, keep=()):
    """None if ``password`` is the account's current one; else ``form`` again (with the
    values named in ``keep``), marked: a wrong password at its field (400), a throttled
    attempt for the whole form (429)."""
    shown = {key: appstruct[key] for key in keep}
    try:
        if confirm_password(request, account, password):
            return None
    except Throttled as exc:
        message = throttled(request, exc.wait)
        return form_error(request, form, message, appstruct=shown, status=429)
    message = _("Your current password is not correct.")
    return form_error(request, form, message, "current", shown)


@view_config(request_method="GET", name="security", renderer=TEMPLATE, **AREA)
def security(context, request):
    no_subpath(request)
    return security_page(request, context)
