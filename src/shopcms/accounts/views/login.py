"""Login (with a second step for accounts that use a second factor) and logout.

The answer for an unknown email is the same as for a wrong password (same message, status
and, through a dummy hash check, time).  Failures are throttled per account and per client
address (:mod:`shopcms.accounts.throttle`); wrong codes of the second step count as failures too.

Only after the right password does the login tell more, which reveals nothing to someone
without it:

- an account whose address is not verified yet is not logged in: the page says to confirm
  the address first, and a fresh link is mailed (the first may be lost or expired);
- an account with the second factor on (``shopcms.accounts.totp``) is asked for the code of its
  authenticator app at ``/{lang}/login/code``.  Meanwhile the session holds only a
  *pending* login under :data:`PENDING` (account id, deadline, where to go), a key the
  security policy never reads: the visitor is not authenticated until the code is right,
  and the pending login lapses after :data:`PENDING_SECONDS`.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import view_config

from shopcms.accounts import totp
from shopcms.accounts.mail import send_verification
from shopcms.accounts.passwords import verify_password
from shopcms.accounts.resources import normalise_email
from shopcms.accounts.schemas import CodeSchema, LoginSchema
from shopcms.privacy.consent import remember_returning_customer
from shopcms.tree.site import Site
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import ERROR, notice
from shopcms.web.security import VIEW, LoggedIn
from shopcms.web.urls import local_path

LOGIN_BUTTONS = (("login", _("Log in")),)
CODE_TEMPLATE = "shopcms.accounts:templates/login_code.pt"
SENT_TEMPLATE = "shopcms.accounts:templates/mail_sent.pt"

#: Session key of a login waiting for its second factor (not an identity: see above).
PENDING = "auth.pending"
#: Seconds the code of the second step may take.
PENDING_SECONDS = 5 * 60


def log_in(request, account, came_from=None):
    """Start a session for ``account`` (a POST: writes on the account); returns the redirect.

    The visitor's cookie lists move onto the account; the login throttle of the account is
    reset; with functional cookies allowed, the browser will recognise a returning customer.
    The redirect goes to ``came_from`` if it is local, else to the management area for staff
    or the home page.
    """
    request.registry.shopcms_login_throttle.succeeded(account.email)
    remember(request, account.__name__)
    request.registry.notify(LoggedIn(request, account))
    remember_returning_customer(request)
    target = local_path(came_from)
    if target is None:
        lang = request.locale_name
        # request.identity was computed before login: decide from the account itself.
        target = f"/{lang}/manage/" if account.is_staff else f"/{lang}/"
    return HTTPSeeOther(location=target)


def _login_form(request):
    action = f"/{request.locale_name}/login"
    return make_form(request, LoginSchema, LOGIN_BUTTONS, action=action, formid="login")


def login_page(request, came_from=""):
    """The login form's template values (also shown in place of a page that needs a login)."""
    came_from = local_path(came_from) or ""
    return {"form": _login_form(request).render({"came_from": came_from}), "error": None}


