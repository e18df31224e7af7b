"""Password reset: a link by mail, then a new password.

``/{lang}/reset`` asks an address and gives the same answer whether it has an account or
not (``common.mail_sent``); an account's owner receives a link to
``/{lang}/reset/password?token=`` that works once, for an hour (``tokens.RESET_PASSWORD``).
That page shows the new-password form with the token hidden in it (a GET never uses it
up); its POST consumes the token, stores the new password, ends every session of the
account, and logs in afresh (unless the second factor is on: then the login form asks for
it).  Using the link proves the mailbox too, so an address not yet verified is verified
(``security.reset_password``).
"""

from pyramid.httpexceptions import HTTPSeeOther

from shopcms.accounts import security, totp
from shopcms.accounts.links import read_token
from shopcms.accounts.schemas import EmailSchema, NewPasswordSchema
from shopcms.accounts.views.common import invalid_link, mail_sent, mailed_token
from shopcms.accounts.views.login import logged_in
from shopcms.accounts.views.registration import PUBLIC
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.tokens import RESET_PASSWORD


@form_view(
    name="reset",
    path_info=r"^/[^/]+/reset$",
    renderer="shopcms.accounts:templates/ask_email.pt",
    **PUBLIC,
)
class AskReset(FormView):
    schema = EmailSchema
    formid = "reset"
    buttons = (Button("send", _("Send me a link")),)

    def action(self):
        return self.request.link(None, "reset")

    def values(self):
        return {
            "title": _("Forgot your password?"),
            "text": _(
                "Enter the email address of your account. We mail you a link to choose a new "
                "password; it works once, within an hour."
            ),
        }

    def succeeded(self, appstruct):
        security.send_reset_link(self.request, self.context["customers"], appstruct["email"])
        return mail_sent(self.request, again=self.action())


@form_view(
    name="reset",
    path_info=r"^/[^/]+/reset/password$",
    secret_address=True,
    renderer="shopcms.accounts:templates/reset_password.pt",
    **PUBLIC,
)
class NewPassword(FormView):
    """The mailed link's page: the new password, with the token hidden in the form."""

    schema = NewPasswordSchema
    formid = "new-password"
    buttons = (Button("save", _("Save my new password")),)

    def __init__(self, context, request):
        super().__init__(context, request)
        self.token = mailed_token(request)
        self.usable = read_token(request, self.token, RESET_PASSWORD) is not None

    def action(self):
        return self.request.link(None, "reset", "password")

    def appstruct(self):
        return {"token": self.token}

    def show(self):
        return super().show() if self.usable else self.unusable()

    def submit(self):
        # A refused password uses nothing up: the token stays in the form shown again.
        return super().submit() if self.usable else self.unusable()

    def unusable(self):
        return invalid_link(self.request, self.request.link(None, "reset"))

    def succeeded(self, appstruct):
        request = self.request
        account = security.reset_password(request, appstruct["token"], appstruct["password"])
        if account is None:  # used meanwhile by a concurrent request
            return self.unusable()
        if totp.is_on(account):
            response = HTTPSeeOther(location=request.link(None, "login"))
        else:
            response = logged_in(request, account, request.account_link())
        # After the login, which starts a new session (a notice before it would be lost).
        notice(request, _("Your new password is saved."))
        return response
