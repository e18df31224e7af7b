"""The newsletter page, ``/{lang}/newsletter``: what the newsletter is, how to unsubscribe,
the privacy statement, and the subscribe form (which the footer of every page also posts
to).

The GET is the same for every visitor without cookies (shared).  The POST asks for a
subscription in the page's language (``api.ask_subscription``, source ``footer``) and
answers with the same page whatever the address (known, unknown, subscribed, suppressed;
it shows the address as typed, so that a typing error can be seen): the mail composed
later tells the owner of the address what applies.  No session starts: a visitor without
cookies stays one.

A logged-in customer's subscription is linked to the account only when the address typed
is the account's own: an account is never linked to a mailbox it has not proven (its
ledger would record the consents of whoever owns that address).
"""

from pyramid.view import view_config

from shopcms.newsletter import api
from shopcms.newsletter.addresses import normalise
from shopcms.newsletter.resources import Newsletter
from shopcms.newsletter.schemas import SubscribeSchema
from shopcms.newsletter.views.common import unsubscribe_by_mail
from shopcms.web.forms import Button, FormView
from shopcms.web.i18n import _
from shopcms.web.security import VIEW

TEMPLATE = "shopcms.newsletter:templates/newsletter.pt"
FORMID = "newsletter"

PAGE = {"context": Newsletter, "route_name": "public", "permission": VIEW, "renderer": TEMPLATE}


def own_account(request, address):
    """The logged-in customer's id when ``address`` is their account's address, else None."""
    identity = request.identity
    email = getattr(identity, "email", None)
    if not email:
        return None
    try:
        same = normalise(email) == normalise(address)
    except ValueError:
        return None
    return identity.__name__ if same else None


@view_config(attr="show", request_method="GET", shared=True, **PAGE)
@view_config(attr="submit", request_method="POST", **PAGE)
class NewsletterPage(FormView):
    """The newsletter page and its subscribe form (see the module)."""

    schema = SubscribeSchema
    formid = FORMID
    buttons = (Button("subscribe", _("Subscribe")),)

    def action(self):
        return self.request.link(None, "newsletter")

    def values(self):
        request = self.request
        address, subject = unsubscribe_by_mail(request)
        return {
            "asked": False,
            "privacy_url": request.link(None, "privacy"),
            "unsubscribe_url": request.link(None, "unsubscribe"),
            "unsubscribe_address": address,
            "unsubscribe_subject": subject,
        }

    def succeeded(self, appstruct):
        request = self.request
        address = appstruct["email"]
        try:
            api.ask_subscription(
                request,
                request.root,
                address,
                request.locale_name,
                api.FOOTER,
                account=own_account(request, address),
            )
        except ValueError:
            return self.refuse(_("Enter a valid email address."), appstruct)
        return {**self.page(None), "asked": True, "address": address}