def _too_many(request, wait):
    """Set the 429 status and return the message for a throttled login."""
    request.response.status = 429
    request.response.headers["Retry-After"] = str(wait)
    minutes = max(1, (wait + 59) // 60)
    return _(
        "Too many failed attempts. For your security, logging in is paused: "
        "please try again in ${minutes} minute(s).",
        mapping={"minutes": minutes},
    )


@view_config(
    context=Site,
    route_name="public",
    name="login",
    request_method="GET",
    permission=NO_PERMISSION_REQUIRED,
    renderer="shopcms.accounts:templates/login.pt",
)
def login_form(context, request):
    return login_page(request, request.GET.get("came_from", ""))


@view_config(
    context=Site,
    route_name="public",
    name="login",
    request_method="POST",
    permission=NO_PERMISSION_REQUIRED,
    renderer="shopcms.accounts:templates/login.pt",
)
def login(context, request):
    form = _login_form(request)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return {"form": html, "error": None}

    email = normalise_email(appstruct["email"])
    address = request.client_addr or "unknown"
    throttle = request.registry.shopcms_login_throttle
    wait = throttle.wait_seconds(email, address)
    redisplay = form.render({"email": appstruct["email"], "came_from": appstruct["came_from"]})
    if wait:
        return {"form": redisplay, "error": _too_many(request, wait)}

    account = context["customers"].find(email)
    if account is not None and account.active:
        ok = account.check_password(appstruct["password"])
    else:
        verify_password(None, appstruct["password"])  # same cost as a real check
        ok = False
    if not ok:
        throttle.failed(email, address)
        request.response.status = 400
        return {"form": redisplay, "error": _("The email address or password is not correct.")}

    if not account.email_verified:
        # Answered with 200: the new link (a token nonce, a queued mail) must be committed.
        send_verification(request, account)
        request.override_renderer = SENT_TEMPLATE
        return {
            "title": _("Confirm your email address first"),
            "text": _(
                "Your account is not active until you confirm your email address. We have "
                "sent a new link to ${email}: open it to finish, then you are logged in.",
                mapping={"email": account.email},
            ),
            "again": f"/{request.locale_name}/verify/resend",
        }
    if totp.is_on(account):
        # The password is right, but this is no login yet: the code decides.  The throttle
        # is not reset here, or the password would buy unlimited guesses of the code.
        request.session[PENDING] = {
            "u": account.__name__,
            "until": int(request.now.timestamp()) + PENDING_SECONDS,
            "to": local_path(appstruct["came_from"]) or "",
        }
        request.override_renderer = CODE_TEMPLATE
        return {"form": _code_form(request).render(), "error": None}
    return log_in(request, account, appstruct["came_from"])


# -- the second step ---------------------------------------------------------------


def _code_form(request):
    action = f"/{request.locale_name}/login/code"
    return make_form(request, CodeSchema, LOGIN_BUTTONS, action=action, formid="login-code")


def pending_account(request):
    """The account of the login waiting for its code, or None (none, lapsed, gone)."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if request.now.timestamp() > pending.get("until", 0):
        return None
    account = request.root["customers"].get(pending.get("u"))
    if account is None or not account.active or not totp.is_on(account):
        return None
    return account


def _start_again(request):
    request.session.pop(PENDING, None)
    notice(request, _("Logging in took too long. Please start again."), ERROR)
    return HTTPSeeOther(location=f"/{request.locale_name}/login")


@view_config(
    context=Site,
    route_name="public",
    name="login",
    path_info=r"/[^/]+/login/code$",
    request_method="GET",
    permission=VIEW,
    renderer=CODE_TEMPLATE,
)
def login_code_form(context, request):
    if pending_account(request) is None:
        return HTTPSeeOther(location=f"/{request.locale_name}/login")
    return {"form": _code_form(request).render(), "error": None}


@view_config(
    context=Site,
    route_name="public",
    name="login",
    path_info=r"/[^/]+/login/code$",
    request_method="POST",
    permission=VIEW,
    renderer=CODE_TEMPLATE,
)
def login_code(context, request):
    account = pending_account(request)
    if account is None:
        return _start_again(request)
    address = request.client_addr or "unknown"
    throttle = request.registry.shopcms_login_throttle
    form = _code_form(request)
    wait = throttle.wait_seconds(account.email, address)
    if wait:
        request.session.pop(PENDING, None)
        return {"form": form.render(), "error": _too_many(request, wait)}
    appstruct, html = validate(request, form)
    if appstruct is None:
        return {"form": html, "error": None}
    if not totp.check(request.registry, account, appstruct["code"], request.now):
        throttle.failed(account.email, address)
        request.response.status = 400
        return {"form": form.render(), "error": _("This code is not correct.")}
    came_from = request.session[PENDING].get("to")
    return log_in(request, account, came_from)


@view_config(
    context=Site,
    route_name="public",
    name="logout",
    request_method="POST",
    permission=NO_PERMISSION_REQUIRED,
)
def logout(context, request):
    forget(request)
    return HTTPSeeOther(location=f"/{request.locale_name}/")
