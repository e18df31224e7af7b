"""Registration and the verification of an email address.

``/{lang}/register`` creates an account whose address is not verified yet
(``email_verified`` False: it cannot log in) and mails a link to ``/{lang}/verify``.  An
address that already has an account gets the same answer page, and its owner a mail saying
so instead: the page never tells whether an address is known.  The password is hashed either
way, so the two answers also take the same time.

The link's page (``GET /{lang}/verify?token=``) only shows a button: a GET never uses the
token up (mail scanners open links).  Its POST consumes the token, marks the address
verified, logs the customer in and goes to ``/{lang}/account/``.  A token that is forged,
expired or used gets a 400 page that offers ``/{lang}/verify/resend``, which answers the
same for every address.  Pages that carry a token send no Referer.
"""

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts import totp
from shopcms.accounts.mail import send_register_exists, send_verification
from shopcms.accounts.passwords import hash_password
from shopcms.accounts.schemas import EmailSchema, RegisterSchema, VerifySchema
from shopcms.accounts.views.login import log_in
from shopcms.tree.site import Site
from shopcms.web import tokens
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import VIEW

REGISTER = "shopcms.accounts:templates/register.pt"
SENT = "shopcms.accounts:templates/mail_sent.pt"
VERIFY = "shopcms.accounts:templates/verify.pt"
ASK_EMAIL = "shopcms.accounts:templates/ask_email.pt"


def read_token(request, token, purpose):
    """``(account, data)`` for a valid token of ``purpose`` (active accounts only), or None."""
    found = tokens.read(
        request.registry.settings["shopcms.secret"],
        request.root["customers"],
        token or "",
        purpose,
        request.now,
    )
    if found is None or not found[0].active:
        return None
    return found


def consume_token(request, token, purpose):
    """Like :func:`read_token`, and the token (with every earlier one) is used up."""
    if read_token(request, token, purpose) is None:
        return None
    return tokens.consume(
        request.registry.settings["shopcms.secret"],
        request.root["customers"],
        token,
        purpose,
        request.now,
    )


def mail_sent(request, again=None):
    """The one answer of the forms that mail a link, whether or not the address is known."""
    request.override_renderer = SENT
    return {
        "title": _("Check your mailbox"),
        "text": _(
            "If the address you entered can be used for this, a mail with a link is on its "
            "way to it. Open the link to continue; it works only once and for a limited "
            "time."
        ),
        "again": again,
    }


def _register_form(request):
    return make_form(
        request,
        RegisterSchema,
        (("register", _("Create my account")),),
        action=f"/{request.locale_name}/register",
        formid="register",
    )


@view_config(
    context=Site,
    route_name="public",
    name="register",
    request_method="GET",
    permission=VIEW,
    renderer=REGISTER,
)
def register_form(context, request):
    return {"form": _register_form(request).render()}


@view_config(
    context=Site,
    route_name="public",
    name="register",
    request_method="POST",
    permission=VIEW,
    renderer=REGISTER,
)
def register(context, request):
    appstruct, html = validate(request, _register_form(request))
    if appstruct is None:
        return {"form": html}
    customers = context["customers"]
    existing = customers.find(appstruct["email"])
    if existing is None:
        account = customers.create(
            appstruct["email"], appstruct["password"], language=request.locale_name
        )
        account.email_verified = False
        send_verification(request, account)
    else:
        hash_password(appstruct["password"])  # the time creating an account would take
        send_register_exists(request, existing)
    return mail_sent(request, again=f"/{request.locale_name}/verify/resend")


def _verify_form(request, token, error=None):
    form = make_form(
        request,
        VerifySchema,
        (("confirm", _("Confirm my email address")),),
        action=f"/{request.locale_name}/verify",
        formid="token",
    )
    if error is not None:
        form["password"].error = colander.Invalid(form.schema["password"], error)
        form.error = form["password"].error
    return form.render({"token": token})


def invalid_link(request, again, status=400):
    """The page for a link that cannot be used (forged, expired, used)."""
    request.response.status = status
    request.override_renderer = VERIFY
    return {
        "title": _("This link cannot be used"),
        "text": _(
            "The link is not valid: it has expired, or it was used already (each link "
            "works only once). You can ask a new one."
        ),
        "form": None,
        "again": again,
    }


@view_config(
    context=Site,
    route_name="public",
    name="verify",
    path_info=r"/[^/]+/verify$",
    request_method="GET",
    secret_address=True,
    permission=VIEW,
    renderer=VERIFY,
)
def verify_page(context, request):
    lang = request.locale_name
    token = request.GET.get("token", "")
    if read_token(request, token, tokens.VERIFY_EMAIL) is None:
        return invalid_link(request, f"/{lang}/verify/resend")
    return {
        "title": _("Confirm your email address"),
        "text": _("Confirm your address with your password to finish creating your account."),
        "form": _verify_form(request, token),
        "again": None,
    }


@view_config(
    context=Site,
    route_name="public",
    name="verify",
    path_info=r"/[^/]+/verify$",
    request_method="POST",
    secret_address=True,
    permission=VIEW,
    renderer=VERIFY,
)
def verify(context, request):
    lang = request.locale_name
    appstruct, _html = validate(request, make_form(request, VerifySchema, ()))
    token = appstruct["token"] if appstruct is not None else request.POST.get("token", "")
    found = read_token(request, token, tokens.VERIFY_EMAIL)
    if found is None:
        return invalid_link(request, f"/{lang}/verify/resend")
    if appstruct is None or not found[0].check_password(appstruct["password"]):
        request.response.status = 400
        return {
            "title": _("Confirm your email address"),
            "text": _("Confirm your address with your password to finish creating your account."),
            "form": _verify_form(request, token, _("This is not the password of this account.")),
            "again": None,
        }
    account = consume_token(request, token, tokens.VERIFY_EMAIL)[0]
    account.email_verified = True
    if totp.is_on(account):
        # The second factor still has its say: log in through the form.
        response = HTTPSeeOther(location=f"/{lang}/login")
    else:
        response = log_in(request, account, f"/{lang}/account/")
    # After log_in, which starts a new session (a notice before it would be lost).
    notice(request, _("Thank you: your email address is confirmed."))
    return response


def _resend_form(request):
    return make_form(
        request,
        EmailSchema,
        (("send", _("Send a new link")),),
        action=f"/{request.locale_name}/verify/resend",
        formid="resend",
    )


def _resend_values(request, html):
    return {
        "title": _("A new confirmation link"),
        "text": _(
            "Enter the address you registered with. If its account still waits for "
            "confirmation, we mail it a new link."
        ),
        "form": html,
    }


@view_config(
    context=Site,
    route_name="public",
    name="verify",
    path_info=r"/[^/]+/verify/resend$",
    request_method="GET",
    permission=VIEW,
    renderer=ASK_EMAIL,
)
def resend_form(context, request):
    return _resend_values(request, _resend_form(request).render())


@view_config(
    context=Site,
    route_name="public",
    name="verify",
    path_info=r"/[^/]+/verify/resend$",
    request_method="POST",
    permission=VIEW,
    renderer=ASK_EMAIL,
)
def resend(context, request):
    appstruct, html = validate(request, _resend_form(request))
    if appstruct is None:
        return _resend_values(request, html)
    account = context["customers"].find(appstruct["email"])
    if account is not None and account.active and not account.email_verified:
        send_verification(request, account)
    return mail_sent(request, again=f"/{request.locale_name}/verify/resend")
