"""Registration, and asking a new verification link.

``/{lang}/register`` creates an account whose address is not verified yet (it cannot log
in) and mails a link to ``/{lang}/verify`` (``views.verification``).  An address that
already has an account gets the same answer page, and its owner a mail saying so instead:
the page never tells whether an address is known (``shopcms.accounts.registration``).
``/{lang}/verify/resend`` mails a new link, and answers the same for every address.
"""

from shopcms.accounts import registration
from shopcms.accounts.schemas import EmailSchema, RegisterSchema
from shopcms.accounts.views.common import mail_sent
from shopcms.tree.site import Site
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _
from shopcms.web.security import VIEW

PUBLIC = {"context": Site, "route_name": "public", "permission": VIEW}


@form_view(name="register", renderer="shopcms.accounts:templates/register.pt", **PUBLIC)
class Register(FormView):
    schema = RegisterSchema
    formid = "register"
    buttons = (Button("register", _("Create my account")),)

    def action(self):
        return self.request.link(None, "register")

    def succeeded(self, appstruct):
        registration.register(
            self.request, self.context["customers"], appstruct["email"], appstruct["password"]
        )
        return mail_sent(self.request, again=self.request.link(None, "verify", "resend"))


@form_view(
    name="verify",
    path_info=r"^/[^/]+/verify/resend$",
    renderer="shopcms.accounts:templates/ask_email.pt",
    **PUBLIC,
)
class Resend(FormView):
    """A new verification link, for an account that still waits for its confirmation."""

    schema = EmailSchema
    formid = "resend"
    buttons = (Button("send", _("Send a new link")),)

    def action(self):
        return self.request.link(None, "verify", "resend")

    def values(self):
        return {
            "title": _("A new confirmation link"),
            "text": _(
                "Enter the address you registered with. If its account still waits for "
                "confirmation, we mail it a new link."
            ),
        }

    def succeeded(self, appstruct):
        registration.send_link_again(self.request, self.context["customers"], appstruct["email"])
        return mail_sent(self.request, again=self.action())
