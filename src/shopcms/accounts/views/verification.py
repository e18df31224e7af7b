"""The page of the link that verifies a new account's address: ``/{lang}/verify?token=``.

It only shows a form (a GET never uses the token up: mail scanners open links) that asks
the account's password: whoever registered someone else's address cannot have its owner
confirm an account they hold the password of.  Its POST consumes the token, marks the
address verified, logs the customer in and goes to ``/{lang}/account/``.  A token that is
forged, expired or used gets a 400 page that offers ``/{lang}/verify/resend``.  The page
sends no Referer (``secret_address``).
"""

from pyramid.httpexceptions import HTTPSeeOther

from shopcms.accounts import registration, totp
from shopcms.accounts.authentication import Throttled, confirm_password
from shopcms.accounts.schemas import VerifySchema
from shopcms.accounts.views.common import (
    LINK_TEMPLATE,
    form_error,
    invalid_link,
    mailed_token,
    throttled,
)
from shopcms.accounts.views.login import logged_in
from shopcms.accounts.views.registration import PUBLIC
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _
from shopcms.web.notices import notice


@form_view(
    name="verify",
    path_info=r"^/[^/]+/verify$",
    secret_address=True,
    renderer=LINK_TEMPLATE,
    **PUBLIC,
)
class Verify(FormView):
    schema = VerifySchema
    formid = "token"
    buttons = (Button("confirm", _("Confirm my email address")),)

    def __init__(self, context, request):
        super().__init__(context, request)
        self.token = mailed_token(request)
        self.account = registration.waiting_account(request, self.token)

    def action(self):
        return self.request.link(None, "verify")

    def appstruct(self):
        return {"token": self.token}

    def values(self):
        return {
            "title": _("Confirm your email address"),
            "text": _("Confirm your address with your password to finish creating your account."),
            "again": None,
        }

    def show(self):
        return super().show() if self.account is not None else self.unusable()

    def submit(self):
        return super().submit() if self.account is not None else self.unusable()

    def unusable(self):
        return invalid_link(self.request, self.request.link(None, "verify", "resend"))

    def succeeded(self, appstruct):
        request = self.request
        try:
            right = confirm_password(request, self.account, appstruct["password"])
        except Throttled as exc:
            message = throttled(request, exc.wait)
            return self.page(form_error(request, self.form, message, None, self.appstruct(), 429))
        if not right:
            message = _("This is not the password of this account.")
            return self.page(form_error(request, self.form, message, "password", self.appstruct()))
        account = registration.verify(request, appstruct["token"])
        if account is None:  # used meanwhile by a concurrent request
            return self.unusable()
        if totp.is_on(account):
            # The second factor still has its say: log in through the form.
            response = HTTPSeeOther(location=request.link(None, "login"))
        else:
            response = logged_in(request, account, request.account_link())
        # After the login, which starts a new session (a notice before it would be lost).
        notice(request, _("Thank you: your email address is confirmed."))
        return response
