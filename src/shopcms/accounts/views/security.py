"""``/{lang}/account/security``: password, email address and the second factor.

Each change asks the current password again (the session may be a forgotten one on a
shared computer); wrong passwords count toward the login throttle, so this page cannot be
used to guess it.

- Password: stored, then every session of the account ends and this browser gets a fresh
  one: other devices are logged out, and even this browser's previous cookie is worth
  nothing (a copy of it cannot be replayed).
- Email: a link goes to the *new* address (``tokens.CHANGE_EMAIL``, the address inside the
  signed token); nothing changes until it is opened, at ``/{lang}/verify/email``.  Then the
  address changes, every other session ends and the old address gets a notice.  If the new
  address already has an account, its owner gets a notice instead and the page answers the
  same: it does not tell which addresses have accounts.
- Second factor (staff only, ``shopcms.accounts.totp``): "set up" shows a new secret once, as a QR
  code and as text, and keeps it sealed in the session until a code from the app proves it
  was read; turning it off needs the password and a code.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.security import remember
from pyramid.view import view_config

from shopcms.accounts import totp
from shopcms.accounts.mail import send_change_email, send_email_changed, send_register_exists
from shopcms.accounts.resources import Customer, normalise_email
from shopcms.accounts.schemas import (
    ChangeEmailSchema,
    ChangePasswordSchema,
    CodeSchema,
    TokenSchema,
    TotpOffSchema,
)
from shopcms.accounts.views.login import _too_many
from shopcms.accounts.views.register import (
    VERIFY,
    consume_token,
    invalid_link,
    read_token,
)
from shopcms.tree.resources import FolderKeyError
from shopcms.tree.site import Site
from shopcms.web import tokens
from shopcms.web.errors import refusal
from shopcms.web.forms import CSRFSchema, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import ERROR, notice
from shopcms.web.security import ACCOUNT, VIEW

TEMPLATE = "shopcms.accounts:templates/security.pt"
#: The forms of the security page all post to it; the button's name picks the view.
_SECURITY_POST = {
    "context": Customer,
    "route_name": "account",
    "name": "security",
    "request_method": "POST",
    "permission": ACCOUNT,
    "renderer": TEMPLATE,
}
#: Session key of a second-factor secret shown but not yet confirmed (sealed by the vault).
SETUP = "account.totp_setup"


def _url(request):
    return f"/{request.locale_name}/account/security"


def _form(request, schema, name, title, formid):
    return make_form(request, schema, ((name, title),), action=_url(request), formid=formid)


def password_form(request):
    return _form(request, ChangePasswordSchema, "change_password", _("Change password"), "pw")


def email_form(request):
    return _form(request, ChangeEmailSchema, "change_email", _("Send the link"), "email")


def _page(request, account, errors=None, **forms):
    """The page's values; ``forms`` replaces a section's form (re-shown with its errors)."""
    lang = request.locale_name
    values = {
        "account": account,
        "errors": errors or {},
        "password_form": forms.get("password_form") or password_form(request).render(),
        "email_form": forms.get("email_form") or email_form(request).render(),
        "totp_shown": account.is_staff or totp.is_on(account),
        "totp_on": totp.is_on(account),
        "setup": forms.get("setup"),
        "totp_form": forms.get("totp_form"),
        "overview_url": f"/{lang}/account/",
    }
    if values["totp_form"] is None and values["totp_shown"]:
        if values["totp_on"]:
            off = _form(request, TotpOffSchema, "totp_off", _("Turn off"), "totp-off")
            values["totp_form"] = off.render()
        elif values["setup"] is None:
            start = _form(request, CSRFSchema, "totp_start", _("Set up two-step login"), "totp")
            values["totp_form"] = start.render()
    return values


def _password_problem(request, account, password):
    """None if ``password`` is the account's, else the message (and the 4xx status)."""
    throttle = request.registry.shopcms_login_throttle
    address = request.client_addr or "unknown"
    wait = throttle.wait_seconds(account.email, address)
    if wait:
        return _too_many(request, wait)
    if account.check_password(password):
        return None
    throttle.failed(account.email, address)
    request.response.status = 400
    return _("Your current password is not correct.")


def _fresh_session(request, account):
    """End every session of ``account`` and give this browser a new one."""
    account.end_sessions()
    remember(request, account.__name__)


@view_config(
    context=Customer,
    route_name="account",
    name="security",
    request_method="GET",
    permission=ACCOUNT,
    renderer=TEMPLATE,
)
def security_page(context, request):
    return _page(request, context)


@view_config(request_param="change_password", **_SECURITY_POST)
def change_password(context, request):
    form = password_form(request)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _page(request, context, password_form=html)
    problem = _password_problem(request, context, appstruct["current"])
    if problem is not None:
        return _page(request, context, {"password": problem})
    context.set_password(appstruct["password"])
    _fresh_session(request, context)
    notice(request, _("Your password is changed. Everywhere else you are logged out."))
    return HTTPSeeOther(location=_url(request))


