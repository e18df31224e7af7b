"""Changing the email address: the form of ``/{lang}/account/security`` and the mailed
link's page, ``/{lang}/verify/email?token=``.

The form mails a link to the *new* address (``security.ask_email_change``); nothing changes
until it is opened.  The link's page only shows a button (a GET never uses the token up);
its POST moves the account to the new address, ends every other session and tells the old
address.  Pages that carry a token send no Referer (``secret_address``).
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts import security
from shopcms.accounts.links import read_token
from shopcms.accounts.schemas import TokenSchema
from shopcms.accounts.views.common import LINK_TEMPLATE, form_error, invalid_link, mailed_token
from shopcms.accounts.views.security import (
    SECURITY_POST,
    email_form,
    password_refused,
    security_page,
)
from shopcms.tree.site import Site
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, FormView, form_view, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import VIEW
from shopcms.web.tokens import CHANGE_EMAIL


@view_config(request_param="change_email", **SECURITY_POST)
def change_email(context, request):
    form = email_form(request)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return security_page(request, context, email_form=failed)
    refused = password_refused(request, context, form, appstruct, appstruct["current"], ["email"])
    if refused is not None:
        return security_page(request, context, email_form=refused)
    try:
        new = security.ask_email_change(request, context, appstruct["email"])
    except security.Refused as exc:
        shown = form_error(request, form, exc.message, "email", {"email": appstruct["email"]})
        return security_page(request, context, email_form=shown)
    notice(
        request,
        _(
            "We sent a link to ${email}. Your address changes when you open it; until then "
            "nothing changes.",
            mapping={"email": new},
        ),
    )
    return HTTPSeeOther(location=request.account_link("security"))


@form_view(
    context=Site,
    route_name="public",
    name="verify",
    path_info=r"^/[^/]+/verify/email$",
    secret_address=True,
    permission=VIEW,
    renderer=LINK_TEMPLATE,
)
class ConfirmEmail(FormView):
    """The mailed link's page: one button that confirms the new address."""

    schema = TokenSchema
    formid = "token"
    buttons = (Button("confirm", _("Confirm this email address")),)

    def __init__(self, context, request):
        super().__init__(context, request)
        self.token = mailed_token(request)
        self.found = read_token(request, self.token, CHANGE_EMAIL)

    def action(self):
        return self.request.link(None, "verify", "email")

    def appstruct(self):
        return {"token": self.token}

    def values(self):
        new = self.found[1] if self.found is not None else ""
        return {
            "title": _("Confirm your new email address"),
            "text": _("Your account will use ${email} from now on.", mapping={"email": new}),
            "again": None,
        }

    def show(self):
        return super().show() if self.found is not None else self.unusable()

    def submit(self):
        return super().submit() if self.found is not None else self.unusable()

    def unusable(self):
        return invalid_link(self.request, self.request.account_link("security"))

    def succeeded(self, appstruct):
        request = self.request
        try:
            changed = security.change_email(request, self.context["customers"], appstruct["token"])
        except security.Refused as exc:
            return refusal(request, exc.message, 409)
        if changed is None:  # used meanwhile by a concurrent request
            return self.unusable()
        account, new = changed
        notice(
            request,
            _(
                "Your email address is now ${email}. Log in with it from now on.",
                mapping={"email": new},
            ),
        )
        logged_in = request.identity is account
        target = request.account_link("security") if logged_in else request.link(None, "login")
        return HTTPSeeOther(location=target)
