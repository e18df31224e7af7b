"""The second factor on ``/{lang}/account/security`` (staff only, ``shopcms.accounts.totp``).

"Set up" shows a new secret once, as a QR code and as text, and keeps it sealed in the
session until a code from the app proves it was read (``security.begin_second_factor``);
turning it off needs the password and a code.  Customers are not offered it: its forms
answer them 404, unless it is on (then they may turn it off).
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts import security, totp
from shopcms.accounts.authentication import confirm_code
from shopcms.accounts.views.common import form_error, submitted
from shopcms.accounts.views.security import (
    SECURITY_POST,
    password_refused,
    security_page,
    totp_off_form,
    totp_on_form,
    totp_start_form,
)
from shopcms.web.forms import validate
from shopcms.web.i18n import _
from shopcms.web.notices import ERROR, notice


def _setup(account, secret, form_html):
    return {**security.setup_picture(account, secret), "form": form_html}


def _staff_only(account):
    if not (account.is_staff or totp.is_on(account)):
        raise HTTPNotFound()


def _back(request):
    return HTTPSeeOther(location=request.account_link("security"))


@view_config(request_param="totp_start", **SECURITY_POST)
def totp_start(context, request):
    _staff_only(context)
    submitted(request, totp_start_form(request))
    if totp.is_on(context):
        return _back(request)
    secret = security.begin_second_factor(request)
    setup = _setup(context, secret, totp_on_form(request).render())
    return security_page(request, context, setup=setup)


@view_config(request_param="totp_on", **SECURITY_POST)
def totp_on(context, request):
    _staff_only(context)
    secret = security.secret_being_set_up(request)
    if secret is None or totp.is_on(context):
        notice(request, _("Please set up two-step login again."), ERROR)
        return _back(request)
    form = totp_on_form(request)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return security_page(request, context, setup=_setup(context, secret, failed))
    if not security.finish_second_factor(request, context, secret, appstruct["code"]):
        message = _("This code is not correct. Check that the time of your phone is right.")
        shown = form_error(request, form, message, "code")
        return security_page(request, context, setup=_setup(context, secret, shown))
    notice(request, _("Two-step login is on. From now on, logging in asks for a code."))
    return _back(request)


@view_config(request_param="totp_off", **SECURITY_POST)
def totp_off(context, request):
    if not totp.is_on(context):
        return _back(request)
    form = totp_off_form(request)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return security_page(request, context, totp_form=failed)
    refused = password_refused(request, context, form, appstruct, appstruct["current"])
    if refused is None and not confirm_code(request, context, appstruct["code"]):
        refused = form_error(request, form, _("This code is not correct."), "code")
    if refused is not None:
        return security_page(request, context, totp_form=refused)
    security.end_second_factor(request, context)
    notice(request, _("Two-step login is off."))
    return _back(request)
