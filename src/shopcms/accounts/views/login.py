"""Login (with a second step for accounts that use a second factor) and logout.

The rules are ``shopcms.accounts.authentication``'s: the answer for an unknown email is the
same as for a wrong password (same message, status and time); failures slow down further
attempts per account and client address, or per device for a browser that logged in to the
account before (``shopcms.accounts.throttle``); wrong codes of the second step count as
failures too.

Only after the right password does the login tell more, which reveals nothing to someone
without it:

- an account whose address is not verified yet is not logged in: the page says to confirm
  the address first, and a fresh link is mailed (the first may be lost or expired);
- an account with the second factor on is asked for the code of its authenticator app at
  ``/{lang}/login/code``; meanwhile it is not logged in (a *pending* login, which lapses).
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED, forget
from pyramid.view import view_config

from shopcms.accounts import authentication, totp
from shopcms.accounts.authentication import Throttled
from shopcms.accounts.mail import ask_verification
from shopcms.accounts.schemas import CodeSchema, LoginSchema
from shopcms.accounts.views.common import SENT_TEMPLATE, form_error, throttled
from shopcms.tree.site import Site
from shopcms.web.forms import Button, FormView, form_view, make_form
from shopcms.web.i18n import _
from shopcms.web.notices import ERROR, notice
from shopcms.web.security import VIEW
from shopcms.web.urls import local_path

LOGIN_TEMPLATE = "shopcms.accounts:templates/login.pt"
CODE_TEMPLATE = "shopcms.accounts:templates/login_code.pt"
LOGIN_BUTTONS = (Button("login", _("Log in")),)
WRONG = _("The email address or password is not correct.")
STAFF_NEED_CODES = _(
    "You are logged in. To reach the management area, first set up two-step login below: "
    "staff log in with a code of their authenticator app."
)


def logged_in(request, account, came_from=None, second_factor=False):
    """Log ``account`` in (a POST) and go where it was going."""
    authentication.log_in(request, account, second_factor)
    if authentication.second_factor_missing(request, account):
        notice(request, STAFF_NEED_CODES)
    return HTTPSeeOther(location=authentication.landing(request, account, came_from))


def _login_form(request):
    return make_form(request, LoginSchema, LOGIN_BUTTONS, "login", request.link(None, "login"))


def login_page(request, came_from=""):
    """The login form's template values (also shown in place of a page that needs a login)."""
    came_from = local_path(came_from) or ""
    return {"form": _login_form(request).render({"came_from": came_from}), "error": None}


class Login(FormView):
    """The login form (registered by :func:`login_form` and :func:`login`)."""

    schema = LoginSchema
    formid = "login"
    buttons = LOGIN_BUTTONS

    def action(self):
        return self.request.link(None, "login")

    def appstruct(self):
        return {"came_from": local_path(self.request.GET.get("came_from")) or ""}

    def succeeded(self, appstruct):
        request = self.request
        kept = {"email": appstruct["email"], "came_from": appstruct["came_from"]}
        try:
            account = authentication.authenticate(
                request, self.context["customers"], appstruct["email"], appstruct["password"]
            )
        except Throttled as exc:
            return self.page(self.form.render(kept), error=throttled(request, exc.wait))
        if account is None:
            return self.refuse(WRONG, kept)
        if not account.email_verified:
            # Answered with 200: the new link (a token nonce, a queued mail) must be committed.
            ask_verification(request, account.email)
            request.override_renderer = SENT_TEMPLATE
            return {
                "title": _("Confirm your email address first"),
                "text": _(
                    "Your account is not active until you confirm your email address. We have "
                    "sent a new link to ${email}: open it to finish, then you are logged in.",
                    mapping={"email": account.email},
                ),
                "again": request.link(None, "verify", "resend"),
            }
        if totp.is_on(account):
            # The password is right, but this is no login yet: the code decides.  The
            # throttle is not reset here, or the password would buy unlimited guesses.
            authentication.start_second_step(request, account, appstruct["came_from"])
            request.override_renderer = CODE_TEMPLATE
            return {"form": LoginCode(self.context, request).make().render(), "error": None}
        return logged_in(request, account, appstruct["came_from"])


#: Logging in must be possible for anybody: with logout, the only views open to all.
OPEN = {
    "context": Site,
    "route_name": "public",
    "name": "login",
    "path_info": r"^/[^/]+/login$",
    "permission": NO_PERMISSION_REQUIRED,
    "renderer": LOGIN_TEMPLATE,
}


@view_config(request_method="GET", **OPEN)
def login_form(context, request):
    return Login(context, request).show()


@view_config(request_method="POST", **OPEN)
def login(context, request):
    return Login(context, request).submit()


@form_view(
    context=Site,
    route_name="public",
    name="login",
    path_info=r"^/[^/]+/login/code$",
    permission=VIEW,
    renderer=CODE_TEMPLATE,
)
class LoginCode(FormView):
    """The second step: the code of the authenticator app."""

    schema = CodeSchema
    formid = "login-code"
    buttons = LOGIN_BUTTONS

    def action(self):
        return self.request.link(None, "login", "code")

    def show(self):
        if authentication.pending_account(self.request) is None:
            return HTTPSeeOther(location=self.request.link(None, "login"))
        return super().show()

    def submit(self):
        request = self.request
        self.account = authentication.pending_account(request)
        if self.account is None:
            authentication.drop_pending(request)
            notice(request, _("Logging in took too long. Please start again."), ERROR)
            return HTTPSeeOther(location=request.link(None, "login"))
        try:
            authentication.check_throttle(request, self.account.email, self.account)
        except Throttled as exc:
            authentication.drop_pending(request)
            return self.page(self.make().render(), error=throttled(request, exc.wait))
        return super().submit()

    def succeeded(self, appstruct):
        request = self.request
        if not authentication.confirm_code(request, self.account, appstruct["code"]):
            return self.page(form_error(request, self.form, _("This code is not correct."), "code"))
        target = authentication.pending_target(request)
        return logged_in(request, self.account, target, second_factor=True)


@view_config(
    context=Site,
    route_name="public",
    name="logout",
    request_method="POST",
    permission=NO_PERMISSION_REQUIRED,
)
def logout(context, request):
    forget(request)
    return HTTPSeeOther(location=request.link())
