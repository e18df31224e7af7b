"""Password reset: a link by mail, then a new password.

``/{lang}/reset`` asks an address and gives the same answer whether it has an account or
not (``register.mail_sent``); an account's owner receives a link to
``/{lang}/reset/password?token=`` that works once, for an hour (``tokens.RESET_PASSWORD``).
That page shows the new-password form with the token hidden in it (a GET never uses it
up); its POST consumes the token, stores the new password, ends every session of the
account, and logs in afresh (unless the second factor is on: then the login form asks for
it).  Using the link proves the mailbox too, so an address not yet verified is verified.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts import totp
from shopcms.accounts.mail import send_reset
from shopcms.accounts.schemas import EmailSchema, NewPasswordSchema
from shopcms.accounts.views.login import log_in
from shopcms.accounts.views.register import (
    consume_token,
    invalid_link,
    mail_sent,
    read_token,
)
from shopcms.tree.site import Site
from shopcms.web import tokens
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import VIEW

ASK_EMAIL = "shopcms.accounts:templates/ask_email.pt"
CHOOSE_PAGE = "shopcms.accounts:templates/reset_password.pt"


def _ask_form(request):
    return make_form(
        request,
        EmailSchema,
        (("send", _("Send me a link")),),
        action=f"/{request.locale_name}/reset",
        formid="reset",
    )


def _ask_values(html):
    return {
        "title": _("Forgot your password?"),
        "text": _(
            "Enter the email address of your account. We mail you a link to choose a new "
            "password; it works once, within an hour."
        ),
        "form": html,
    }


@view_config(
    context=Site,
    route_name="public",
    name="reset",
    path_info=r"/[^/]+/reset$",
    request_method="GET",
    permission=VIEW,
    renderer=ASK_EMAIL,
)
def reset_form(context, request):
    return _ask_values(_ask_form(request).render())


@view_config(
    context=Site,
    route_name="public",
    name="reset",
    path_info=r"/[^/]+/reset$",
    request_method="POST",
    permission=VIEW,
    renderer=ASK_EMAIL,
)
def reset(context, request):
    appstruct, html = validate(request, _ask_form(request))
    if appstruct is None:
        return _ask_values(html)
    account = context["customers"].find(appstruct["email"])
    if account is not None and account.active:
        send_reset(request, account)
    return mail_sent(request, again=f"/{request.locale_name}/reset")


def _password_form(request):
    return make_form(
        request,
        NewPasswordSchema,
        (("save", _("Save my new password")),),
        action=f"/{request.locale_name}/reset/password",
        formid="new-password",
    )


@view_config(
    context=Site,
    route_name="public",
    name="reset",
    path_info=r"/[^/]+/reset/password$",
    request_method="GET",
    secret_address=True,
    permission=VIEW,
    renderer=CHOOSE_PAGE,
)
def new_password_form(context, request):
    token = request.GET.get("token", "")
    if read_token(request, token, tokens.RESET_PASSWORD) is None:
        return invalid_link(request, f"/{request.locale_name}/reset")
    return {"form": _password_form(request).render({"token": token})}


@view_config(
    context=Site,
    route_name="public",
    name="reset",
    path_info=r"/[^/]+/reset/password$",
    request_method="POST",
    secret_address=True,
    permission=VIEW,
    renderer=CHOOSE_PAGE,
)
def new_password(context, request):
    lang = request.locale_name
    token = request.POST.get("token", "")
    if read_token(request, token, tokens.RESET_PASSWORD) is None:
        return invalid_link(request, f"/{lang}/reset")
    appstruct, html = validate(request, _password_form(request))
    if appstruct is None:
        return {"form": html}  # the token stays in the form: nothing was used up
    found = consume_token(request, appstruct["token"], tokens.RESET_PASSWORD)
    if found is None:  # used meanwhile by a concurrent request
        return invalid_link(request, f"/{lang}/reset")
    account = found[0]
    account.set_password(appstruct["password"])  # ends every session of the account
    account.email_verified = True  # the link came to this mailbox
    if totp.is_on(account):
        response = HTTPSeeOther(location=f"/{lang}/login")
    else:
        response = log_in(request, account, f"/{lang}/account/")
    # After log_in, which starts a new session (a notice before it would be lost).
    notice(request, _("Your new password is saved."))
    return response