@view_config(request_param="change_email", **_SECURITY_POST)
def change_email(context, request):
    form = email_form(request)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _page(request, context, email_form=html)
    problem = _password_problem(request, context, appstruct["current"])
    if problem is not None:
        shown = form.render({"email": appstruct["email"]})
        return _page(request, context, {"email": problem}, email_form=shown)
    new = normalise_email(appstruct["email"])
    if new == context.email:
        request.response.status = 400
        shown = form.render({"email": appstruct["email"]})
        return _page(
            request, context, {"email": _("This is already your address.")}, email_form=shown
        )
    other = context.__parent__.find(new)
    if other is None:
        send_change_email(request, context, new)
    else:
        send_register_exists(request, other)
    notice(
        request,
        _(
            "We sent a link to ${email}. Your address changes when you open it; until then "
            "nothing changes.",
            mapping={"email": new},
        ),
    )
    return HTTPSeeOther(location=_url(request))


# -- the second factor ---------------------------------------------------------------


def _setup_values(request, account, secret, html=None):
    code = _form(request, CodeSchema, "totp_on", _("Turn on"), "totp-on")
    return {
        "qr": totp.qr_data_uri(totp.provisioning_uri(secret, account.email)),
        "secret": secret,
        "form": html or code.render(),
    }


def _staff_only(account):
    if not (account.is_staff or totp.is_on(account)):
        raise HTTPNotFound()


@view_config(request_param="totp_start", **_SECURITY_POST)
def totp_start(context, request):
    _staff_only(context)
    validate(request, _form(request, CSRFSchema, "totp_start", "", "totp"))
    if totp.is_on(context):
        return HTTPSeeOther(location=_url(request))
    secret = totp.new_secret()
    # Sealed: the session cookie is signed, not encrypted.
    request.session[SETUP] = totp.seal(request.registry, secret).decode("ascii")
    return _page(request, context, setup=_setup_values(request, context, secret))


@view_config(request_param="totp_on", **_SECURITY_POST)
def totp_on(context, request):
    _staff_only(context)
    sealed = request.session.get(SETUP)
    if not sealed or totp.is_on(context):
        notice(request, _("Please set up two-step login again."), ERROR)
        return HTTPSeeOther(location=_url(request))
    secret = totp.unseal(request.registry, sealed.encode("ascii"))
    form = _form(request, CodeSchema, "totp_on", _("Turn on"), "totp-on")
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _page(request, context, setup=_setup_values(request, context, secret, html))
    if not totp.turn_on(request.registry, context, secret, appstruct["code"], request.now):
        request.response.status = 400
        return _page(
            request,
            context,
            {"totp": _("This code is not correct. Check that the time of your phone is right.")},
            setup=_setup_values(request, context, secret),
        )
    request.session.pop(SETUP, None)
    notice(request, _("Two-step login is on. From now on, logging in asks for a code."))
    return HTTPSeeOther(location=_url(request))


@view_config(request_param="totp_off", **_SECURITY_POST)
def totp_off(context, request):
    if not totp.is_on(context):
        return HTTPSeeOther(location=_url(request))
    form = _form(request, TotpOffSchema, "totp_off", _("Turn off"), "totp-off")
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _page(request, context, totp_form=html)
    problem = _password_problem(request, context, appstruct["current"])
    if problem is None and not totp.check(
        request.registry, context, appstruct["code"], request.now
    ):
        request.registry.shopcms_login_throttle.failed(
            context.email, request.client_addr or "unknown"
        )
        request.response.status = 400
        problem = _("This code is not correct.")
    if problem is not None:
        return _page(request, context, {"totp": problem})
    totp.turn_off(context)
    notice(request, _("Two-step login is off."))
    return HTTPSeeOther(location=_url(request))


# -- the link that confirms a new address -----------------------------------------------


@view_config(
    context=Site,
    route_name="public",
    name="verify",
    path_info=r"/[^/]+/verify/email$",
    request_method="GET",
    secret_address=True,
    permission=VIEW,
    renderer=VERIFY,
)
def confirm_email_page(context, request):
    lang = request.locale_name
    token = request.GET.get("token", "")
    found = read_token(request, token, tokens.CHANGE_EMAIL)
    if found is None:
        return invalid_link(request, f"/{lang}/account/security")
    form = make_form(
        request,
        TokenSchema,
        (("confirm", _("Confirm this email address")),),
        action=f"/{lang}/verify/email",
        formid="token",
    )
    return {
        "title": _("Confirm your new email address"),
        "text": _("Your account will use ${email} from now on.", mapping={"email": found[1]}),
        "form": form.render({"token": token}),
        "again": None,
    }


@view_config(
    context=Site,
    route_name="public",
    name="verify",
    path_info=r"/[^/]+/verify/email$",
    request_method="POST",
    secret_address=True,
    permission=VIEW,
    renderer=VERIFY,
)
def confirm_email(context, request):
    lang = request.locale_name
    appstruct, _html = validate(request, make_form(request, TokenSchema, ()))
    found = None
    if appstruct is not None:
        found = consume_token(request, appstruct["token"], tokens.CHANGE_EMAIL)
    if found is None or not isinstance(found[1], str):
        return invalid_link(request, f"/{lang}/account/security")
    account, new = found
    old = account.email
    try:
        context["customers"].change_email(account, new)
    except FolderKeyError:
        return refusal(request, _("This address belongs to another account now."), 409)
    account.email_verified = True
    send_email_changed(request, account, old)
    if request.identity is account:
        _fresh_session(request, account)
        target = f"/{lang}/account/security"
    else:
        account.end_sessions()
        target = f"/{lang}/login"
    notice(
        request,
        _(
            "Your email address is now ${email}. Log in with it from now on.",
            mapping={"email": new},
        ),
    )
    return HTTPSeeOther(location=target)
